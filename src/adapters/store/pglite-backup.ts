// `firebreak backup` / `firebreak restore` for the embedded database: PGlite's own dump of its
// data dir (a tarball of the cluster's files, https://pglite.dev/docs/api#dumpdatadir) and its
// load into a new one (the `loadDataDir` option, https://pglite.dev/docs/api#options). Only
// while no other process has the data dir open: PGlite is one process's database.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { holdDataDir, otherHolder } from "./data-dir-holder.js";

/** A backup or restore refused or failed; the message says what to do. */
export class BackupError extends Error {
  override name = "BackupError";
}

export interface BackupSummary {
  file: string;
  dataDir: string;
  bytes: number;
  schemaVersion: number;
  incidents: number;
  timelineEntries: number;
}

export async function backupEmbedded(dataDir: string, file: string, options: { force?: boolean } = {}): Promise<BackupSummary> {
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    throw new BackupError(`there is no embedded database in ${dataDir} to back up (FIREBREAK_DATA_DIR names the data dir; unset, it is ./.firebreak).`);
  }
  refuseIfHeld(dataDir, options.force);
  const db = await PGlite.create({ dataDir });
  const release = holdDataDir(dataDir);
  let tarball: Blob;
  let counts: Counts;
  try {
    counts = await countRecords(db);
    tarball = await db.dumpDataDir("gzip");
  } finally {
    await db.close();
    release();
  }
  const bytes = Buffer.from(await tarball.arrayBuffer());
  // Written aside and renamed, so a backup cut short never looks like a whole one.
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const partial = `${file}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, file);
  return { file, dataDir, bytes: bytes.length, ...counts };
}

export async function restoreEmbedded(file: string, dataDir: string, options: { force?: boolean } = {}): Promise<BackupSummary> {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist; give the file \`firebreak backup\` wrote.`);
  refuseIfHeld(dataDir, options.force);
  const entries = existsSync(dataDir) ? readdirSync(dataDir) : [];
  if (entries.length > 0 && !options.force) {
    throw new BackupError(
      `${dataDir} is not empty: restoring replaces everything in it. Stop Firebreak and add --force to replace it, or restore into an empty directory.`,
    );
  }
  const tarball = new Blob([readFileSync(file)]);
  // The backup must load before anything in the data dir is removed.
  let counts: Counts;
  try {
    const check = await PGlite.create({ loadDataDir: tarball });
    try {
      counts = await countRecords(check);
    } finally {
      await check.close();
    }
  } catch (error) {
    throw new BackupError(`${file} is not a backup of Firebreak's embedded database (${error instanceof Error ? error.message : String(error)}).`);
  }
  // The dir itself stays: it may be a mounted volume.
  mkdirSync(dataDir, { recursive: true });
  for (const entry of entries) rmSync(join(dataDir, entry), { recursive: true, force: true });
  const db = await PGlite.create({ dataDir, loadDataDir: tarball });
  const release = holdDataDir(dataDir);
  try {
    counts = await countRecords(db);
  } finally {
    await db.close();
    release();
  }
  return { file, dataDir, bytes: statSync(file).size, ...counts };
}

/** One line for the operator: what was written, from where, and what it holds. */
export function describeBackup(action: "backup" | "restore", s: BackupSummary): string {
  const holds = `schema version ${s.schemaVersion}, ${plural(s.incidents, "incident")}, ${plural(s.timelineEntries, "timeline entry", "timeline entries")}`;
  return action === "backup"
    ? `Wrote ${s.file} (${formatBytes(s.bytes)}): the embedded database in ${s.dataDir}, ${holds}.`
    : `Restored ${s.file} (${formatBytes(s.bytes)}) into ${s.dataDir}: ${holds}. Start Firebreak on it; it migrates forward if the backup is older.`;
}

/** On PostgreSQL, the server's own tools do this, at the server's version. */
export function postgresBackupAdvice(command: "backup" | "restore"): string {
  return command === "backup"
    ? "firebreak backup: DATABASE_URL is set, so Firebreak's data is in PostgreSQL; back it up with PostgreSQL's own tool, at the server's major version, e.g.\n  pg_dump --format=custom --file=firebreak.dump \"$DATABASE_URL\""
    : "firebreak restore: DATABASE_URL is set, so Firebreak's data is in PostgreSQL; restore it with PostgreSQL's own tool into an empty database, with Firebreak stopped, e.g.\n  pg_restore --no-owner --dbname=\"$DATABASE_URL\" firebreak.dump";
}

function refuseIfHeld(dataDir: string, force: boolean | undefined): void {
  const holder = otherHolder(dataDir);
  if (!holder) return;
  if (holder.alive === true) {
    throw new BackupError(`${dataDir} is in use by process ${holder.pid} (firebreak serve?); stop it first: two processes must never open one embedded database.`);
  }
  if (!force) {
    throw new BackupError(
      `${dataDir} was last opened by process ${holder.pid} on host ${holder.host}, which cannot be checked from here; stop Firebreak there, or add --force if it is not running.`,
    );
  }
}

type Counts = Pick<BackupSummary, "schemaVersion" | "incidents" | "timelineEntries">;

async function countRecords(db: PGlite): Promise<Counts> {
  const { rows } = await db.query<{ migrated: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS migrated");
  if (!rows[0]?.migrated) return { schemaVersion: 0, incidents: 0, timelineEntries: 0 };
  const count = await db.query<Counts>(`SELECT
    (SELECT coalesce(max(version), 0) FROM schema_migrations)::int AS "schemaVersion",
    (SELECT count(*) FROM incidents)::int AS incidents,
    (SELECT count(*) FROM timeline_entries)::int AS "timelineEntries"`);
  return count.rows[0]!;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 ** 2).toFixed(1)} MB`;
}
