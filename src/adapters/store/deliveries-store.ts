import type { SqlExecutor } from "./sql.js";

export function createDeliveriesStore(sql: SqlExecutor) {
  return {
    /** Records an inbound delivery once. `false` means it was seen before: a vendor retry. */
    async record(source: string, deliveryId: string, body: unknown): Promise<boolean> {
      const rows = await sql.query(
        "INSERT INTO deliveries (source, delivery_id, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING delivery_id",
        [source, deliveryId, body],
      );
      return rows.length === 1;
    },

    async get(source: string, deliveryId: string): Promise<{ body: unknown; receivedAt: Date } | undefined> {
      const [row] = await sql.query<{ body: unknown; received_at: Date }>(
        "SELECT body, received_at FROM deliveries WHERE source = $1 AND delivery_id = $2",
        [source, deliveryId],
      );
      return row && { body: row.body, receivedAt: new Date(row.received_at) };
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

export type DeliveriesStore = ReturnType<typeof createDeliveriesStore>;
