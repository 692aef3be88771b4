import pg from "pg";
import type { Sql, SqlExecutor } from "./sql.js";

// int8 (bigint ids and counts) as JS numbers: every id we store stays far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface PgDriverOptions {
  connectionString: string;
  max?: number;
  /** Called for errors on connections between queries (the server restarting, say) so they never crash the process. */
  onIdleError?: (error: Error) => void;
}

export function createPgDriver(options: PgDriverOptions): Sql {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // pg-pool listens for errors only on the clients it holds idle, and a client emits one whenever
  // its server ends the connection with no query running (a restart, a failover, an administrator):
  // unheard, that error is thrown at the process. Every client keeps a listener of its own from
  // the start, so none can be caught between pg-pool's listener and ours; pg-pool's own report
  // of an idle client's error is the same error again.
  pool.on("connect", (client) => client.on("error", (error) => options.onIdleError?.(error)));
  pool.on("error", () => undefined);

  const run = async <Row>(client: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]) =>
    (await client.query(text, params as unknown[] | undefined)).rows as Row[];

  return {
    driver: "pg",
    query: (text, params) => run(pool, text, params),
    exec: async (script) => void (await pool.query(script)),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A connection that broke while this transaction held it is not given back (it is reported
      // by the listener every client has).
      const onError = (error: Error) => (broken = error);
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const tx: SqlExecutor = {
          query: (text, params) => run(client, text, params),
          exec: async (script) => void (await client.query(script)),
        };
        const result = await fn(tx);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        client.off("error", onError);
        // A connection whose rollback failed (or that broke) is in an unknown state: destroy it rather than reuse it.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
