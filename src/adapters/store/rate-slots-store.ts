// A shared budget for a rate-limited call: reserve a slot before calling. The check and the
// reservation are one statement on the bucket's row, which INSERT … ON CONFLICT DO UPDATE locks
// and reads at its latest committed version, so concurrent workers (and replicas) cannot all see
// room for one more and all go ahead. It needs no transaction; inside one, the row stays locked
// until the commit, so a reservation whose transaction rolls back is not counted by anyone.
import type { RateSlotsRepository, SlotRequest } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

export function createRateSlotsStore(sql: SqlExecutor): RateSlotsRepository {
  return {
    async reserve({ bucket, limit, windowMs, now }: SlotRequest): Promise<number> {
      const since = new Date(now.getTime() - windowMs);
      // Slots older than the window decide nothing: each reservation drops them.
      const taken = await sql.query(
        `INSERT INTO rate_buckets AS b (bucket, slots) VALUES ($1, ARRAY[$3::timestamptz])
         ON CONFLICT (bucket) DO UPDATE
           SET slots = ARRAY(SELECT s FROM unnest(b.slots) AS s WHERE s > $2 ORDER BY s) || $3::timestamptz
           WHERE (SELECT count(*) FROM unnest(b.slots) AS s WHERE s > $2) < $4
         RETURNING 1`,
        [bucket, since, now, limit],
      );
      if (taken.length > 0) return 0;
      // Refused: the bucket is full, and the wait is until its limit-th newest slot leaves the window.
      const [row] = await sql.query<{ slots: (Date | string)[] }>(
        "SELECT ARRAY(SELECT s FROM unnest(slots) AS s WHERE s > $2 ORDER BY s) AS slots FROM rate_buckets WHERE bucket = $1",
        [bucket, since],
      );
      const slots = row?.slots ?? [];
      if (slots.length < limit) return 1;
      const oldest = new Date(slots[slots.length - limit]!).getTime();
      return Math.max(1, oldest + windowMs - now.getTime());
    },
  };
}
