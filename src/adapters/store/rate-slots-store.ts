// A shared budget for a rate-limited call: reserve a slot before calling. The check and the
// reservation happen under one advisory lock, so concurrent workers (and replicas) cannot all
// see room for one more and all go ahead.
import type { RateSlotsRepository, SlotRequest } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";


export function createRateSlotsStore(sql: SqlExecutor): RateSlotsRepository {
  return {
    /** 0 when a slot was reserved; otherwise how many ms until one frees up. Call inside a transaction. */
    async reserve({ bucket, limit, windowMs, now }: SlotRequest): Promise<number> {
      await sql.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`rate:${bucket}`]);
      // Read, take and sweep in one statement (a reservation sits on the path of the call it
      // paces). It runs after the lock, so its snapshot sees every reservation made before it.
      // Old slots are no longer needed to decide anything.
      const [row] = await sql.query<{ taken: boolean; slots: (Date | string)[] | null }>(
        `WITH recent AS (SELECT at FROM rate_slots WHERE bucket = $1 AND at > $2),
              taken AS (INSERT INTO rate_slots (bucket, at) SELECT $1::text, $3::timestamptz WHERE (SELECT count(*) FROM recent) < $4 RETURNING 1),
              swept AS (DELETE FROM rate_slots WHERE bucket = $1 AND at < $5 AND EXISTS (SELECT 1 FROM taken))
         SELECT EXISTS (SELECT 1 FROM taken) AS taken, (SELECT array_agg(at ORDER BY at) FROM recent) AS slots`,
        [bucket, new Date(now.getTime() - windowMs), now, limit, new Date(now.getTime() - Math.max(windowMs, 60_000) * 2)],
      );
      if (row!.taken) return 0;
      const slots = row!.slots ?? [];
      const oldest = new Date(slots[slots.length - limit]!).getTime();
      return Math.max(1, oldest + windowMs - now.getTime());
    },
  };
}
