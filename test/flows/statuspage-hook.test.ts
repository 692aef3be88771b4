// The hook the Atlassian Statuspage sync hangs on: publishing a public update queues a
// `statuspage.sync` job, in the publication's transaction, exactly when the sync is on, with the
// payload its handler reads; a denied update, or publishing with the sync off, queues nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { configFileSchema } from "../../src/kernel/config-file.js";
import { decidePublicUpdate, preparePublicUpdate, requestPublicUpdate } from "../../src/incidents/public-updates/public-update-flows.js";
import { flowWorld, type FlowWorld } from "./flow-world.js";

let world: FlowWorld;
let syncOn = true;
const statusPage = configFileSchema.parse({ status_page: { components: [{ id: "api", name: "Public API" }, { id: "web", name: "Website" }] } }).status_page!;

beforeAll(async () => {
  world = await flowWorld();
  world.deps.statusPage = statusPage;
  world.deps.statuspageEnabled = () => syncOn;
});
afterAll(() => world.close());

async function publish(body: string, decision: "approve" | "deny" = "approve") {
  const incident = await world.store.incidents.create({ title: "Internal title", severity: "SEV2", source: "slack", detectedAt: new Date(), commander: "UCMD" });
  const prepared = await preparePublicUpdate(world.deps, incident, { kind: "update", status: "identified", title: "Checkout is slow", body, components: "api: partial_outage\nweb: degraded_performance" });
  if (!prepared.ok) throw new Error(prepared.reason);
  expect(await requestPublicUpdate(world.deps, incident, prepared.update, "UREQ")).toMatchObject({ ok: true });
  const [update] = await world.store.publicUpdates.forIncident(incident.id);
  expect(await decidePublicUpdate(world.deps, { id: update!.id, decision, userId: "UCMD" })).toMatchObject({ ok: true });
  return { incident, update: (await world.store.publicUpdates.get(update!.id))! };
}

const syncJobs = () => world.store.jobs.list({ kind: "statuspage.sync" });

it("queues one statuspage.sync job with the published words when the sync is on", async () => {
  const { incident, update } = await publish("Some checkouts take 10 s.");
  const jobs = await syncJobs();
  expect(jobs.map((j) => j.payload)).toEqual([
    {
      publicUpdateId: update.publicId,
      incidentId: String(incident.id),
      incidentName: "Checkout is slow",
      status: "identified",
      body: "Some checkouts take 10 s.",
      components: [{ key: "api", status: "partial_outage" }, { key: "web", status: "degraded_performance" }],
    },
  ]);
  // A second click finds it decided: no second publication, no second job.
  expect(await decidePublicUpdate(world.deps, { id: update.id, decision: "approve", userId: "UCMD" })).toMatchObject({ ok: false });
  expect(await syncJobs()).toHaveLength(1);
});

it("queues nothing for a denied update, nor when the sync is off", async () => {
  await publish("Denied words.", "deny");
  syncOn = false;
  await publish("Published with the sync off.");
  expect((await syncJobs()).map((j) => (j.payload as { body: string }).body)).toEqual(["Some checkouts take 10 s."]);
});

it("refuses a public update for a private incident before anyone is asked", async () => {
  const incident = await world.store.incidents.create({ title: "Access review", severity: "SEV2", source: "slack", detectedAt: new Date(), commander: "UCMD", private: true });
  const prepared = await preparePublicUpdate(world.deps, incident, { kind: "update", status: "investigating", title: "Something", body: "Words.", components: "api: major_outage" });
  expect(prepared).toMatchObject({ ok: false, reason: `INC-${incident.id} is private: nothing about it goes on the status page.` });
  expect(await world.store.publicUpdates.forIncident(incident.id)).toEqual([]);
});
