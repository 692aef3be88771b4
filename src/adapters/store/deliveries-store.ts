import type { DeliveriesRepository, DeliveryJob, InboundDelivery, Job } from "../../ports/store.js";
import { jobRow, parseRows } from "./rows.js";
import type { SqlExecutor } from "./sql.js";

export function createDeliveriesStore(sql: SqlExecutor): DeliveriesRepository {
  return {
    /** Records an inbound delivery once. `false` means it was seen before: a vendor retry. */
    async record(source: string, deliveryId: string, body: unknown): Promise<boolean> {
      const rows = await sql.query(
        "INSERT INTO deliveries (source, delivery_id, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING delivery_id",
        [source, deliveryId, body],
      );
      return rows.length === 1;
    },

    /**
     * Records an inbound delivery once and, if it is new, the job that will process it — in one
     * statement, so both or neither are stored, in a single round trip (this is the webhook path).
     * `recorded: false` means the delivery was seen before; `claimed` is the new job when it was
     * recorded claimed (job.claimedBy).
     */
    async recordWithJob(delivery: InboundDelivery, job: DeliveryJob, now: Date): Promise<{ recorded: boolean; claimed?: Job }> {
      const claimed = job.claimedBy;
      const rows = await sql.query<{ recorded: boolean; job: unknown }>(
        // A claimed job is left as claim_jobs leaves one: running, its first attempt counted, leased.
        `WITH delivery AS (
           INSERT INTO deliveries (source, delivery_id, body, subject) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING delivery_id
         ), job AS (
           INSERT INTO jobs (kind, payload, run_at, dedupe_key, status, attempts, lease_owner, lease_expires_at)
           SELECT $5, jsonb_build_object('deliveryId', delivery_id), $6, $7,
             CASE WHEN $8::text IS NULL THEN 'pending' ELSE 'running' END, CASE WHEN $8::text IS NULL THEN 0 ELSE 1 END,
             $8::text, CASE WHEN $8::text IS NULL THEN NULL ELSE $6::timestamptz + make_interval(secs => $9::float8 / 1000) END
           FROM delivery
           ON CONFLICT (dedupe_key) DO NOTHING RETURNING *
         )
         SELECT EXISTS (SELECT 1 FROM delivery) AS recorded, (SELECT to_jsonb(job) FROM job) AS job`,
        [delivery.source, delivery.deliveryId, delivery.body, delivery.subject, job.kind, now, job.dedupeKey, claimed?.owner ?? null, claimed?.leaseMs ?? 0],
      );
      const row = rows[0];
      const [claimedJob] = claimed && row?.job ? parseRows(jobRow, [row.job as Record<string, unknown>]) : [];
      return { recorded: row?.recorded === true, ...(claimedJob && { claimed: claimedJob }) };
    },

    async get(source: string, deliveryId: string): Promise<{ body: unknown; receivedAt: Date } | undefined> {
      const [row] = await sql.query<{ body: unknown; received_at: Date }>(
        "SELECT body, received_at FROM deliveries WHERE source = $1 AND delivery_id = $2",
        [source, deliveryId],
      );
      return row && { body: row.body, receivedAt: new Date(row.received_at) };
    },

    /** Whether PagerDuty's incident.triggered for this incident was received and is still waiting to be processed. */
    async hasPendingPagerdutyTrigger(pagerdutyIncidentId: string): Promise<boolean> {
      const rows = await sql.query(
        `SELECT 1 FROM deliveries d JOIN jobs j ON j.dedupe_key = 'pagerduty-event:' || (d.body->'event'->>'id')
         WHERE d.source = 'pagerduty' AND d.subject = $1 AND d.body->'event'->>'event_type' = 'incident.triggered'
           AND j.status IN ('pending', 'running') LIMIT 1`,
        [pagerdutyIncidentId],
      );
      return rows.length > 0;
    },

    /** Deliveries about this PagerDuty incident other than its trigger (notes carry it as data.incident). */
    async pagerdutyFollowUps(pagerdutyIncidentId: string): Promise<string[]> {
      const rows = await sql.query<{ delivery_id: string }>(
        `SELECT delivery_id FROM deliveries WHERE source = 'pagerduty' AND subject = $1
           AND body->'event'->>'event_type' <> 'incident.triggered' ORDER BY received_at`,
        [pagerdutyIncidentId],
      );
      return rows.map((r) => r.delivery_id);
    },

    /**
     * Deletes up to `limit` deliveries received before `cutoff`, in one short statement (retention);
     * returns how many. A delivery whose processing job has not finished is kept: the job reads it.
     * Rows another transaction holds are skipped, not waited for.
     */
    async deleteReceivedBefore(cutoff: Date, limit: number): Promise<number> {
      const rows = await sql.query(
        `DELETE FROM deliveries WHERE (source, delivery_id) IN (
           SELECT source, delivery_id FROM deliveries
           WHERE received_at < $1
             AND delivery_id NOT IN (SELECT payload->>'deliveryId' FROM jobs WHERE status IN ('pending', 'running') AND payload->>'deliveryId' IS NOT NULL)
           LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING 1`,
        [cutoff, limit],
      );
      return rows.length;
    },

    async count(source?: string): Promise<number> {
      const [row] = await sql.query<{ n: number }>(
        source ? "SELECT count(*)::int AS n FROM deliveries WHERE source = $1" : "SELECT count(*)::int AS n FROM deliveries",
        source ? [source] : [],
      );
      return Number(row?.n ?? 0);
    },
  };
}

