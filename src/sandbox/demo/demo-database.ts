// The sandbox's "production" database: an embedded PostgreSQL (PGlite) holding an orders table
// whose unique index on email was left INVALID by a failed CREATE UNIQUE INDEX CONCURRENTLY —
// the state the outage that shaped Firebreak started from. The PostgreSQL actions reach it as
// the target "demo-db", through the same queries they send to a real server.
import { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import type { PostgresTargets } from "../../ports/postgres-target.js";

export const DEMO_TARGET = "demo-db";
export const DEMO_INDEX = "public.orders_email_key";

export interface DemoDatabase {
  targets: PostgresTargets;
  indexIsValid(): Promise<boolean>;
  close(): Promise<void>;
}

export async function createDemoDatabase(): Promise<DemoDatabase> {
  const db = await PGlite.create();
  await db.exec(`
    CREATE TABLE orders (id integer PRIMARY KEY, email text NOT NULL, total_cents integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO orders (id, email, total_cents) SELECT g, 'customer' || (g % 15000) || '@example.com', (g * 37) % 20000 FROM generate_series(1, 20000) g;
  `);
  // Duplicate emails make the concurrent build fail part way, leaving the index INVALID: still
  // written on every insert, never used by a query.
  await db.query("CREATE UNIQUE INDEX CONCURRENTLY orders_email_key ON orders (email)").catch(() => undefined);
  await db.query("DELETE FROM orders WHERE id > 15000");

  // PGlite is one connection; statements from "several clients" simply take turns.
  const client = {
    query: async (text: string, params?: unknown[]) => {
      const result = await db.query(text, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
  } as unknown as pg.Client;

  return {
    targets: {
      names: () => [DEMO_TARGET],
      async withClient(name, fn) {
        if (name !== DEMO_TARGET) throw new Error(`unknown postgres target "${name}" (known: ${DEMO_TARGET})`);
        return fn(client);
      },
    },
    async indexIsValid() {
      const { rows } = await db.query<{ valid: boolean }>("SELECT indisvalid AND indisready AS valid FROM pg_index WHERE indexrelid = 'public.orders_email_key'::regclass");
      return rows[0]?.valid ?? false;
    },
    close: () => db.close(),
  };
}
