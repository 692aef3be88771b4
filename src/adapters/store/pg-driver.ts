import pg from "pg";
import type { Sql, SqlExecutor } from "./sql.js";

// int8 (bigint ids and counts) as JS numbers: every id we store stays far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface PgDriverOptions {
  connectionString: string;
  max?: number;
  /** Called for errors on idle connections (the server restarting, say) so they never crash the process. */
  onIdleError?: (error: Error) => void;
}

export function createPgDriver(options: PgDriverOptions): Sql {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on("error", (error) => options.onIdleError?.(error));

  const run = async <Row>(client: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]) =>
    (await client.query(text, params as unknown[] | undefined)).rows as Row[];

  return {
    driver: "pg",
    query: (text, params) => run(pool, text, params),
    exec: async (script) => void (await pool.query(script)),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      // pg-pool listens for errors only on idle clients; a server that goes away while this one is
      // checked out would otherwise emit an unhandled 'error' and take the process down.
      const onError = (error: Error) => {
        broken = error;
        options.onIdleError?.(error);
      };
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
