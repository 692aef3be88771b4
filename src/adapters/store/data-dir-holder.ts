// Which process has the embedded database open. PGlite is one process's database: a second
// process opening the same data dir (a backup or restore while `serve` runs) would read or
// overwrite files under a live cluster. PGlite's own postmaster.pid cannot tell us who holds it
// (it always says -42), so the driver writes the holder's real pid beside it while open.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

export const HOLDER_FILE = "firebreak.pid";

export interface DataDirHolder {
  pid: number;
  host: string;
  /**
   * Whether the holder is known to be alive: the same host and a live pid. A holder on another
   * host (another container sharing the volume) cannot be checked from here.
   */
  alive: boolean | "unknown";
}

/** Marks dataDir as held by this process; the returned function releases it (on close). */
export function holdDataDir(dataDir: string): () => void {
  const file = join(dataDir, HOLDER_FILE);
  writeFileSync(file, `${process.pid}\n${hostname()}\n`);
  return () => {
    // Only our own mark: a restore may have replaced the dir's contents since.
    if (readHolder(dataDir)?.pid === process.pid) rmSync(file, { force: true });
  };
}

/** Another process that has dataDir open, or undefined when none does (or its mark is stale). */
export function otherHolder(dataDir: string): DataDirHolder | undefined {
  const holder = readHolder(dataDir);
  if (!holder) return undefined;
  if (holder.host !== hostname()) return { ...holder, alive: "unknown" };
  if (holder.pid === process.pid || !isAlive(holder.pid)) return undefined;
  return { ...holder, alive: true };
}

function readHolder(dataDir: string): Omit<DataDirHolder, "alive"> | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, HOLDER_FILE), "utf8");
  } catch {
    return undefined;
  }
  const [pid, host] = text.split("\n");
  return Number.isInteger(Number(pid)) && Number(pid) > 0 ? { pid: Number(pid), host: host ?? "" } : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
