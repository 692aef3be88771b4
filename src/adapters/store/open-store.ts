// Opens the configured database and migrates it, retrying with backoff while it is unreachable
// so `serve` waits for its database instead of crash-looping.
import type { Config } from "../../kernel/config.js";
import type { Logger } from "../../kernel/log.js";
import { migrate } from "./migrate.js";
import type { Sql } from "./sql.js";
import { createStore, type SqlStore } from "./store.js";

/** Only the driver in use is loaded: start-up time is spent on what readiness needs. */
export async function openSql(database: Config["database"], log: Logger): Promise<Sql> {
  if (database.kind === "pglite") return (await import("./pglite-driver.js")).createPgliteDriver({ dataDir: database.dataDir });
  const { createPgDriver } = await import("./pg-driver.js");
  return createPgDriver({
    connectionString: database.url,
    ...(database.poolMax !== undefined && { max: database.poolMax }),
    onIdleError: (error) => log.warn({ err: error }, "database connection dropped; it will be replaced on next use"),
  });
}

/** One attempt: open the database and bring its schema up to date; nothing is left open on failure. */
export async function openAndMigrate(database: Config["database"], log: Logger): Promise<{ sql: Sql; applied: number[] }> {
  const sql = await openSql(database, log);
  try {
    const { applied } = await migrate(sql);
    return { sql, applied };
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
}

export interface OpenStoreOptions {
  log: Logger;
  /** The first attempt, when the caller began it earlier (serve does, while the rest of Firebreak loads). */
  firstAttempt?: Promise<{ sql: Sql; applied: number[] }>;
  signal?: AbortSignal;
  /** Told each failed attempt, so readiness can report the reason. */
  onAttemptFailed?: (reason: string) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export async function openStoreWithRetry(database: Config["database"], options: OpenStoreOptions): Promise<SqlStore> {
  let delay = options.initialDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      const { sql, applied } = await (attempt === 1 && options.firstAttempt ? options.firstAttempt : openAndMigrate(database, options.log));
      if (applied.length > 0) options.log.info({ applied }, "database migrated");
      return createStore(sql);
    } catch (error) {
      // Waiting would not help: another process holds the embedded database until it stops.
      if (error instanceof Error && error.name === "DataDirInUseError") throw error;
      const reason = error instanceof Error ? error.message : String(error);
      options.onAttemptFailed?.(reason);
      options.log.warn({ attempt, retryInMs: delay, reason }, "database not available; retrying");
      if (options.signal?.aborted) throw error;
      await sleep(delay, options.signal);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 15_000);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
