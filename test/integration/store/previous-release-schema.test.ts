// During a rolling deploy the new release migrates first and the old one keeps running on the
// newer schema until its pods are replaced (README, Upgrades). This runs the store code of the
// commit before the newest migration was added — the previous schema's release — against a
// database the current code migrated, both ways round: the old code must see the schema as
// ready, leave it alone, and read and write as before; the new code must read what it wrote.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { migrate } from "../../../src/adapters/store/migrate.js";
import { latestVersion } from "../../../src/adapters/store/migrations/index.js";
import { createPgDriver } from "../../../src/adapters/store/pg-driver.js";
import { createStore, type SqlStore } from "../../../src/adapters/store/store.js";
import { createTestDatabaseUrl } from "../../helpers/databases.js";

const migrationsDir = "src/adapters/store/migrations";
const newest = readdirSync(migrationsDir).find((f) => f.startsWith(`${String(latestVersion).padStart(3, "0")}-`))!;
const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8" }).trim();

// The previous release's code: src/ as it was just before the newest migration was committed (or
// HEAD while that migration is still uncommitted). Needs the git history, as CI's checkout has.
// --follow: a migration renumbered when branches merged is still the one first added under its old name.
const added = git("log", "--follow", "--diff-filter=A", "--format=%H", "--", join(migrationsDir, newest)).split("\n").filter(Boolean).at(-1);
const previous = added ? `${added}^` : "HEAD";
const checkout = mkdtempSync(join(tmpdir(), "firebreak-previous-"));
afterAll(() => rmSync(checkout, { recursive: true, force: true }));

/* eslint-disable @typescript-eslint/no-explicit-any -- the old code's types are not this code's */
let old: { store: any; sql: any; migrate: any; isMigrated: any };
let current: SqlStore;

beforeAll(async () => {
  execFileSync("sh", ["-c", `git archive ${previous} src | tar -x -C ${checkout}`]);
  // Its imports of packages resolve to this checkout's node_modules.
  symlinkSync(resolve("node_modules"), join(checkout, "node_modules"));
  const url = await createTestDatabaseUrl();
  current = createStore(createPgDriver({ connectionString: url, max: 2 }));
  expect(await migrate(current.sql)).toEqual({ applied: expect.arrayContaining([latestVersion]) });

  const load = (path: string) => import(join(checkout, "src/adapters/store", path));
  const [oldStore, oldDriver, oldMigrate] = await Promise.all([load("store.ts"), load("pg-driver.ts"), load("migrate.ts")]);
  const sql = oldDriver.createPgDriver({ connectionString: url, max: 2 });
  old = { store: oldStore.createStore(sql), sql, migrate: oldMigrate.migrate, isMigrated: oldMigrate.isMigrated };
}, 60_000);

afterAll(async () => {
  await old?.sql.close();
  await current?.close();
});

it(`runs the code before migration ${newest} on the newest schema: ready, and nothing to migrate`, async () => {
  expect(await old.isMigrated(old.sql)).toBe(true);
  expect(await old.store.unreadyReason()).toBeUndefined();
  expect(await old.migrate(old.sql)).toEqual({ applied: [] });
});

it("lets the previous release and this one read what the other wrote", async () => {
  const at = new Date("2026-03-08T09:05:00Z");
  const byOld = await old.store.incidents.create({ title: "Written by the previous release", severity: "SEV2", source: "pagerduty", detectedAt: at, services: ["api"] });
  await old.store.timeline.append({ incidentId: byOld.id, eventAt: at, kind: "page", text: "paged", sourceKey: "pd:old" });
  await old.store.postmortems.saveEdits(byOld.id, { tldr: "old" });
  expect(await old.store.deliveries.recordWithJob({ source: "pagerduty", deliveryId: "w-old", body: { a: 1 }, subject: "POLD" }, { kind: "process-pagerduty-delivery", dedupeKey: "pd:old" }, at)).toMatchObject({ recorded: true });
  // It still paces its Slack calls until its pods are replaced.
  const slot = { bucket: "chat.postMessage:C0OLD", limit: 1, windowMs: 1_000, now: at };
  expect(await old.store.transaction((tx: any) => tx.rateSlots.reserve(slot))).toBe(0);
  expect(await old.store.transaction((tx: any) => tx.rateSlots.reserve(slot))).toBe(1_000);

  expect(await current.incidents.get(byOld.id)).toMatchObject({ title: "Written by the previous release", services: ["api"], detectedAt: at });
  expect((await current.timeline.list(byOld.id)).map((e) => e.sourceKey)).toEqual(["pd:old"]);
  expect((await current.postmortems.get(byOld.id)).edits).toEqual({ tldr: "old" });

  const byNew = await current.incidents.create({ title: "Written by this release", severity: "SEV3", source: "slack", detectedAt: at });
  await current.timeline.append({ incidentId: byNew.id, eventAt: at, kind: "note", text: "noted" });
  await current.postmortems.saveEdits(byNew.id, { tldr: "new" });
  await current.postmortems.notePreviewSent(byNew.id, at);
  expect(await old.store.incidents.get(byNew.id)).toMatchObject({ title: "Written by this release" });
  expect((await old.store.timeline.list(byNew.id)).map((e: { text: string }) => e.text)).toEqual(["noted"]);
  expect((await old.store.postmortems.get(byNew.id)).edits).toEqual({ tldr: "new" });
  expect((await old.store.incidents.list()).map((i: { id: number }) => i.id).sort()).toEqual([byOld.id, byNew.id].sort());
});
