// Runs durable jobs from the jobs table. Any replica may run any job; the store's claim
// (SKIP LOCKED + lease) makes sure only one does at a time, and a job whose worker died
// is picked up again once its lease runs out. Handlers must therefore be safe to re-run.
import { randomUUID } from "node:crypto";
import type { Job, JobsRepository } from "../ports/store.js";
import type { Logger } from "../kernel/log.js";
import type { Metrics } from "../kernel/metrics.js";
import { createWriteLedger, type WriteLedger } from "./write-ledger.js";

export interface JobContext {
  job: Job;
  log: Logger;
  now: Date;
  /** The writes this job sent without learning their outcome: look before sending them again. */
  writes: WriteLedger;
  /**
   * For a job handed over in-process (JobHandOff), what its enqueuer already held and the job
   * would otherwise read back (the delivery's body, the incident just declared); never stored.
   */
  carried?: unknown;
}

/** What a handed-over job's enqueuer gives it besides the row (JobHandOff.run). */
export interface HandedOver {
  /** The write-ledger keys the enqueuing transaction noted (write-ledger.ts `prepared`). */
  prepared?: readonly string[];
  /** JobContext.carried. */
  carried?: unknown;
}

/** Thrown by a handler that cannot proceed yet (pacing): the job runs again at `at`, no attempt spent. */
export class DeferJob extends Error {
  constructor(readonly at: Date, reason: string) {
    super(reason);
    this.name = "DeferJob";
  }
}

export type JobHandler = (payload: unknown, context: JobContext) => Promise<void>;

/**
 * A job enqueued already claimed by this runner (NewJob.claimedBy) and started by it as soon as
 * the enqueuing transaction commits: the work that follows a page starts without waiting for a
 * claim round trip. Crash-safe like any running job: if the process dies, the lease runs out and
 * any worker claims it, its write ledger telling that try what to look for first.
 */
export interface JobHandOff {
  /**
   * One of the runner's slots for a job of `kind`, held until the job is started or the slot
   * given back; undefined (enqueue the job unclaimed, for any worker) when this runner is not
   * running, does not run that kind, or has no free slot.
   */
  claim(kind: string): HandOffSlot | undefined;
}

/** A slot held for one job: enqueue it with `owner` and `leaseMs` as NewJob.claimedBy. */
export interface HandOffSlot {
  owner: string;
  leaseMs: number;
  /** Starts `job`, once the transaction that enqueued it has committed. */
  run(job: Job, given?: HandedOver): void;
  /** Gives the slot back: the job was not enqueued claimed after all (a duplicate, a failed write). */
  release(): void;
}

/** A slot neither used nor given back (its transaction rolled back) is freed after this long. */
export const HAND_OFF_SLOT_MS = 10_000;

export interface JobRunnerOptions {
  jobs: JobsRepository;
  handlers: Record<string, JobHandler>;
  log: Logger;
  metrics?: Metrics;
  now?: () => Date;
  owner?: string;
  pollMs?: number;
  leaseMs?: number;
  concurrency?: number;
  /** Delay before retry `attempt` (1-based). */
  backoffMs?: (attempt: number) => number;
}

export interface JobRunner {
  start(): void;
  /** Stops claiming and waits for running jobs to finish. */
  stop(): Promise<void>;
  /** Asks the runner to look for due jobs now rather than at its next poll. */
  nudge(): void;
  handOff: JobHandOff;
  /** Runs due jobs until none is left (tests and one-off commands). */
  drain(): Promise<number>;
  /** True when this runner is between rounds and no job (of its kinds, on any replica) is running or due. */
  idleNow(): Promise<true | string>;
}

export const defaultBackoffMs = (attempt: number) => Math.min(1_000 * 2 ** (attempt - 1), 60_000) * (0.8 + Math.random() * 0.4);

/** The wait a failure asks for, e.g. a VendorError carrying Slack's Retry-After; 0 if none. */
function retryAfterMs(error: unknown): number {
  const hint = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof hint === "number" && Number.isFinite(hint) && hint > 0 ? hint : 0;
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { jobs, handlers, log } = options;
  const now = options.now ?? (() => new Date());
  const owner = options.owner ?? `worker-${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 60_000;
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const kinds = Object.keys(handlers);

  async function runOne(job: Job, given: HandedOver = {}): Promise<void> {
    const jobLog = log.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const handler = handlers[job.kind]!;
    const heartbeat = setInterval(() => {
      void jobs.heartbeat(job.id, owner, new Date(now().getTime() + leaseMs)).catch(() => undefined);
    }, leaseMs / 3);
    try {
      const writes = createWriteLedger(job, (key, at) => jobs.recordWrite(job.id, key, at), now, given.prepared);
      await handler(job.payload, { job, log: jobLog, now: now(), writes, ...(given.carried !== undefined && { carried: given.carried }) });
      await jobs.complete(job.id, owner, now());
      options.metrics?.jobsRun.inc({ kind: job.kind, outcome: "done" });
    } catch (error) {
      if (error instanceof DeferJob) {
        jobLog.info({ until: error.at.toISOString() }, error.message);
        await jobs.defer(job.id, owner, error.at);
        options.metrics?.jobsRun.inc({ kind: job.kind, outcome: "deferred" });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      // A vendor that said when to come back (429 Retry-After) is not asked again before then.
      const retryAt = new Date(now().getTime() + Math.max(backoffMs(job.attempts), retryAfterMs(error)));
      const failed = await jobs.fail(job.id, owner, message, retryAt);
      const dead = failed?.status === "dead";
      jobLog[dead ? "error" : "warn"]({ err: error, retryAt: dead ? undefined : retryAt.toISOString() }, dead ? "job failed for the last time" : "job failed; will retry");
      options.metrics?.jobsRun.inc({ kind: job.kind, outcome: dead ? "dead" : "retry" });
    } finally {
      clearInterval(heartbeat);
    }
  }

  const limit = options.concurrency ?? 4;
  // Claims in flight here: a claimed job is "running" in the table, but the claim itself is not yet.
  let rounds = 0;
  async function claim(max: number): Promise<Job[]> {
    rounds++;
    try {
      return await jobs.claim({ owner, now: now(), leaseMs, limit: max, kinds });
    } finally {
      rounds--;
    }
  }

  async function runBatch(): Promise<number> {
    rounds++;
    try {
      const claimed = await claim(limit);
      await Promise.all(claimed.map((job) => runOne(job)));
      return claimed.length;
    } finally {
      rounds--;
    }
  }

  // The loop keeps up to `limit` jobs running and claims again whenever one ends or someone
  // nudges, rather than waiting for a whole batch: a job enqueued by a running job (a declared
  // incident's channel, enqueued by the page's delivery) starts as soon as its row is committed,
  // not after the slowest of the jobs claimed beside its parent.
  const running = new Set<Promise<void>>();
  /** Slots promised to jobs being handed over (JobHandOff), not yet running. */
  let held = 0;
  let active = false;
  let nudged = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  const poke = () => {
    nudged = true;
    wake?.();
  };

  function launch(job: Job, given?: HandedOver): void {
    // Started a tick later, so the job counts as running before any of its code runs.
    const run: Promise<void> = Promise.resolve()
      .then(() => runOne(job, given))
      // Only recording the outcome can fail here; the lease runs out and the job runs again.
      .catch((error: unknown) => log.warn({ err: error, jobId: job.id, kind: job.kind }, "could not record a job's outcome; it will run again when its lease ends"))
      .finally(() => {
        running.delete(run);
        poke();
      });
    running.add(run);
  }

  async function run(): Promise<void> {
    const pollMs = options.pollMs ?? 1_000;
    while (active) {
      if (running.size + held < limit) {
        // A nudge from now on asks for a claim after this one.
        nudged = false;
        // A claim that got all it asked for may have left more due jobs behind; one that got fewer did not.
        let more = false;
        try {
          const free = limit - running.size - held;
          const taken = await claim(free);
          taken.forEach((job) => launch(job));
          more = taken.length === free;
        } catch (error) {
          log.warn({ err: error }, "could not claim jobs; will try again");
        }
        if (!active) break;
        if (more || nudged) continue;
      }
      // Asleep until the poll interval passes, someone nudges, or a running job ends.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (nudged && running.size + held < limit) wake();
      });
      wake = undefined;
    }
    await Promise.all(running);
  }

  return {
    start() {
      if (active) return;
      active = true;
      loop = run();
    },
    async stop() {
      active = false;
      wake?.();
      await loop;
    },
    nudge: poke,
    handOff: {
      claim(kind) {
        if (!active || !Object.hasOwn(handlers, kind) || running.size + held >= limit) return undefined;
        held++;
        let open = true;
        const free = () => {
          if (!open) return false;
          open = false;
          held--;
          clearTimeout(timer);
          return true;
        };
        const timer = setTimeout(() => free() && poke(), HAND_OFF_SLOT_MS);
        timer.unref?.();
        return {
          owner,
          leaseMs,
          run(job, given) {
            // Run even if the slot ran out meanwhile: the job is claimed by this runner.
            free();
            if (active && job.leaseOwner === owner) return launch(job, given);
            // Stopping: its attempt is given back now rather than when the lease runs out.
            void jobs.defer(job.id, owner, now()).catch((error: unknown) => log.warn({ err: error, jobId: job.id, kind: job.kind }, "could not give back a handed-off job; it runs when its lease ends"));
          },
          release() {
            if (free()) poke();
          },
        };
      },
    },
    async drain() {
      let total = 0;
      for (let n = await runBatch(); n > 0; n = await runBatch()) total += n;
      return total;
    },
    async idleNow() {
      if (rounds > 0 || running.size > 0) return "the job runner is in a round";
      const busy = await jobs.busy(now(), kinds);
      // A round may have started while the table was read; only a quiet runner counts.
      if (busy > 0) return `${busy} job(s) running or due`;
      return rounds > 0 || running.size > 0 ? "the job runner is in a round" : true;
    },
  };
}
