// PostgreSQL ends connections on its own: a restart, a failover, an administrator's
// pg_terminate_backend. A connection it ends between queries, idle in the pool or held by a
// transaction, is reported and replaced; it is never an error thrown at the process.
import { expect, it } from "vitest";
import { createPgDriver } from "../../../src/adapters/store/pg-driver.js";
import { createTestDatabaseUrl } from "../../helpers/databases.js";
import { eventually } from "../../helpers/harness.js";

it("reports connections the server ends between queries, replaces them, and throws nothing at the process", async () => {
  const url = new URL(await createTestDatabaseUrl());
  url.searchParams.set("application_name", "firebreak-ended");
  const reported: Error[] = [];
  const sql = createPgDriver({ connectionString: url.toString(), max: 4, onIdleError: (error) => reported.push(error) });
  const thrown: unknown[] = [];
  const onUncaught = (error: unknown) => thrown.push(error);
  process.on("uncaughtException", onUncaught);
  let resume: (() => void) | undefined;
  try {
    // Connections left idle in the pool…
    await Promise.all(Array.from({ length: 3 }, () => sql.query("SELECT pg_sleep(0.02)")));
    // …and one held by a transaction between two statements.
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const transaction = sql.transaction(async (tx) => {
      await tx.query("SELECT 1");
      holding();
      await new Promise<void>((resolve) => (resume = resolve));
      return tx.query("SELECT 2");
    });
    transaction.catch(() => undefined);
    await held;
    const [ended] = await sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()) AS t",
      ["firebreak-ended"],
    );
    expect(ended!.n).toBeGreaterThanOrEqual(1);
    await eventually(async () => reported.length, (n) => n >= ended!.n, 10_000);
    expect(reported.map((error) => error.message)).toContainEqual(expect.stringMatching(/terminating connection due to administrator command/));
    // The transaction finds its connection gone and fails; nothing it held is given back.
    resume!();
    await expect(transaction).rejects.toThrow();
    expect(await sql.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    expect(await sql.transaction((tx) => tx.query("SELECT 2 AS two"))).toEqual([{ two: 2 }]);
    expect(thrown).toEqual([]);
  } finally {
    resume?.();
    process.off("uncaughtException", onUncaught);
    await sql.close();
  }
});
