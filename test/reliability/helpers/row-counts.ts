// What Firebreak has written, as row counts: a refused request must leave every one unchanged.
import type { SqlExecutor } from "../../../src/adapters/store/sql.js";

export const DURABLE_TABLES = ["deliveries", "jobs", "incidents", "timeline_entries", "playbook_runs", "approvals"] as const;
export type RowCounts = Record<(typeof DURABLE_TABLES)[number], number>;

export async function rowCounts(sql: SqlExecutor): Promise<RowCounts> {
  const columns = DURABLE_TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(", ");
  const [row] = await sql.query<RowCounts>(`SELECT ${columns}`);
  return row!;
}
