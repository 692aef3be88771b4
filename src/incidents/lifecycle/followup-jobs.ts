// The durable work behind follow-ups tracked to done:
// - a GitHub `issues` delivery (recorded by /webhooks/github) sets its follow-up's state or owner;
// - a follow-up marked done in Slack closes its issue;
// - an hourly reconcile asks GitHub about a bounded number of open follow-ups' issues, those it
//   has waited longest to see first, for what a lost or refused webhook missed (GitHub does not
//   redeliver on its own);
// - a daily sweep at 09:00 in FIREBREAK_TIMEZONE gives each overdue open follow-up one nudge job
//   keyed by follow-up and day, so replicas and restarts nudge an owner once a day, not once each.
// Sweeps are scheduled as retention is (jobs/retention-job.ts): keyed by their slot, each run
// asks for the next, and every start-up asks for the current one.
import { z } from "zod";
import { humanId } from "../../domain/incident.js";
import { addDays, isOverdue } from "../../domain/followup.js";
import type { Followup } from "../../domain/lifecycle.js";
import { localDate } from "../../domain/time-format.js";
import type { ConfigFile } from "../../kernel/config-file.js";
import { validateWith } from "../../kernel/parse-json.js";
import type { GithubPort } from "../../ports/github.js";
import { VendorError } from "../../ports/vendor-error.js";
import { githubIssuesPayloadSchema } from "../../sources/github.js";
import type { JobHandler } from "../../jobs/job-runner.js";
import { link } from "../../views/slack/mrkdwn.js";
import { GITHUB_DELIVERY_JOB } from "../delivery-jobs.js";
import type { IncidentDeps } from "../deps.js";
import { FOLLOWUP_CLOSE_ISSUE_JOB } from "./followups.js";
import { enqueueReconcile, FOLLOWUP_NUDGES_JOB, FOLLOWUP_RECONCILE_JOB, HOUR_MS, hourSlot, nudgeTime } from "./followup-schedule.js";

export const FOLLOWUP_NUDGE_JOB = "followup.nudge";

/** GitHub calls one reconcile round may make: well inside GitHub's 5,000 an hour. */
export const RECONCILE_BATCH = 30;
/** Overdue follow-ups one daily sweep nudges about. */
const NUDGE_BATCH = 500;

export interface FollowupJobOptions {
  github: GithubPort | undefined;
  people: ConfigFile["people"];
}

export function followupJobs(deps: IncidentDeps, options: FollowupJobOptions): Record<string, JobHandler> {
  const { github } = options;
  return {
    [FOLLOWUP_NUDGES_JOB]: nudgesSweep(deps),
    [FOLLOWUP_NUDGE_JOB]: nudgeOwner(deps),
    ...(github && {
      [GITHUB_DELIVERY_JOB]: githubDelivery(deps, options.people),
      [FOLLOWUP_CLOSE_ISSUE_JOB]: closeIssue(deps, github),
      [FOLLOWUP_RECONCILE_JOB]: reconcile(deps, github),
    }),
  };
}


const deliveryPayload = z.object({ deliveryId: z.string() });

function githubDelivery(deps: IncidentDeps, people: ConfigFile["people"]): JobHandler {
  const slackIdOf = (login: string) => Object.entries(people).find(([, p]) => p.github.toLowerCase() === login.toLowerCase())?.[0];
  return async (payload, context) => {
    const { deliveryId } = validateWith(deliveryPayload, payload, "a GitHub delivery job's payload");
    const delivery = await deps.store.deliveries.get("github", deliveryId);
    if (!delivery) throw new Error(`delivery github/${deliveryId} is missing`);
    const event = githubIssuesPayloadSchema.parse(delivery.body);
    const followup = await deps.store.followups.byIssue(event.issue.number);
    const log = context.log.child({ deliveryId, issue: event.issue.number, action: event.action });
    if (!followup) return log.info("no follow-up has this issue any more");
    const updatedAt = new Date(event.issue.updated_at);
    if (event.action === "closed" || event.action === "reopened") {
      const state = event.action === "closed" ? "done" : "open";
      const at = event.issue.closed_at && state === "done" ? new Date(event.issue.closed_at) : context.now;
      const changed = await deps.store.followups.setState(followup.id, { state, at, githubUpdatedAt: updatedAt });
      return log.info({ followupId: followup.id, state, changed }, changed ? "follow-up state read back from GitHub" : "follow-up state unchanged");
    }
    // assigned / unassigned: the first assignee Firebreak can name becomes the owner.
    const owner = (event.issue.assignees ?? []).map((a) => slackIdOf(a.login)).find(Boolean);
    if (owner && owner !== followup.ownerId) {
      await deps.store.followups.setOwner(followup.id, owner);
      log.info({ followupId: followup.id }, "follow-up owner read back from GitHub");
    }
  };
}

const followupPayload = z.object({ followupId: z.number().int() });

function closeIssue(deps: IncidentDeps, github: GithubPort): JobHandler {
  return async (payload) => {
    const { followupId } = validateWith(followupPayload, payload, "a close-issue job's payload");
    const followup = await deps.store.followups.get(followupId);
    // Reopened meanwhile (on GitHub or in Slack): the issue stays as it is.
    if (!followup?.issueNumber || followup.state !== "done") return;
    await github.setIssueState(followup.issueNumber, "closed");
  };
}

function reconcile(deps: IncidentDeps, github: GithubPort): JobHandler {
  return async (_payload, { log, now }) => {
    const open = await deps.store.followups.claimForReconcile(RECONCILE_BATCH, now);
    let closed = 0;
    try {
      for (const followup of open) {
        const issue = await github.getIssue(followup.issueNumber!);
        if (issue?.state !== "closed") continue;
        if (await deps.store.followups.setState(followup.id, { state: "done", at: issue.closedAt ?? now, githubUpdatedAt: issue.updatedAt })) closed += 1;
      }
    } catch (error) {
      // GitHub is down or limiting: this round stops here; the next hour's round asks again.
      if (!(error instanceof VendorError)) throw error;
      log.warn({ err: error }, "reconcile: GitHub did not answer; trying again next hour");
    }
    if (open.length > 0) log.info({ checked: open.length, closed }, "reconcile: follow-up issues read from GitHub");
    await enqueueReconcile(deps.store.jobs, new Date(hourSlot(now).getTime() + HOUR_MS), now);
  };
}

function nudgesSweep(deps: IncidentDeps): JobHandler {
  return async (_payload, { log, now }) => {
    const today = localDate(now, deps.timezone);
    const overdue = await deps.store.followups.overdue(today, NUDGE_BATCH);
    for (const followup of overdue) {
      await deps.store.jobs.enqueue({ kind: FOLLOWUP_NUDGE_JOB, payload: { followupId: followup.id, day: today }, dedupeKey: `followup-nudge:${followup.id}:${today}` }, now);
    }
    if (overdue.length > 0) log.info({ overdue: overdue.length, day: today }, "nudging the owners of overdue follow-ups");
    const tomorrow = addDays(today, 1);
    await deps.store.jobs.enqueue({ kind: FOLLOWUP_NUDGES_JOB, runAt: nudgeTime(tomorrow, now, deps.timezone), dedupeKey: `followup-nudges:${tomorrow}` }, now);
    deps.nudge();
  };
}

const nudgePayload = z.object({ followupId: z.number().int(), day: z.string() });

function nudgeOwner(deps: IncidentDeps): JobHandler {
  return async (payload) => {
    const { followupId, day } = validateWith(nudgePayload, payload, "a follow-up nudge job's payload");
    const followup = await deps.store.followups.get(followupId);
    // Done or moved since the sweep: nothing to say.
    if (!followup?.ownerId || !isOverdue(followup, day)) return;
    const incident = await deps.store.incidents.get(followup.incidentId);
    await deps.chat.postDirect(followup.ownerId, { text: nudgeText(followup, incident ? humanId(incident) : `incident ${followup.incidentId}`, incident?.channelId ?? null) });
  };
}

function nudgeText(f: Followup, incident: string, channelId: string | null): string {
  const issue = f.issueUrl ? ` (${link(f.issueUrl, f.issueNumber ? `issue #${f.issueNumber}` : "issue")})` : "";
  const where = channelId ? ` in <#${channelId}>` : "";
  return `:alarm_clock: Your follow-up #${f.id} from ${incident} was due ${f.dueOn} and is still open: ${f.text}${issue}. When it is done, close its issue or run \`/incident followup done ${f.id}\`${where}.`;
}
