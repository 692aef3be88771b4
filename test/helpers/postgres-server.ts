// A throwaway PostgreSQL server for tests: initdb + pg_ctl on a free port in a temp dir, removed
// afterwards; a test may stop and start its own (the shared one must never go down under others). TEST_DATABASE_URL uses an existing server instead. Missing binaries fail loudly:
// the store must be proven on a real PostgreSQL, never silently skipped.
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const candidates = [process.env.PG_BIN, "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"];

export interface PostgresServer {
  /** A superuser URL to the `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

export function findPostgresBin(): string {
  const found = candidates.find((dir) => dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")));
  if (found) return found;
  throw new Error(
    "PostgreSQL server binaries (initdb, pg_ctl) were not found in " +
      candidates.filter(Boolean).join(", ") +
      ". Install them (Debian/Ubuntu: `apt-get install -y postgresql`), set PG_BIN to their directory, " +
      "or set TEST_DATABASE_URL to a PostgreSQL server the tests may create databases on.",
  );
}

export async function startPostgresServer(): Promise<PostgresServer> {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: async () => undefined };
  const cluster = await startPostgresCluster();
  return { url: cluster.url, stop: () => cluster.destroy() };
}

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
  const dir = mkdtempSync(join(tmpdir(), "firebreak-pg-"));
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
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c full_page_writes=off`;
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A new, empty database `name` on the server at `adminUrl` (dropped first if it exists); its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
