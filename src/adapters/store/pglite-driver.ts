import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { holdDataDir } from "./data-dir-holder.js";
import { pgliteParsers, sqlOverPglite } from "./pglite-sql.js";
import { readPgliteTemplate } from "./pglite-template.js";
import type { Sql } from "./sql.js";

export interface PgliteDriverOptions {
  /** Directory for the database files; undefined keeps the database in memory (tests). */
  dataDir?: string;
  /** The cluster a new data dir starts from; the one built beside dist/ unless given. */
  templateFile?: string;
}

export async function createPgliteDriver(options: PgliteDriverOptions = {}): Promise<Sql> {
  const creating = options.dataDir !== undefined && prepareNewCluster(options.dataDir);
  const template = creating ? readPgliteTemplate(options.templateFile) : undefined;
  const db = await PGlite.create({
    ...(options.dataDir && { dataDir: options.dataDir }),
    ...(template && { loadDataDir: template }),
    parsers: pgliteParsers,
  });
  if (creating) rmSync(join(options.dataDir!, CREATING_MARKER));
  const release = options.dataDir === undefined ? undefined : holdDataDir(options.dataDir);
  return sqlOverPglite(db, async () => {
    await db.close();
    release?.();
  });
}

/** Present in a data dir while its cluster is being created; removed once the cluster is whole. */
const CREATING_MARKER = "firebreak-creating-cluster";

/**
 * Whether the data dir needs a new cluster: it is missing, empty, or holds one whose creation was
 * cut short (the marker is still there), which is cleared — it cannot hold data yet. The dir itself
 * is kept, as it may be a mounted volume.
 */
function prepareNewCluster(dataDir: string): boolean {
  mkdirSync(dataDir, { recursive: true });
  const entries = readdirSync(dataDir);
  if (entries.length > 0 && !existsSync(join(dataDir, CREATING_MARKER))) return false;
  for (const entry of entries) rmSync(join(dataDir, entry), { recursive: true, force: true });
  writeFileSync(join(dataDir, CREATING_MARKER), "Firebreak is creating the embedded database here; if this file remains, the next start creates it again.\n");
  return true;
}
