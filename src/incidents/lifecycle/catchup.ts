// `/incident catchup`: what someone needs to pick up an incident — where it stands, who holds
// which role, what changed since they last caught up (or joined the channel, or else in the last
// few hours), actions run and waiting, open follow-ups — from the record alone. Each catch-up's
// time is kept, so the next one starts where this one ended.
import type { Incident } from "../../domain/incident.js";
import type { PlaybookRun } from "../../domain/playbook-run.js";
import type { TimelineEntry } from "../../domain/timeline.js";
import { catchupMessage, type CatchupSince } from "../../views/slack/catchup-view.js";
import type { Rendered } from "../../views/slack/incident-header.js";
import type { IncidentDeps } from "../deps.js";

/** Without an earlier catch-up or a recorded join, the catch-up covers this many hours. */
export const CATCHUP_WINDOW_HOURS = 4;

/** Entries about Firebreak's own channel work, which tell a person nothing about the incident. */
const PLUMBING = new Set(["channel", "header", "announcement", "posted", "pagerduty-note", "bookmark", "slack-delayed"]);

/** The timeline kind for someone joining the incident channel (its actor is who joined). */
export const MEMBER_JOINED_KIND = "member-joined";

export async function catchUp(deps: Pick<IncidentDeps, "store" | "now" | "timezone">, incident: Incident, userId: string): Promise<Rendered> {
  const now = deps.now();
  const last = await deps.store.catchups.last(incident.id, userId);
  // Timed before the timeline is read, recorded once the summary is made: an entry recorded in
  // between shows now and next time, rather than in neither.
  const stamp = await deps.store.catchups.clock();
  const [entries, roles, followups, runIds] = await Promise.all([
    deps.store.timeline.list(incident.id),
    deps.store.lifecycle.roles(incident.id),
    deps.store.lifecycle.followups(incident.id),
    deps.store.runs.forIncident(incident.id),
  ]);
  const runs = (await Promise.all(runIds.map((id) => deps.store.runs.get(id)))).filter((r): r is NonNullable<typeof r> => Boolean(r)) as PlaybookRun[];
  const since = startingPoint(last, entries, userId, now);
  // After a catch-up, what is new is what was recorded since (both by the database's clock): a
  // note backdated with `at 9:45` after it is news, though its event time is earlier. Without
  // one, it is what happened since they joined, or in the last hours.
  const changes = entries.filter((e) => !PLUMBING.has(e.kind) && (since.reason === "last-catchup" ? e.recordedAt > since.at : e.eventAt > since.at));
  const rendered = catchupMessage({ incident, roles, since, changes, runs, followups, timeZone: deps.timezone });
  await deps.store.catchups.record(incident.id, userId, stamp);
  return rendered;
}

function startingPoint(last: Date | undefined, entries: TimelineEntry[], userId: string, now: Date): CatchupSince {
  if (last) return { reason: "last-catchup", at: last };
  const joined = entries.filter((e) => e.kind === MEMBER_JOINED_KIND && e.actor === userId).at(-1);
  if (joined) return { reason: "joined", at: joined.eventAt };
  return { reason: "window", at: new Date(now.getTime() - CATCHUP_WINDOW_HOURS * 3_600_000), hours: CATCHUP_WINDOW_HOURS };
}
