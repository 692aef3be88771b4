import { latestVersion, migrations, type Migration } from "./migrations/index.js";
import type { Sql } from "./sql.js";

// Any fixed 64-bit key works; this one is "firebreak" hashed, so it won't collide with other apps' locks.
const MIGRATION_LOCK = 7_310_552_447_811_934;

/**
 * Applies pending migrations in one transaction holding an advisory lock, so replicas starting
 * together take turns and the second finds nothing left to do.
 */
export async function migrate(sql: Sql, all: readonly Migration[] = migrations): Promise<{ applied: number[] }> {
  return sql.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const rows = await tx.query<{ version: number }>("SELECT version FROM schema_migrations");
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const migration of all) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.up);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return { applied };
  });
}

/** The schema version the database is at, or 0 before the first migration. */
export async function schemaVersion(sql: Sql): Promise<number> {
  const [table] = await sql.query<{ exists: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS exists");
  if (!table?.exists) return 0;
  const [row] = await sql.query<{ version: number | null }>("SELECT max(version) AS version FROM schema_migrations");
  return Number(row?.version ?? 0);
}

export const isMigrated = async (sql: Sql) => (await schemaVersion(sql)) >= latestVersion;
