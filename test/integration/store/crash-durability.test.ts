// A process killed with SIGKILL in the middle of a stream of writes loses no committed row.
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { createPgDriver } from "../../../src/adapters/store/pg-driver.js";
import { createPgliteDriver } from "../../../src/adapters/store/pglite-driver.js";
import { createStore } from "../../../src/adapters/store/store.js";
import { createTestDatabaseUrl, drivers, tempDir } from "../../helpers/databases.js";

const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));

describe.each(drivers)("SIGKILL during writes on %s", (driver) => {
  it("keeps every row whose commit was acknowledged", async () => {
    let location: string;
    if (driver === "pg") location = await createTestDatabaseUrl();
    else {
      const dir = tempDir();
      dirs.push(dir);
      location = dir.path;
    }
    const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/write-stream.ts", driver, location], { stdio: ["ignore", "pipe", "inherit"] });
    const committed: number[] = [];
    let incidentId = 0;
    let buffered = "";
    await new Promise<void>((resolve, reject) => {
      child.on("exit", () => resolve());
      child.on("error", reject);
      child.stdout.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          const [word, id] = line.split(" ");
          if (word === "incident") incidentId = Number(id);
          if (word === "committed") committed.push(Number(id));
        }
        // Kill at an arbitrary point well into the stream, mid-write.
        if (committed.length >= 150 && !child.killed) child.kill("SIGKILL");
      });
    });
    expect(committed.length).toBeGreaterThanOrEqual(150);

    const sql = driver === "pg" ? createPgDriver({ connectionString: location }) : await createPgliteDriver({ dataDir: location });
    const store = createStore(sql);
    try {
      const stored = new Set((await store.timeline.list(incidentId)).map((e) => e.id));
      const lost = committed.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
