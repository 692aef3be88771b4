import { describe, expect, it } from "vitest";
import { migrate, schemaVersion } from "../../../src/adapters/store/migrate.js";
import { latestVersion, migrations } from "../../../src/adapters/store/migrations/index.js";
import { createPgDriver } from "../../../src/adapters/store/pg-driver.js";
import { createTestDatabaseUrl } from "../../helpers/databases.js";

describe("migrations on PostgreSQL", () => {
  it("are applied once when several replicas start together", async () => {
    const url = await createTestDatabaseUrl();
    const replicas = Array.from({ length: 4 }, () => createPgDriver({ connectionString: url, max: 2 }));
    try {
      const results = await Promise.all(replicas.map((sql) => migrate(sql)));
      // One replica applied them all; the others found nothing left to do.
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 0, migrations.length]);
      expect(results.flatMap((r) => r.applied)).toEqual(migrations.map((m) => m.version));
      expect(await schemaVersion(replicas[0]!)).toBe(latestVersion);
    } finally {
      await Promise.all(replicas.map((sql) => sql.close()));
    }
  });
});
