// When the follow-up sweeps run: this hour's GitHub reconcile and today's 09:00 nudge sweep, each a
// job keyed by its slot. Every start-up asks for the current ones before it reports ready
// (main.ts), so this is kept apart from the sweeps themselves (./followup-jobs.ts).
import { localDate, parseClockInput } from "../../domain/time-format.js";
import type { Store } from "../../ports/store.js";

export const FOLLOWUP_RECONCILE_JOB = "followup.reconcile";
export const FOLLOWUP_NUDGES_JOB = "followup.nudges";
export const HOUR_MS = 3_600_000;
const NUDGE_AT = "09:00";

/** Asks for this hour's reconcile (when GitHub is on) and today's nudge sweep; no-ops when they exist. */
export async function scheduleFollowupJobs(jobs: Store["jobs"], now: Date, timeZone: string, options: { github: boolean }): Promise<void> {
  if (options.github) await enqueueReconcile(jobs, now, now);
  const today = localDate(now, timeZone);
  const at = nudgeTime(today, now, timeZone);
  await jobs.enqueue({ kind: FOLLOWUP_NUDGES_JOB, runAt: at.getTime() > now.getTime() ? at : now, dedupeKey: `followup-nudges:${today}` }, now);
}

export const hourSlot = (at: Date) => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
export const enqueueReconcile = (jobs: Store["jobs"], runAt: Date, now: Date) =>
  jobs.enqueue({ kind: FOLLOWUP_RECONCILE_JOB, runAt, dedupeKey: `followup-reconcile:${hourSlot(runAt).toISOString()}` }, now);
export const nudgeTime = (day: string, now: Date, timeZone: string) => parseClockInput(`${day} ${NUDGE_AT}`, now, timeZone) ?? now;
