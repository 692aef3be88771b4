// Retention: deliveries and finished jobs older than `retention_days` are deleted once a day.
// Incidents, timelines, runs and post-mortems are the record and are kept forever.
//
// The sweep is a durable job like any other, keyed by its UTC day: every replica asks for today's
// at start-up and each sweep asks for tomorrow's, and the jobs table's unique dedupe key lets only
// one of each exist, so replicas sweep once a day between them. It deletes in small batches, each
// its own short statement that skips locked rows, so intake never waits behind it; a large backlog
// is worked off in slices (the job defers itself), so shutting down never waits for a long sweep.
import type { Store } from "../ports/store.js";
import { DeferJob, type JobHandler } from "./job-runner.js";

export const RETENTION_JOB = "maintenance.retention";

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  store: Pick<Store, "deliveries" | "jobs">;
  retentionDays: number;
  /** Rows per DELETE statement (default 500). */
  batchSize?: number;
  /** Statements per slice before the job yields and continues shortly (default 100). */
  batchesPerSlice?: number;
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const startOfNextUtcDay = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS + DAY_MS);

/** Asks for today's sweep, due now; a no-op when today's already exists (run or scheduled). */
export async function scheduleRetention(jobs: Store["jobs"], now: Date): Promise<void> {
  await jobs.enqueue({ kind: RETENTION_JOB, runAt: now, dedupeKey: `retention:${utcDay(now)}` }, now);
}

export function retentionJob(options: RetentionOptions): JobHandler {
  const { store } = options;
  const batchSize = options.batchSize ?? 500;
  const batchesPerSlice = options.batchesPerSlice ?? 100;
  return async (_payload, { log, now }) => {
    const cutoff = new Date(now.getTime() - options.retentionDays * DAY_MS);
    let deliveries = 0;
    let jobs = 0;
    for (let batch = 0; batch < batchesPerSlice; batch++) {
      const deleted = await store.deliveries.deleteReceivedBefore(cutoff, batchSize);
      const finished = await store.jobs.deleteFinishedBefore(cutoff, batchSize);
      deliveries += deleted;
      jobs += finished;
      if (deleted < batchSize && finished < batchSize) {
        if (deliveries + jobs > 0) log.info({ deliveries, jobs, cutoff: cutoff.toISOString() }, "retention: deleted old deliveries and finished jobs");
        // Tomorrow's sweep; this job re-run after a lost lease asks for the same one, which is fine.
        const next = startOfNextUtcDay(now);
        await store.jobs.enqueue({ kind: RETENTION_JOB, runAt: next, dedupeKey: `retention:${utcDay(next)}` }, now);
        return;
      }
    }
    log.info({ deliveries, jobs }, "retention: more to delete; continuing shortly");
    throw new DeferJob(new Date(now.getTime() + 1_000), "retention sweep continues in the next slice");
  };
}
