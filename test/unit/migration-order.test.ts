// Migrations are applied in list order and `latestVersion` is the last entry's, so the list must
// run 1, 2, 3, … with no gap or swap — a merge of two branches that each added one is where that
// goes wrong — and each file's number must be its version.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { latestVersion, migrations } from "../../src/adapters/store/migrations/index.js";

it("numbers the migrations 1..N in the order they are applied, one file each", () => {
  expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, n) => n + 1));
  expect(latestVersion).toBe(migrations.length);
  const dir = fileURLToPath(new URL("../../src/adapters/store/migrations/", import.meta.url));
  const files = readdirSync(dir).filter((f) => /^\d{3}-/.test(f)).sort();
  expect(files.map((f) => f.replace(/\.ts$/, ""))).toEqual(migrations.map((m) => `${String(m.version).padStart(3, "0")}-${m.name}`));
});
