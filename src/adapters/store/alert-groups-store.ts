// Which incidents an alert group has had (see migration 011), the group named by the SHA-256 of
// its key (sources/alert-group.ts groupDigest). Lookups go through the group's
// links, newest incident first; the caller holds the group's lock (lockGroup) inside its
// transaction, so two deliveries of one group processed at once cannot both declare.
import type { Incident } from "../../domain/incident.js";
import { incidentRow, parseRows } from "./rows.js";
import type { AlertGroupsRepository } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

export function createAlertGroupsStore(sql: SqlExecutor): AlertGroupsRepository {
  const latest = async (source: string, digest: string, openOnly: boolean): Promise<Incident | undefined> =>
    parseRows(
      incidentRow,
      await sql.query(
        `SELECT i.* FROM alert_groups g JOIN incidents i ON i.id = g.incident_id
         WHERE g.source = $1 AND g.group_key = $2 ${openOnly ? "AND i.status <> 'resolved'" : ""}
         ORDER BY i.id DESC LIMIT 1`,
        [source, digest],
      ),
    )[0];

  return {
    /** Serialises work on one group until the transaction ends (every replica, both drivers). */
    async lockGroup(source: string, digest: string): Promise<void> {
      await sql.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`alert-group:${source}:${digest}`]);
    },

    /** The group's open incident, if any. */
    openIncident: (source: string, digest: string) => latest(source, digest, true),

    /** The group's latest incident, open or resolved (a recovery may arrive after a resolve). */
    latestIncident: (source: string, digest: string) => latest(source, digest, false),

    async link(source: string, digest: string, incidentId: number, at: Date): Promise<void> {
      await sql.query("INSERT INTO alert_groups (source, group_key, incident_id, linked_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", [source, digest, incidentId, at]);
    },

    /** Which of these timeline source keys the incident already holds (one query, however many alerts). */
    async recordedKeys(incidentId: number, sourceKeys: readonly string[]): Promise<Set<string>> {
      if (sourceKeys.length === 0) return new Set();
      const rows = await sql.query<{ source_key: string }>(
        "SELECT source_key FROM timeline_entries WHERE incident_id = $1 AND source_key = ANY($2::text[])",
        [incidentId, sourceKeys],
      );
      return new Set(rows.map((r) => r.source_key));
    },

    /**
     * Whether another delivery of this group is recorded and still waiting for its job: a resolved
     * notification processed before the firing one that declares must wait for it, not be dropped.
     */
    async hasOtherPending(source: string, digest: string, deliveryId: string): Promise<boolean> {
      const rows = await sql.query(
        // Each delivery's job is found by its unique dedupe key (alert-webhook-routes.ts), not by scanning jobs.
        `SELECT 1 FROM deliveries d JOIN jobs j ON j.dedupe_key = d.source || '-delivery:' || d.delivery_id
         WHERE d.source = $1 AND d.subject = $2 AND d.delivery_id <> $3 AND j.status IN ('pending', 'running') LIMIT 1`,
        [source, digest, deliveryId],
      );
      return rows.length > 0;
    },
  };
}

