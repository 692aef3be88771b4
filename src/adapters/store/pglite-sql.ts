// The Sql seam over one PGlite instance (the embedded driver, and the build's template).
import { PGlite, types } from "@electric-sql/pglite";
import type { Sql } from "./sql.js";

/** Match the pg driver: int8 as JS numbers. Passed to PGlite.create. */
export const pgliteParsers = { [types.INT8]: (v: string) => Number(v) };

/**
 * PGlite's start parameters, with a smaller buffer pool. PostgreSQL zeroes its whole shared memory
 * at start, and in WebAssembly zeroing the default 128 MB of shared_buffers was half of opening the
 * database (about 600 ms of CPU). One team's incidents fit in 16 MB many times over, and a page
 * that misses the pool is read from the operating system's file cache.
 */
export const pgliteStartParams = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

export function sqlOverPglite(db: PGlite, close: () => Promise<void> = () => db.close()): Sql {
  return {
    driver: "pglite",
    query: async (text, params) => (await db.query(text, params as unknown[] | undefined)).rows as never[],
    exec: async (script) => void (await db.exec(script)),
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async (text, params) => (await tx.query(text, params as unknown[] | undefined)).rows as never[],
          exec: async (script) => void (await tx.exec(script)),
        }),
      ),
    close,
  };
}
