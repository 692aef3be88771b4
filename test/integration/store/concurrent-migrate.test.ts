import { describe, expect, it } from "vitest";
import { migrate, schemaVersion } from "../../../src/adapters/store/migrate.js";
import { latestVersion } from "../../../src/adapters/store/migrations/index.js";
import { createPgDriver } from "../../../src/adapters/store/pg-driver.js";
import { createTestDatabaseUrl } from "../../helpers/databases.js";

describe("migrations on PostgreSQL", () => {
  it("are applied once when several replicas start together", async () => {
    const url = await createTestDatabaseUrl();
    const replicas = Array.from({ length: 4 }, () => createPgDriver({ connectionString: url, max: 2 }));
    try {
      const results = await Promise.all(replicas.map((sql) => migrate(sql)));
      expect(results.flatMap((r) => r.applied)).toEqual([latestVersion]);
      expect(await schemaVersion(replicas[0]!)).toBe(latestVersion);
    } finally {
      await Promise.all(replicas.map((sql) => sql.close()));
    }
  });
});
