// A throwaway PostgreSQL server for tests: initdb + pg_ctl on a free port in a temp dir, removed
// afterwards. TEST_DATABASE_URL uses an existing server instead. Missing binaries fail loudly:
// the store must be proven on a real PostgreSQL, never silently skipped.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  const run = (cmd: string, args: string[]) => {
    const full = asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, cmd), ...args]] as const : [join(bin, cmd), args] as const;
    const result = spawnSync(full[0], [...full[1]], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr || result.stdout}`);
  };
  run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  run("pg_ctl", [
    "-D", dataDir, "-l", join(dir, "server.log"), "-w", "-t", "30",
    "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c full_page_writes=off`,
    "start",
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
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
