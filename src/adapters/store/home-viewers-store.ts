// When each person last opened Firebreak's App Home (migration 016).
import { z } from "zod";
import type { HomeViewersRepository } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

const row = z.object({ user_id: z.string() });

export function createHomeViewersStore(sql: SqlExecutor): HomeViewersRepository {
  return {
    async opened(userId: string, at: Date): Promise<void> {
      await sql.query(
        `INSERT INTO home_viewers (user_id, opened_at) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET opened_at = GREATEST(home_viewers.opened_at, EXCLUDED.opened_at)`,
        [userId, at],
      );
    },
    async recent(since: Date, limit: number): Promise<string[]> {
      const rows = await sql.query("SELECT user_id FROM home_viewers WHERE opened_at >= $1 ORDER BY opened_at DESC, user_id LIMIT $2", [since, limit]);
      return rows.map((r) => row.parse(r).user_id);
    },
  };
}
