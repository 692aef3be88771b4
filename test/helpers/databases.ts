// Each test file gets its own database on the shared throwaway server, so files run in parallel.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { migrate } from "../../src/adapters/store/migrate.js";
import { createPgDriver } from "../../src/adapters/store/pg-driver.js";
import { createPgliteDriver } from "../../src/adapters/store/pglite-driver.js";
import type { Sql } from "../../src/adapters/store/sql.js";
import { createStore, type SqlStore } from "../../src/adapters/store/store.js";
import { createDatabase } from "./postgres-server.js";

export function createTestDatabaseUrl(): Promise<string> {
  return createDatabase(inject("postgresUrl"), `firebreak_test_${randomBytes(6).toString("hex")}`);
}

export function tempDir(prefix = "firebreak-test-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export type DriverName = "pglite" | "pg";
export const drivers: DriverName[] = ["pglite", "pg"];

/** A fresh, migrated store on the named driver. */
export async function openTestStore(driver: DriverName): Promise<SqlStore> {
  let sql: Sql;
  if (driver === "pglite") sql = await createPgliteDriver();
  else sql = createPgDriver({ connectionString: await createTestDatabaseUrl() });
  await migrate(sql);
  return createStore(sql);
}
