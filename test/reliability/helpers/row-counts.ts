// What Firebreak has written, as row counts: a refused request must leave every one unchanged.
import type { SqlExecutor } from "../../../src/adapters/store/sql.js";
import { RETENTION_JOB } from "../../../src/jobs/retention-job.js";

export const DURABLE_TABLES = ["deliveries", "jobs", "incidents", "timeline_entries", "playbook_runs", "approvals", "alert_groups"] as const;
export type RowCounts = Record<(typeof DURABLE_TABLES)[number], number>;

// The daily retention sweep is the process's own housekeeping: it runs (and books the next day's)
// soon after start-up, whatever requests arrive, so it is no write a request caused.
const excluded: Partial<Record<(typeof DURABLE_TABLES)[number], string>> = { jobs: `kind <> '${RETENTION_JOB}'` };

export async function rowCounts(sql: SqlExecutor): Promise<RowCounts> {
  const columns = DURABLE_TABLES.map((table) => `(SELECT count(*)::int FROM ${table}${excluded[table] ? ` WHERE ${excluded[table]}` : ""}) AS ${table}`).join(", ");
  const [row] = await sql.query<RowCounts>(`SELECT ${columns}`);
  return row!;
}
