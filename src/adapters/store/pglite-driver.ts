import { mkdirSync } from "node:fs";
import { PGlite, types } from "@electric-sql/pglite";
import type { Sql } from "./sql.js";

export interface PgliteDriverOptions {
  /** Directory for the database files; undefined keeps the database in memory (tests). */
  dataDir?: string;
}

export async function createPgliteDriver(options: PgliteDriverOptions = {}): Promise<Sql> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir && { dataDir: options.dataDir }),
    // Match the pg driver: int8 as JS numbers.
    parsers: { [types.INT8]: (v: string) => Number(v) },
  });
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
    close: () => db.close(),
  };
}
