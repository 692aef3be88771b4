import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { HOLDER_FILE, holdDataDir, otherHolder } from "./data-dir-holder.js";
import { pgliteParsers, pgliteStartParams, sqlOverPglite } from "./pglite-sql.js";
import { readPgliteTemplate } from "./pglite-template.js";
import { unpackTemplate } from "./unpack-template.js";
import type { Sql } from "./sql.js";

export interface PgliteDriverOptions {
  /** Directory for the database files; undefined keeps the database in memory (tests). */
  dataDir?: string;
  /** The cluster a new data dir starts from; the one built beside dist/ unless given. */
  templateFile?: string;
}

/** The data dir is open in another live process: PGlite is one process's database. */
export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `the embedded database in ${dataDir} is in use by process ${pid} (another firebreak serve?); ` +
        "PGlite is single-process: stop that process, give this one another FIREBREAK_DATA_DIR, or set DATABASE_URL to share one PostgreSQL between processes",
    );
    this.name = "DataDirInUseError";
  }
}

export async function createPgliteDriver(options: PgliteDriverOptions = {}): Promise<Sql> {
  // Two processes writing one cluster corrupt it. A mark left by a process that is gone (killed,
  // crashed) is stale and taken over; so is one from another host, which cannot be checked from
  // here and is usually this same container restarted under a new hostname.
  const holder = options.dataDir === undefined ? undefined : otherHolder(options.dataDir);
  if (holder?.alive === true) throw new DataDirInUseError(options.dataDir!, holder.pid);
  const creating = options.dataDir !== undefined && prepareNewCluster(options.dataDir);
  const template = creating ? readPgliteTemplate(options.templateFile) : undefined;
  const engine = loadPgliteEngine();
  if (template) await unpackTemplate(template, options.dataDir!, options.templateFile);
  const { wasmModule, fsBundle } = await engine;
  const db = await PGlite.create({
    ...(options.dataDir && { dataDir: options.dataDir }),
    pgliteWasmModule: wasmModule,
    fsBundle,
    parsers: pgliteParsers,
    startParams: pgliteStartParams,
  });
  if (creating) rmSync(join(options.dataDir!, CREATING_MARKER));
  const release = options.dataDir === undefined ? undefined : holdDataDir(options.dataDir);
  return sqlOverPglite(db, async () => {
    await db.close();
    release?.();
  });
}

/**
 * PGlite's WebAssembly, compiled, and its file-system bundle (share/, timezones), read. PGlite would
 * load both itself once asked to open; begun here, they are read and compiled off the main thread
 * while a new data dir is unpacked. Both are options PGlite documents (`pgliteWasmModule`, `fsBundle`).
 */
async function loadPgliteEngine(): Promise<{ wasmModule: WasmModule; fsBundle: Blob }> {
  const dist = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  const [wasm, bundle] = await Promise.all([readFile(join(dist, "pglite.wasm")), readFile(join(dist, "pglite.data"))]);
  return { wasmModule: await webAssembly.compile(wasm), fsBundle: new Blob([bundle]) };
}

/** Node's WebAssembly global: the TypeScript libs this project uses (ES2023, no DOM) declare only its types. */
const webAssembly = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;
type WasmModule = NonNullable<PGliteOptions["pgliteWasmModule"]>;

/** Present in a data dir while its cluster is being created; removed once the cluster is whole. */
const CREATING_MARKER = "firebreak-creating-cluster";

/**
 * Whether the data dir needs a new cluster: it is missing, empty, or holds one whose creation was
 * cut short (the marker is still there), which is cleared — it cannot hold data yet. The dir itself
 * is kept, as it may be a mounted volume.
 */
function prepareNewCluster(dataDir: string): boolean {
  mkdirSync(dataDir, { recursive: true });
  // A stale holder mark (from a process killed before its cluster was made) is no cluster.
  const entries = readdirSync(dataDir).filter((entry) => entry !== HOLDER_FILE);
  if (entries.length > 0 && !existsSync(join(dataDir, CREATING_MARKER))) return false;
  for (const entry of entries) rmSync(join(dataDir, entry), { recursive: true, force: true });
  writeFileSync(join(dataDir, CREATING_MARKER), "Firebreak is creating the embedded database here; if this file remains, the next start creates it again.\n");
  return true;
}
