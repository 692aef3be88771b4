// App Home: published when a person opens it (the app_home_opened event, recorded like every
// Slack event and handled by its job), and republished when something it shows changes.
//
// Refreshing is durable and bounded. A change (an incident's header refreshed, a new channel, a
// step asked for or given approval, a post-mortem published) queues one refresh job per
// HOME_DEBOUNCE_MS window, due at the window's end, so a burst of changes is one refresh. The
// refresh republishes only for people who opened App Home in the last HOME_VIEWER_DAYS days, at
// most HOME_VIEWERS_MAX of them (the most recent), as one publish job per person, itself once
// per window per person: a 429 from Slack retries that person's job after its Retry-After,
// not the whole fan-out. Anyone past the bound sees a fresh view the next time they open the tab.
import { z } from "zod";
import { eligiblePeople } from "../domain/approval-policy.js";
import type { JobContext, JobHandler } from "../jobs/job-runner.js";
import { validateWith } from "../kernel/parse-json.js";
import type { HomeTabPort } from "../ports/chat.js";
import type { JobsRepository } from "../ports/store.js";
import { homeView, type HomeApproval, type HomeData } from "../views/slack/home-view.js";
import type { IncidentDeps } from "./deps.js";
import { visibleIncidents } from "./private-access.js";

export const HOME_REFRESH_JOB = "slack.home-refresh";
export const HOME_PUBLISH_JOB = "slack.home-publish";
export const HOME_DEBOUNCE_MS = 2_000;
export const HOME_VIEWERS_MAX = 100;
export const HOME_VIEWER_DAYS = 7;
/** Post-mortems published this recently are listed as awaiting review (Firebreak does not follow the PR's reviews). */
export const POSTMORTEM_REVIEW_DAYS = 14;

export type HomeDeps = Pick<IncidentDeps, "store" | "now" | "nudge" | "chat" | "log"> & { home: HomeTabPort };

const DAY_MS = 86_400_000;

/** What `userId`'s App Home shows now; private incidents only to their channel's members. */
export async function homeData(deps: Pick<HomeDeps, "store" | "now" | "chat" | "log">, userId: string): Promise<HomeData> {
  const { store } = deps;
  const open = await visibleIncidents(deps, await store.incidents.list({ open: true, limit: 50 }), userId);
  const data: HomeData = { open: [], mine: [], approvals: [], postmortems: [] };
  for (const incident of open) {
    const roles = await store.lifecycle.roles(incident.id);
    data.open.push({ ...incident, roles: roles.map((r) => r.name) });
    const held = [...(incident.commander === userId ? ["commander"] : []), ...roles.filter((r) => r.userId === userId).map((r) => r.name)];
    if (held.length > 0) data.mine.push({ incident, roles: held });
    for (const runId of await store.runs.forIncident(incident.id)) {
      const run = await store.runs.get(runId);
      if (!run || run.state !== "running") continue;
      for (const step of run.steps) {
        if (step.state !== "awaiting_approval" || !step.eligible) continue;
        if (!eligiblePeople(step.eligible).includes(userId) || step.approvals.some((a) => a.userId === userId)) continue;
        const approval: HomeApproval = {
          incident,
          playbookTitle: run.playbook.title,
          stepTitle: run.playbook.steps[step.position]?.title ?? step.stepId,
          position: step.position,
          button: { runId: run.id, position: step.position, version: step.version, round: step.round },
        };
        data.approvals.push(approval);
      }
    }
  }
  const since = deps.now().getTime() - POSTMORTEM_REVIEW_DAYS * DAY_MS;
  for (const incident of await visibleIncidents(deps, await store.incidents.list({ limit: 50 }), userId)) {
    if (incident.status !== "resolved") continue;
    const pm = await store.postmortems.get(incident.id);
    if (pm.prUrl && pm.publishedAt && pm.publishedAt.getTime() >= since) data.postmortems.push({ incident, prUrl: pm.prUrl, publishedAt: pm.publishedAt });
  }
  return data;
}

export async function publishHome(deps: HomeDeps, userId: string): Promise<void> {
  await deps.home.publishHome(userId, homeView(await homeData(deps, userId), deps.now()));
}

const window = (now: Date) => Math.floor(now.getTime() / HOME_DEBOUNCE_MS);
const windowEnd = (bucket: number) => new Date((bucket + 1) * HOME_DEBOUNCE_MS);

/** Queues a refresh of everyone's App Home at the end of the current window (once per window). */
export async function requestHomeRefresh(jobs: JobsRepository, now: Date): Promise<void> {
  const bucket = window(now);
  await jobs.enqueue({ kind: HOME_REFRESH_JOB, runAt: windowEnd(bucket), dedupeKey: `home-refresh:${bucket}` }, now);
}

const openedEvent = z.object({ event: z.object({ type: z.literal("app_home_opened"), user: z.string(), tab: z.string().optional() }) });
const publishPayload = z.object({ userId: z.string() });

/**
 * The Slack event job, with app_home_opened handled here: the person is remembered as a viewer
 * and their Home published. Other events go to `inner`.
 */
export function withHomeEvents(deps: HomeDeps, inner: JobHandler): JobHandler {
  return async (payload, context) => {
    const opened = openedEvent.safeParse(payload);
    if (!opened.success) return inner(payload, context);
    // The Messages tab opens too; only the Home tab is ours to draw.
    if (opened.data.event.tab && opened.data.event.tab !== "home") return;
    await deps.store.homeViewers.opened(opened.data.event.user, deps.now());
    await publishHome(deps, opened.data.event.user);
  };
}

export function homeJobs(deps: HomeDeps): Record<string, JobHandler> {
  return {
    [HOME_REFRESH_JOB]: async (_payload: unknown, context: JobContext) => {
      const viewers = await deps.store.homeViewers.recent(new Date(context.now.getTime() - HOME_VIEWER_DAYS * DAY_MS), HOME_VIEWERS_MAX);
      const bucket = window(context.now);
      for (const userId of viewers) {
        await deps.store.jobs.enqueue({ kind: HOME_PUBLISH_JOB, payload: { userId }, dedupeKey: `home-publish:${userId}:${bucket}` }, context.now);
      }
      if (viewers.length > 0) deps.nudge();
    },
    [HOME_PUBLISH_JOB]: async (payload: unknown) => {
      const { userId } = validateWith(publishPayload, payload, "an App Home publish job's payload");
      await publishHome(deps, userId);
    },
  };
}

/** `handlers` with a home refresh requested after each successful job of `kinds` (the changes the Home shows). */
export function withHomeRefresh(deps: Pick<HomeDeps, "store" | "now">, handlers: Record<string, JobHandler>, kinds: readonly string[]): Record<string, JobHandler> {
  const wrapped = { ...handlers };
  for (const kind of kinds) {
    const inner = handlers[kind];
    if (!inner) continue;
    wrapped[kind] = async (payload, context) => {
      await inner(payload, context);
      await requestHomeRefresh(deps.store.jobs, deps.now());
    };
  }
  return wrapped;
}
