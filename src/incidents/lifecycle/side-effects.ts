// What follows a change to an incident, queued in the same transaction as the change: refresh
// the pinned header, tell PagerDuty, nudge for the next status update, archive when resolved.
import type { NewJob, Repositories } from "../../ports/store.js";
import { defaultUpdateCadence } from "../../domain/lifecycle.js";
import type { Incident } from "../../domain/incident.js";
import type { IncidentDeps } from "../deps.js";

export const REFRESH_HEADER_JOB = "incident.refresh-header";
export const PAGERDUTY_SYNC_JOB = "incident.pagerduty-sync";
export const REMINDER_JOB = "incident.update-reminder";
export const ARCHIVE_JOB = "incident.archive-channel";

export type PagerdutySync = { kind: "acknowledged" | "resolved" } | { kind: "annotated"; content: string };

export function refreshHeader(tx: Repositories, incident: Incident, now: Date) {
  return tx.jobs.enqueue({ kind: REFRESH_HEADER_JOB, payload: { incidentId: incident.id }, dedupeKey: `header:${incident.id}:${incident.version}:${now.getTime()}` }, now);
}

/** Mirrors a change made in Slack to the PagerDuty incident, if there is one. */
export async function syncPagerduty(tx: Repositories, deps: Pick<IncidentDeps, "paging">, incident: Incident, change: PagerdutySync, key: string, now: Date) {
  if (!incident.pagerdutyIncidentId || !deps.paging) return;
  await tx.jobs.enqueue({ kind: PAGERDUTY_SYNC_JOB, payload: { incidentId: incident.id, ...change }, dedupeKey: `pd-sync:${incident.id}:${key}` }, now);
}

export function updateCadenceMinutes(deps: Pick<IncidentDeps, "lifecycle">, incident: Incident): number {
  return deps.lifecycle.update_every_minutes[incident.severity] ?? defaultUpdateCadence[incident.severity];
}

/** The next "no status update for a while" nudge, counted from `since`; one per due time. */
export async function scheduleReminder(tx: Repositories, deps: Pick<IncidentDeps, "lifecycle">, incident: Incident, since: Date, now: Date) {
  await tx.jobs.enqueue(reminderJob(deps, incident, since), now);
}

/** The job that reminds the channel to post an update, one cadence after `since`. */
export function reminderJob(deps: Pick<IncidentDeps, "lifecycle">, incident: Incident, since: Date): NewJob & { dedupeKey: string } {
  const due = new Date(since.getTime() + updateCadenceMinutes(deps, incident) * 60_000);
  return { kind: REMINDER_JOB, payload: { incidentId: incident.id, due: due.toISOString() }, runAt: due, dedupeKey: `reminder:${incident.id}:${due.toISOString()}` };
}

export async function scheduleArchive(tx: Repositories, deps: Pick<IncidentDeps, "lifecycle">, incident: Incident, resolvedAt: Date, now: Date) {
  const at = new Date(resolvedAt.getTime() + deps.lifecycle.archive_after_minutes * 60_000);
  await tx.jobs.enqueue({ kind: ARCHIVE_JOB, payload: { incidentId: incident.id }, runAt: at, dedupeKey: `archive:${incident.id}:${resolvedAt.toISOString()}` }, now);
}
