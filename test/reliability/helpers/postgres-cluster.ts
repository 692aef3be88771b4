// A throwaway PostgreSQL server that a test may stop and start again on the same data directory
// and port — the shared test server must never go down under other files. Started the way
// test/helpers/postgres-server.ts starts one: initdb + pg_ctl, as the postgres user when root.
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findPostgresBin, freePort } from "../../helpers/postgres-server.js";

export interface PostgresCluster {
  /** A superuser URL to the `postgres` database. */
  url: string;
  /** `pg_ctl stop -m fast`: clients are disconnected and open transactions rolled back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(join(tmpdir(), "firebreak-pg-restart-"));
  const dataDir = join(dir, "data");
  const port = await freePort();
  // initdb refuses to run as root; run the server as the postgres user when we are root.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o777);
    execFileSync("chown", ["postgres", dir]);
  }
  // Asynchronous, so requests in flight keep moving while the server goes down or comes up.
  const run = async (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, cmd), ...args]] : [join(bin, cmd), args];
    await promisify(execFile)(file, argv, { encoding: "utf8" }).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`${cmd} ${args.at(-1)} failed: ${error.stderr || error.message}`);
    });
  };
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off -c full_page_writes=off`;
  const start = () => run("pg_ctl", ["-D", dataDir, "-l", join(dir, "server.log"), "-w", "-t", "30", "-o", options, "start"]);
  await run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  await start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await run("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"]);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      try {
        if (running) await run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
