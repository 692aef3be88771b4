// The Sql seam over one PGlite instance (the embedded driver, and the build's template).
import { types, type PGlite } from "@electric-sql/pglite";
import type { Sql } from "./sql.js";

/** Match the pg driver: int8 as JS numbers. Passed to PGlite.create. */
export const pgliteParsers = { [types.INT8]: (v: string) => Number(v) };

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
