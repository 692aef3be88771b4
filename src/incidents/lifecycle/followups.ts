// Follow-ups tracked to done: `/incident followup [@owner] [due <day>] <text>` records one,
// `/incident followup done <n>` marks one done (and closes its GitHub issue, so GitHub and Slack
// agree), `/incident followups` lists them.
import { humanId, type Incident } from "../../domain/incident.js";
import { followupState, parseFollowupArgs } from "../../domain/followup.js";
import { localDate } from "../../domain/time-format.js";
import type { Rendered } from "../../views/slack/incident-header.js";
import { followupsMessage } from "../../views/slack/followups-view.js";
import type { IncidentDeps } from "../deps.js";
import type { Actor } from "./change-incident.js";
import { refused, type Outcome } from "./outcome.js";
import { enqueuePreviewRefresh } from "../../postmortem/preview-refresh-queue.js";

export const FOLLOWUP_CLOSE_ISSUE_JOB = "followup.close_issue";

const EXAMPLE = "`/incident followup @ana due friday Alert on invalid indexes after migrations`";

/** `args` after any `at <time>`: `[@owner] [due <day>] <text>`, or `done <n>`. */
export async function followupCommand(deps: IncidentDeps, incident: Incident, args: string, actor: Actor, at?: Date): Promise<Outcome> {
  // "done 3" (or "done #3"); "done deal …" is a follow-up like any other.
  const done = /^done\s+#?(\d+)\s*$/i.exec(args.trim());
  if (done) return markDone(deps, incident, done[1]!, actor);
  return addFollowup(deps, incident, args, actor, at);
}

export async function addFollowup(deps: IncidentDeps, incident: Incident, args: string, actor: Actor, at?: Date): Promise<Outcome> {
  const now = deps.now();
  const parsed = parseFollowupArgs(args, localDate(now, deps.timezone));
  if (!parsed.ok) return refused(parsed.reason);
  if (!parsed.text) return refused(`Describe the follow-up: ${EXAMPLE}.`);
  const followup = await deps.store.transaction(async (tx) => {
    const created = await tx.lifecycle.addFollowup({
      incidentId: incident.id,
      text: parsed.text,
      createdBy: actor.userId,
      createdAt: now,
      ...(parsed.ownerId && { ownerId: parsed.ownerId }),
      ...(parsed.dueOn && { dueOn: parsed.dueOn }),
    });
    await tx.timeline.append({ incidentId: incident.id, eventAt: at ?? now, kind: "followup", actor: actor.userId, text: `Follow-up added by <@${actor.userId}>: ${created.text}`, data: { followupId: created.id } });
    await enqueuePreviewRefresh(tx, incident.id, `followup:${created.id}`, now);
    return created;
  });
  const details = [parsed.ownerId && `owner <@${parsed.ownerId}>`, parsed.dueOn && `due ${parsed.dueOn}`].filter(Boolean).join(", ");
  return { ok: true, reply: `Follow-up #${followup.id} added${details ? ` (${details})` : ""}; it becomes an issue when the post-mortem is published.` };
}

async function markDone(deps: IncidentDeps, incident: Incident, idText: string, actor: Actor): Promise<Outcome> {
  const id = /^\d+$/.test(idText) ? Number(idText) : undefined;
  const followup = id === undefined ? undefined : await deps.store.followups.get(id);
  if (!followup || followup.incidentId !== incident.id) return refused(`${humanId(incident)} has no follow-up #${idText}; \`/incident followups\` lists them with their numbers.`);
  if (followupState(followup) === "done") return { ok: true, reply: `Follow-up #${followup.id} is already done.` };
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    await tx.followups.setState(followup.id, { state: "done", at: now });
    await enqueuePreviewRefresh(tx, incident.id, `followup:${followup.id}:done:${now.getTime()}`, now);
    // Its issue is closed too, or the next reconcile would find it open on GitHub.
    if (followup.issueNumber) {
      await tx.jobs.enqueue({ kind: FOLLOWUP_CLOSE_ISSUE_JOB, payload: { followupId: followup.id, by: actor.userId }, dedupeKey: `followup-close:${followup.id}:${now.getTime()}` }, now);
    }
  });
  deps.nudge();
  return { ok: true, reply: `Follow-up #${followup.id} marked done${followup.issueNumber ? `; its GitHub issue #${followup.issueNumber} is being closed` : ""}.` };
}

export async function listFollowups(deps: IncidentDeps, incident: Incident): Promise<Rendered> {
  const followups = await deps.store.lifecycle.followups(incident.id);
  const owners = [...new Set(followups.flatMap((f) => (f.ownerId ? [f.ownerId] : [])))];
  const names = await deps.store.people.names(owners);
  return followupsMessage(incident, followups, names, localDate(deps.now(), deps.timezone));
}
