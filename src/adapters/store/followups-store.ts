// Follow-ups as tracked to done: found by their GitHub issue, their state set from Slack or from
// GitHub, and the two sweeps' reads (reconcile, overdue nudges), each bounded.
import type { Followup } from "../../domain/lifecycle.js";
import type { FollowupsRepository, FollowupStateChange } from "../../ports/store.js";
import { followupRow, toFollowup } from "./lifecycle-store.js";
import type { SqlExecutor } from "./sql.js";

export function createFollowupsStore(sql: SqlExecutor): FollowupsRepository {
  const many = async (text: string, params: unknown[]): Promise<Followup[]> => (await sql.query(text, params)).map((r) => toFollowup(followupRow.parse(r)));
  return {
    async get(id) {
      return (await many("SELECT * FROM followups WHERE id = $1", [id]))[0];
    },

    async byIssue(issueNumber) {
      return (await many("SELECT * FROM followups WHERE issue_number = $1 ORDER BY id LIMIT 1", [issueNumber]))[0];
    },

    async setState(id, change: FollowupStateChange) {
      // GitHub does not promise delivery order: a change older than the last one applied from
      // GitHub (its issue's updated_at) is stale and changes nothing.
      const rows = await sql.query(
        `UPDATE followups
            SET state = $2,
                closed_at = CASE WHEN $2 = 'done' THEN COALESCE(closed_at, $3::timestamptz) ELSE NULL END,
                github_updated_at = COALESCE($4::timestamptz, github_updated_at)
          WHERE id = $1 AND state <> $2
            AND ($4::timestamptz IS NULL OR github_updated_at IS NULL OR github_updated_at <= $4::timestamptz)
          RETURNING id`,
        [id, change.state, change.at, change.githubUpdatedAt ?? null],
      );
      return rows.length === 1;
    },

    async setOwner(id, ownerId) {
      await sql.query("UPDATE followups SET owner_id = $2 WHERE id = $1", [id, ownerId]);
    },

    async claimForReconcile(limit, now) {
      return many(
        `WITH claimed AS (
           UPDATE followups SET checked_at = $2
            WHERE id IN (SELECT id FROM followups WHERE state = 'open' AND issue_number IS NOT NULL
                          ORDER BY checked_at NULLS FIRST, id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING *)
         SELECT * FROM claimed ORDER BY id`,
        [limit, now],
      );
    },

    async overdue(today, limit) {
      return many("SELECT * FROM followups WHERE state = 'open' AND due_on < $1 AND owner_id IS NOT NULL ORDER BY due_on, id LIMIT $2", [today, limit]);
    },
  };
}
