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
      const since = new Date(now.getTime() - windowMs);
      const rows = await sql.query<{ at: Date }>("SELECT at FROM rate_slots WHERE bucket = $1 AND at > $2 ORDER BY at", [bucket, since]);
      if (rows.length < limit) {
        await sql.query("INSERT INTO rate_slots (bucket, at) VALUES ($1, $2)", [bucket, now]);
        // Old slots are no longer needed to decide anything.
        await sql.query("DELETE FROM rate_slots WHERE bucket = $1 AND at < $2", [bucket, new Date(now.getTime() - Math.max(windowMs, 60_000) * 2)]);
        return 0;
      }
      const oldest = new Date(rows[rows.length - limit]!.at).getTime();
      return Math.max(1, oldest + windowMs - now.getTime());
    },
  };
}
