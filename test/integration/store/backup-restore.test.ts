// Backup and restore lose nothing: on the embedded database through `firebreak backup` and
// `firebreak restore`, on PostgreSQL through pg_dump and pg_restore (what README tells operators
// to run). Every table's rows and every sequence's position are compared, so the next INC number
// after a restore is the one that would have come next.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { migrate } from "../../../src/adapters/store/migrate.js";
import { createPgDriver } from "../../../src/adapters/store/pg-driver.js";
import { createPgliteDriver } from "../../../src/adapters/store/pglite-driver.js";
import type { Sql } from "../../../src/adapters/store/sql.js";
import { createStore } from "../../../src/adapters/store/store.js";
import { spawnCli } from "../../helpers/cli-process.js";
import { databaseContents, writeIncidents, type DatabaseContents } from "../../helpers/database-contents.js";
import { createTestDatabaseUrl, tempDir } from "../../helpers/databases.js";
import { createDatabase, findPostgresBin } from "../../helpers/postgres-server.js";

const scratch = tempDir("firebreak-backup-");
afterAll(() => scratch.remove());

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const run = spawnCli(args, env);
  const code = await run.exited;
  return { code, output: run.output() };
}

async function contentsOf(open: () => Promise<Sql>): Promise<DatabaseContents> {
  const sql = await open();
  try {
    return await databaseContents(sql);
  } finally {
    await sql.close();
  }
}

/** The round trip compares something: the tables the seed writes are not empty. */
function expectWritten(contents: DatabaseContents) {
  for (const table of ["incidents", "timeline_entries", "incident_roles", "followups", "postmortems", "playbook_runs", "step_runs", "deliveries", "jobs", "rate_buckets", "schema_migrations"]) {
    expect(contents.tables[table]?.length, `${table} has rows`).toBeGreaterThan(0);
  }
}

describe("the embedded database: firebreak backup and restore", () => {
  const dataDir = join(scratch.path, "data");
  const file = join(scratch.path, "backups", "firebreak.tar.gz");
  let written: DatabaseContents;

  beforeAll(async () => {
    const sql = await createPgliteDriver({ dataDir });
    await migrate(sql);
    await writeIncidents(createStore(sql));
    written = await databaseContents(sql);
    await sql.close();
    expectWritten(written);
    // Without a built template (tests run from src/) this creates the cluster itself: slow on a busy host.
  }, 180_000);

  it("writes a backup that restores into a fresh data dir with every row and sequence as they were", { timeout: 180_000 }, async () => {
    const backup = await cli(["backup", file], { FIREBREAK_DATA_DIR: dataDir });
    expect(backup.output).toMatch(/^Wrote .*firebreak\.tar\.gz \([\d.]+ [KM]?B\): the embedded database in .*data, schema version \d+, 3 incidents, 6 timeline entries\.\n$/);
    expect(backup.code).toBe(0);

    const fresh = join(scratch.path, "restored");
    const restore = await cli(["restore", file], { FIREBREAK_DATA_DIR: fresh });
    expect(restore.output).toMatch(/^Restored .* into .*restored: schema version \d+, 3 incidents, 6 timeline entries\./);
    expect(restore.code).toBe(0);
    expect(await contentsOf(() => createPgliteDriver({ dataDir: fresh }))).toEqual(written);
    // The source was only read.
    expect(await contentsOf(() => createPgliteDriver({ dataDir }))).toEqual(written);
  });

  it("refuses to restore over a data dir that holds data, unless --force, which replaces it", { timeout: 180_000 }, async () => {
    const target = join(scratch.path, "in-use-later");
    const sql = await createPgliteDriver({ dataDir: target });
    await migrate(sql);
    await createStore(sql).incidents.create({ title: "Only in the target", severity: "SEV3", source: "slack", detectedAt: new Date() });
    await sql.close();

    const refused = await cli(["restore", file], { FIREBREAK_DATA_DIR: target });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("is not empty: restoring replaces everything in it. Stop Firebreak and add --force");
    expect((await contentsOf(() => createPgliteDriver({ dataDir: target }))).tables.incidents).toHaveLength(1);

    const forced = await cli(["restore", "--force", file], { FIREBREAK_DATA_DIR: target });
    expect(forced.code).toBe(0);
    expect(await contentsOf(() => createPgliteDriver({ dataDir: target }))).toEqual(written);
  });

  it("refuses to back up or restore a data dir another process has open, naming that process", { timeout: 180_000 }, async () => {
    // This test process holds it, as `firebreak serve` would.
    const held = await createPgliteDriver({ dataDir });
    try {
      const backup = await cli(["backup", join(scratch.path, "while-held.tar.gz")], { FIREBREAK_DATA_DIR: dataDir });
      expect(backup.code).toBe(1);
      expect(backup.output).toContain(`is in use by process ${process.pid}`);
      expect(existsSync(join(scratch.path, "while-held.tar.gz"))).toBe(false);

      const restore = await cli(["restore", "--force", file], { FIREBREAK_DATA_DIR: dataDir });
      expect(restore.code).toBe(1);
      expect(restore.output).toContain(`is in use by process ${process.pid}`);
      expect(await databaseContents(held)).toEqual(written);
    } finally {
      await held.close();
    }
  });

  it("checks that a file is a backup before it removes anything", { timeout: 120_000 }, async () => {
    const junk = join(scratch.path, "not-a-backup.tar.gz");
    writeFileSync(junk, "this is not a tarball\n");
    const target = join(scratch.path, "restored");
    const before = readdirSync(target).sort();
    const restore = await cli(["restore", "--force", junk], { FIREBREAK_DATA_DIR: target });
    expect(restore.code).toBe(1);
    expect(restore.output).toContain("is not a backup of Firebreak's embedded database");
    expect(readdirSync(target).sort()).toEqual(before);
  });

  it("points to pg_dump and pg_restore when the data is in PostgreSQL", { timeout: 120_000 }, async () => {
    const env = { DATABASE_URL: "postgres://firebreak@127.0.0.1:9/firebreak" };
    const backup = await cli(["backup", file], env);
    expect(backup.code).toBe(2);
    expect(backup.output).toContain('pg_dump --format=custom --file=firebreak.dump "$DATABASE_URL"');
    const restore = await cli(["restore", file], env);
    expect(restore.code).toBe(2);
    expect(restore.output).toContain('pg_restore --no-owner --dbname="$DATABASE_URL" firebreak.dump');
  });
});

describe("PostgreSQL: pg_dump and pg_restore, as README says", () => {
  it("restores a migrated database with data into an empty one with every row and sequence as they were", { timeout: 120_000 }, async () => {
    const source = await createTestDatabaseUrl();
    const sql = createPgDriver({ connectionString: source, max: 2 });
    await migrate(sql);
    await writeIncidents(createStore(sql));
    const written = await databaseContents(sql);
    await sql.close();
    expectWritten(written);

    // The server's own client tools, at its major version (README's commands).
    const bin = findPostgresBin();
    const dump = join(scratch.path, "firebreak.dump");
    await promisify(execFile)(join(bin, "pg_dump"), ["--format=custom", `--file=${dump}`, source]);
    const target = await createDatabase(inject("postgresUrl"), `${new URL(source).pathname.slice(1)}_restored`);
    await promisify(execFile)(join(bin, "pg_restore"), ["--no-owner", `--dbname=${target}`, dump]);

    const restored = createPgDriver({ connectionString: target, max: 2 });
    try {
      expect(await databaseContents(restored)).toEqual(written);
      // Firebreak starts on it as it is: nothing left to migrate, and numbering carries on.
      expect(await migrate(restored)).toEqual({ applied: [] });
      const next = await createStore(restored).incidents.create({ title: "After the restore", severity: "SEV3", source: "slack", detectedAt: new Date() });
      expect(next.id).toBe(Math.max(...(written.tables.incidents as { id: number }[]).map((i) => i.id)) + 1);
    } finally {
      await restored.close();
    }
  });
});
