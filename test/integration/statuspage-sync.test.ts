// Approved public updates mirrored to Statuspage through the durable job runner, the real store
// and the adapter pointed at the Statuspage emulator. Jobs are enqueued as the public-update flow
// enqueues them (kind `statuspage.sync`, its payload). Assertions are on what the emulator holds
// and what the database records.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createStatuspage } from "../../src/adapters/statuspage.js";
import type { SqlStore } from "../../src/adapters/store/store.js";
import { STATUSPAGE_SYNC_JOB, statuspageSyncJob, type StatuspageSyncPayload } from "../../src/incidents/status-sync/statuspage-sync-job.js";
import { createJobRunner, type JobRunner } from "../../src/jobs/job-runner.js";
import { createLogger } from "../../src/kernel/log.js";
import { startStatuspageEmulator, type StatuspageEmulator } from "../../src/sandbox/emulators/statuspage/statuspage-emulator.js";
import { openTestStore } from "../helpers/databases.js";
import { eventually } from "../helpers/harness.js";

let sp: StatuspageEmulator;
let pageId: string;
let ids: Record<string, string>;
let store: SqlStore;
let runner: JobRunner;

beforeAll(async () => {
  sp = await startStatuspageEmulator({ rateLimit: false });
  ({ pageId, componentIds: ids } = sp.addPage("Acme status", { API: "operational", Checkout: "operational" }));
  store = await openTestStore("pg");
  const log = createLogger({ level: "silent" });
  const statusSync = createStatuspage({ apiKey: sp.apiKey, pageId, apiUrl: sp.url }, { timeoutMs: 2_000 });
  // `legacy` has a statuspage_id Statuspage does not know: a typo in firebreak.yaml.
  const componentIds = { api: ids.API!, checkout: ids.Checkout!, legacy: "nosuchcompo0" };
  runner = createJobRunner({
    jobs: store.jobs,
    log,
    backoffMs: () => 0,
    handlers: { [STATUSPAGE_SYNC_JOB]: statuspageSyncJob({ store, statusSync, componentIds, log, now: () => new Date() }) },
  });
});
afterAll(async () => {
  await store.close();
  await sp.close();
});

const enqueue = (payload: StatuspageSyncPayload) => store.jobs.enqueue({ kind: STATUSPAGE_SYNC_JOB, payload }, new Date());

/** Runs jobs until no sync job is left pending (a deferred one comes due a second later). */
async function settle(): Promise<void> {
  await eventually(async () => {
    await runner.drain();
    return (await store.jobs.list({ kind: STATUSPAGE_SYNC_JOB, status: "pending" })).length + (await store.jobs.list({ kind: STATUSPAGE_SYNC_JOB, status: "running" })).length;
  }, (left) => left === 0, 20_000);
}

const ofIncident = (incidentId: string) => sp.incidents(pageId).filter((i) => (i.metadata.firebreak as { incident_id?: string } | undefined)?.incident_id === incidentId);
const component = (name: string) => sp.components(pageId).find((c) => c.name === name)?.status;

it("creates one Statuspage incident and applies its updates in the order they were published, with component statuses", async () => {
  // The first create fails once: the later updates, claimed alongside it, must wait for it.
  sp.failNext("POST /v1/pages/*/incidents", 503);
  await enqueue({ publicUpdateId: "pu-1", incidentId: "101", incidentName: "Checkout errors", status: "investigating", body: "We are seeing checkout errors.", components: [{ key: "checkout", status: "major_outage" }] });
  await enqueue({ publicUpdateId: "pu-2", incidentId: "101", incidentName: "Checkout errors", status: "identified", body: "A bad deploy; rolling back.", components: [{ key: "checkout", status: "partial_outage" }, { key: "api", status: "degraded_performance" }] });
  await enqueue({ publicUpdateId: "pu-3", incidentId: "101", incidentName: "Checkout errors", status: "resolved", body: "Checkout works again.", components: [{ key: "checkout", status: "operational" }, { key: "api", status: "operational" }] });
  await settle();

  const incidents = ofIncident("101");
  expect(incidents).toHaveLength(1);
  const [incident] = incidents;
  expect(incident!.name).toBe("Checkout errors");
  expect(incident!.status).toBe("resolved");
  expect(incident!.updates.map((u) => [u.status, u.body])).toEqual([
    ["investigating", "We are seeing checkout errors."],
    ["identified", "A bad deploy; rolling back."],
    ["resolved", "Checkout works again."],
  ]);
  expect(incident!.updates.map((u) => u.affectedComponents.map((a) => [a.name, a.new_status]))).toEqual([
    [["Checkout", "major_outage"]],
    [["Checkout", "partial_outage"], ["API", "degraded_performance"]],
    [["Checkout", "operational"], ["API", "operational"]],
  ]);
  expect([component("Checkout"), component("API")]).toEqual(["operational", "operational"]);
  expect(await store.statusSync.linkedIncident("101")).toBe(incident!.id);
  expect((await store.statusSync.claimedUpdateIds("101")).sort()).toEqual(incident!.updates.map((u) => u.id).sort());
});

it("a create whose answer was lost still leaves one incident with one update", async () => {
  sp.loseNextAnswer("POST /v1/pages/*/incidents");
  await enqueue({ publicUpdateId: "pu-10", incidentId: "102", incidentName: "Login slow", status: "investigating", body: "Logins are slow.", components: [{ key: "api", status: "degraded_performance" }] });
  await settle();
  const incidents = ofIncident("102");
  expect(incidents).toHaveLength(1);
  expect(incidents[0]!.updates.map((u) => u.body)).toEqual(["Logins are slow."]);
  expect(sp.calls.filter((c) => c.method === "POST" && c.status === 201)).toHaveLength(2); // 101's and 102's only
  expect(await store.statusSync.linkedIncident("102")).toBe(incidents[0]!.id);
});

it("an update whose answer was lost is not posted twice, and a later one with the same words still is", async () => {
  sp.loseNextAnswer("PATCH /v1/pages/*/incidents/*");
  await enqueue({ publicUpdateId: "pu-11", incidentId: "102", incidentName: "Login slow", status: "monitoring", body: "A fix is out; watching.", components: [] });
  await enqueue({ publicUpdateId: "pu-12", incidentId: "102", incidentName: "Login slow", status: "monitoring", body: "A fix is out; watching.", components: [] });
  await settle();
  expect(ofIncident("102")[0]!.updates.map((u) => [u.status, u.body])).toEqual([
    ["investigating", "Logins are slow."],
    ["monitoring", "A fix is out; watching."],
    ["monitoring", "A fix is out; watching."],
  ]);
});

it("a write Statuspage refuses is not retried: the timeline says what to fix", async () => {
  const incident = await store.incidents.create({ title: "Legacy down", severity: "SEV2", source: "slack", detectedAt: new Date() });
  const { job } = await enqueue({ publicUpdateId: "pu-20", incidentId: String(incident.id), incidentName: "Legacy down", status: "investigating", body: "Legacy is down.", components: [{ key: "legacy", status: "major_outage" }] });
  await settle();
  expect(ofIncident(String(incident.id))).toEqual([]);
  const done = await store.jobs.get(job.id);
  expect(done).toMatchObject({ status: "done", attempts: 1 });
  const entries = (await store.timeline.list(incident.id)).filter((e) => e.kind === "statuspage");
  expect(entries).toHaveLength(1);
  expect(entries[0]!.text).toMatch(/not posted to Statuspage.*422.*statuspage_id/s);
});
