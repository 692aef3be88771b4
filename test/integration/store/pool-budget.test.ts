// DATABASE_POOL_MAX is a budget the server can plan on: however much work arrives at once, one
// Firebreak process never holds more connections than that, counted by PostgreSQL itself.
import { expect, it } from "vitest";
import { openSql } from "../../../src/adapters/store/open-store.js";
import { loadConfig } from "../../../src/kernel/config.js";
import { createLogger } from "../../../src/kernel/log.js";
import { createTestDatabaseUrl } from "../../helpers/databases.js";

it("never opens more connections than DATABASE_POOL_MAX under concurrent load", async () => {
  const url = new URL(await createTestDatabaseUrl());
  url.searchParams.set("application_name", "firebreak-pool-budget");
  const config = loadConfig({ DATABASE_URL: url.toString(), DATABASE_POOL_MAX: "3" });
  const sql = await openSql(config.database, createLogger({ level: "silent", secrets: [] }));
  try {
    // Each query counts, while it runs, the server's connections from this process.
    const counts = await Promise.all(
      Array.from({ length: 40 }, () =>
        sql.query<{ n: number }>("SELECT (SELECT count(*) FROM pg_stat_activity WHERE application_name = $1)::int AS n, pg_sleep(0.02)", ["firebreak-pool-budget"]),
      ),
    );
    const seen = counts.map(([row]) => row!.n);
    // The load used the whole budget, and never more.
    expect(Math.max(...seen)).toBe(3);
  } finally {
    await sql.close();
  }
});
