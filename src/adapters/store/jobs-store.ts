// Durable one-off work (process a delivery, retry a Slack call, send a reminder). Any replica
// may claim a due job; SKIP LOCKED keeps two from taking the same one, and the lease returns a
// job to the pool if its worker dies.
import type { Job, JobsRepository, NewJob } from "../../ports/store.js";
import { jobRow, parseRows } from "./rows.js";
import type { SqlExecutor } from "./sql.js";


const COLUMNS = ["kind", "payload", "run_at", "dedupe_key", "max_attempts", "status", "attempts", "lease_owner", "lease_expires_at"];

/** A new job's row; one enqueued claimed is left as claim_jobs leaves a job it claims: running, its first attempt counted, leased. */
function newJobRow(job: NewJob, now: Date): unknown[] {
  const claimed = job.claimedBy;
  return [
    job.kind,
    job.payload ?? {},
    job.runAt ?? now,
    job.dedupeKey ?? null,
    job.maxAttempts ?? 25,
    claimed ? "running" : "pending",
    claimed ? 1 : 0,
    claimed?.owner ?? null,
    claimed ? new Date(now.getTime() + claimed.leaseMs) : null,
  ];
}

export function createJobsStore(sql: SqlExecutor): JobsRepository {
  const jobs = async (text: string, params: unknown[]) => parseRows(jobRow, await sql.query(text, params));

  /** Inserts the rows in one statement; a row whose dedupe key is taken yields the job that holds it. */
  async function insert(list: NewJob[], now: Date): Promise<{ job: Job; created: boolean }[]> {
    const params: unknown[] = [];
    const rows = list.map((job) => {
      const first = params.length;
      params.push(...newJobRow(job, now));
      return `(${COLUMNS.map((_, i) => `$${first + i + 1}`).join(",")})`;
    });
    const created = await jobs(`INSERT INTO jobs (${COLUMNS.join(", ")}) VALUES ${rows.join(",")} ON CONFLICT (dedupe_key) DO NOTHING RETURNING *`, params);
    const taken = list.filter((job) => job.dedupeKey && !created.some((c) => c.dedupeKey === job.dedupeKey)).map((job) => job.dedupeKey);
    const existing = taken.length > 0 ? await jobs("SELECT * FROM jobs WHERE dedupe_key = ANY($1)", [taken]) : [];
    // Without a dedupe key nothing conflicts: such a job is the only one in its call (enqueue).
    return list.map((job) => {
      const mine = created.find((c) => (job.dedupeKey ? c.dedupeKey === job.dedupeKey : c.dedupeKey === null));
      return mine ? { job: mine, created: true } : { job: existing.find((e) => e.dedupeKey === job.dedupeKey)!, created: false };
    });
  }

  return {
    async enqueue(job: NewJob, now: Date): Promise<{ job: Job; created: boolean }> {
      return (await insert([job], now))[0]!;
    },

    enqueueAll(list: (NewJob & { dedupeKey: string })[], now: Date): Promise<{ job: Job; created: boolean }[]> {
      return list.length === 0 ? Promise.resolve([]) : insert(list, now);
    },

    /**
     * Claims up to `limit` jobs for `owner`: first those whose worker's lease ran out, then due
     * ones, oldest first, in time that does not grow with the queue (migration 007).
     */
    claim(options: { owner: string; now: Date; leaseMs: number; limit: number; kinds?: readonly string[] }): Promise<Job[]> {
      return jobs(
        "SELECT * FROM claim_jobs($1, $2, $3, $4, $5)",
        [options.owner, options.now, options.leaseMs, options.limit, options.kinds ?? null],
      );
    },

    /** Marks a claimed job done; false if the lease was lost to another worker. */
    async complete(id: number, owner: string, now: Date): Promise<boolean> {
      const rows = await sql.query(
        "UPDATE jobs SET status = 'done', finished_at = $3, lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING id",
        [id, owner, now],
      );
      return rows.length === 1;
    },

    /** Puts a failed job back for another attempt at `retryAt`, or marks it dead when attempts are used up. */
    async fail(id: number, owner: string, error: string, retryAt: Date): Promise<Job | undefined> {
      const [job] = await jobs(
        `UPDATE jobs SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'pending' END,
           run_at = $4::timestamptz, last_error = $3, lease_owner = NULL, lease_expires_at = NULL,
           finished_at = CASE WHEN attempts >= max_attempts THEN $4::timestamptz ELSE NULL END
         WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING *`,
        [id, owner, error.slice(0, 2000), retryAt],
      );
      return job;
    },

    /** Puts a claimed job back untried until `runAt` (pacing, not failure: the attempt is returned). */
    async defer(id: number, owner: string, runAt: Date): Promise<boolean> {
      const rows = await sql.query(
        `UPDATE jobs SET status = 'pending', run_at = $3, attempts = greatest(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL
         WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING id`,
        [id, owner, runAt],
      );
      return rows.length === 1;
    },

    /** Extends the lease of a job still being worked on; false if the lease was lost. */
    async heartbeat(id: number, owner: string, until: Date): Promise<boolean> {
      const rows = await sql.query(
        "UPDATE jobs SET lease_expires_at = $3 WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING id",
        [id, owner, until],
      );
      return rows.length === 1;
    },

    /**
     * Deletes up to `limit` jobs that finished (done or dead) before `cutoff`, in one short
     * statement (retention); returns how many. Pending and running jobs are never deleted.
     */
    async deleteFinishedBefore(cutoff: Date, limit: number): Promise<number> {
      const rows = await sql.query(
        `DELETE FROM jobs WHERE id IN (
           SELECT id FROM jobs WHERE status IN ('done', 'dead') AND finished_at < $1
           LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING 1`,
        [cutoff, limit],
      );
      return rows.length;
    },

    /**
     * Notes in the job's payload that write `key` is being sent (see jobs/write-ledger.ts); an
     * earlier note of the same key keeps its time.
     */
    async recordWrite(id: number, key: string, at: Date): Promise<void> {
      await sql.query(
        `UPDATE jobs SET payload = jsonb_set(payload, '{writes}', jsonb_build_object($2::text, $3::text) || coalesce(payload->'writes', '{}'::jsonb))
         WHERE id = $1`,
        [id, key, at.toISOString()],
      );
    },

    /**
     * How many jobs of `kinds` are running or due at `now`. Read from the table, not from a
     * worker's memory, so another replica's work and a job left by a killed process count too.
     */
    async busy(now: Date, kinds?: readonly string[]): Promise<number> {
      const [row] = await sql.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM jobs WHERE (status = 'running' OR (status = 'pending' AND run_at <= $1)) AND ($2::text[] IS NULL OR kind = ANY($2))",
        [now, kinds ?? null],
      );
      return Number(row!.n);
    },

    /**
     * When any job of `kind` first noted sending `key`, or undefined: for a write that several
     * jobs may make (each render of a step may be the one to post its message).
     */
    async firstWrite(kind: string, key: string): Promise<Date | undefined> {
      const [found] = await sql.query("SELECT min(payload->'writes'->>$2) AS at FROM jobs WHERE kind = $1 AND payload->'writes'->>$2 IS NOT NULL", [kind, key]);
      const at = (found as { at?: string | null } | undefined)?.at;
      return at ? new Date(at) : undefined;
    },

    async get(id: number): Promise<Job | undefined> {
      return (await jobs("SELECT * FROM jobs WHERE id = $1", [id]))[0];
    },

    list(filter: { kind?: string; status?: Job["status"] } = {}): Promise<Job[]> {
      return jobs(
        "SELECT * FROM jobs WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR status = $2) ORDER BY id",
        [filter.kind ?? null, filter.status ?? null],
      );
    },
  };
}

