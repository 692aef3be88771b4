// Display names of the people in incidents, keyed by Slack user id.
import { z } from "zod";
import type { PeopleRepository } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

const row = z.object({ user_id: z.string(), display_name: z.string() });

export function createPeopleStore(sql: SqlExecutor): PeopleRepository {
  return {
    /** The names known for `userIds`; an id nobody has named is absent. */
    async names(userIds: readonly string[]): Promise<Record<string, string>> {
      if (userIds.length === 0) return {};
      const placeholders = userIds.map((_, i) => `$${i + 1}`).join(", ");
      const rows = await sql.query(`SELECT user_id, display_name FROM people WHERE user_id IN (${placeholders})`, [...userIds]);
      return Object.fromEntries(rows.map((r) => row.parse(r)).map((r) => [r.user_id, r.display_name]));
    },

    /** Stores a name; a later name for the same person (they renamed themselves) replaces it, first_seen_at stays. */
    async remember(userId: string, displayName: string, at: Date): Promise<void> {
      await sql.query(
        `INSERT INTO people (user_id, display_name, first_seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET display_name = $2, updated_at = now() WHERE people.display_name <> $2`,
        [userId, displayName, at],
      );
    },
  };
}
