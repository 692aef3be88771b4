// `firebreak serve` SIGKILLed while Statuspage holds the answer to a write it has already made —
// first the create of the incident, then an update — and restarted on the same database each
// time. The outcome of the write is unknown and the process that sent it is gone: the restarted
// process must look before writing again, so Statuspage ends with one incident and each public
// update once, in the order they were published.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPgDriver } from "../../src/adapters/store/pg-driver.js";
import { createStore, type SqlStore } from "../../src/adapters/store/store.js";
import { STATUSPAGE_SYNC_JOB, type StatuspageSyncPayload } from "../../src/incidents/status-sync/statuspage-sync-job.js";
import { startStatuspageEmulator, type StatuspageEmulator } from "../../src/sandbox/emulators/statuspage/statuspage-emulator.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually } from "../helpers/harness.js";
import { kill, killAll, printLogsOnFailure, serve, type Served } from "./helpers/serve-process.js";
import { startVendors, type Vendors } from "./helpers/vendors.js";

let vendors: Vendors;
let statuspage: StatuspageEmulator;
let pageId: string;
let store: SqlStore;
let env: Record<string, string>;
let served: Served;

beforeAll(async () => {
  vendors = await startVendors();
  // Statuspage's documented limit stays on: serve must pace itself under it.
  statuspage = await startStatuspageEmulator();
  ({ pageId } = statuspage.addPage("Acme status", { API: "operational" }));
  const databaseUrl = await createTestDatabaseUrl();
  store = createStore(createPgDriver({ connectionString: databaseUrl, max: 2 }));
  env = { ...vendors.env, DATABASE_URL: databaseUrl, STATUSPAGE_API_KEY: statuspage.apiKey, STATUSPAGE_PAGE_ID: pageId, STATUSPAGE_API_URL: statuspage.url };
  served = await serve(env);
});
afterAll(async () => {
  await killAll();
  await store.close();
  await statuspage.close();
  await vendors.stop();
});

const update = (n: number, status: StatuspageSyncPayload["status"], body: string): StatuspageSyncPayload => ({
  publicUpdateId: `pu-${n}`, incidentId: "301", incidentName: "Checkout errors", status, body, components: [],
});

/** Kills serve, hands its running jobs' leases back (they would run out in 60 s), and starts it again. */
async function restart(): Promise<void> {
  await kill(served.cli);
  await store.sql.query("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE status = 'running'");
  served = await serve(env);
}

const writes = (method: string) => statuspage.calls.filter((c) => c.method === method && c.status < 300);

it("leaves one Statuspage incident with its updates in order when killed mid-create and mid-update", async () => {
  printLogsOnFailure(/"level":"(warn|error|fatal)"|statuspage/);
  statuspage.holdNextAnswer("POST /v1/pages/*/incidents");
  statuspage.holdNextAnswer("PATCH /v1/pages/*/incidents/*");
  for (const payload of [update(1, "investigating", "We are seeing checkout errors."), update(2, "identified", "A bad deploy; rolling back."), update(3, "resolved", "Checkout works again.")]) {
    await store.jobs.enqueue({ kind: STATUSPAGE_SYNC_JOB, payload }, new Date());
  }

  // The incident is created on Statuspage; its answer is held when the process dies.
  await eventually(() => writes("POST").length, (n) => n === 1, 30_000);
  await restart();
  // The first update is applied; its answer is held when the process dies.
  await eventually(() => writes("PATCH").length, (n) => n === 1, 30_000);
  await restart();

  await eventually(() => store.statusSync.isApplied("pu-3"), Boolean, 40_000);
  const incidents = statuspage.incidents(pageId);
  expect(incidents).toHaveLength(1);
  expect(incidents[0]!.metadata).toEqual({ firebreak: { incident_id: "301" } });
  expect(incidents[0]!.updates.map((u) => [u.status, u.body])).toEqual([
    ["investigating", "We are seeing checkout errors."],
    ["identified", "A bad deploy; rolling back."],
    ["resolved", "Checkout works again."],
  ]);
  expect(writes("POST")).toHaveLength(1);
  expect(await store.statusSync.linkedIncident("301")).toBe(incidents[0]!.id);
  expect((await store.statusSync.claimedUpdateIds("301")).sort()).toEqual(incidents[0]!.updates.map((u) => u.id).sort());
}, 150_000);
