// The time of each person's last `/incident catchup`, per incident.
import { z } from "zod";
import type { CatchupsRepository } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

const row = z.object({ caught_up_at: z.coerce.date() });

export function createCatchupsStore(sql: SqlExecutor): CatchupsRepository {
  return {
    async last(incidentId: number, userId: string): Promise<Date | undefined> {
      const [found] = await sql.query("SELECT caught_up_at FROM catchups WHERE incident_id = $1 AND user_id = $2", [incidentId, userId]);
      return found ? row.parse(found).caught_up_at : undefined;
    },
    /**
     * The database's clock, the one timeline entries' recorded_at is stamped with: a catch-up is
     * timed by it, so "recorded since my last catch-up" compares like with like.
     */
    async clock(): Promise<Date> {
      const [found] = await sql.query("SELECT now() AS caught_up_at", []);
      return row.parse(found).caught_up_at;
    },
    /** Records a catch-up; a later one replaces it, an earlier one (a slower replica's) never does. */
    async record(incidentId: number, userId: string, at: Date): Promise<void> {
      await sql.query(
        `INSERT INTO catchups (incident_id, user_id, caught_up_at) VALUES ($1, $2, $3)
         ON CONFLICT (incident_id, user_id) DO UPDATE SET caught_up_at = GREATEST(catchups.caught_up_at, EXCLUDED.caught_up_at)`,
        [incidentId, userId, at],
      );
    },
  };
}
