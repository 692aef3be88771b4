// `firebreak serve` SIGKILLed while Slack holds the answer to a write it has already applied (the
// header, or the channel itself): the write's outcome is unknown and the process that sent it is
// gone. The restarted process must look before writing again (the job noted the write in its row
// before sending it — for the channel, in the transaction that declared the incident), so the
// incident ends with one channel and one header, pinned.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPgDriver } from "../../src/adapters/store/pg-driver.js";
import { createStore, type SqlStore } from "../../src/adapters/store/store.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { deliverUntilAccepted } from "./helpers/redelivery.js";
import { kill, killAll, printLogsOnFailure, serve, type Served } from "./helpers/serve-process.js";
import { startVendors, type Vendors } from "./helpers/vendors.js";

let vendors: Vendors;
let store: SqlStore;
let env: Record<string, string>;
let served: Served;

beforeAll(async () => {
  vendors = await startVendors();
  const databaseUrl = await createTestDatabaseUrl();
  store = createStore(createPgDriver({ connectionString: databaseUrl, max: 2 }));
  env = { ...vendors.env, DATABASE_URL: databaseUrl };
  served = await serve(env);
});
afterAll(async () => {
  await killAll();
  await store.close();
  await vendors.stop();
});

it("posts the header once when killed while Slack holds the answer to it", async () => {
  printLogsOnFailure(/"level":"(warn|error|fatal)"/);
  vendors.pagerduty.addIncident({ id: "PHELD01", title: "Held header" });
  vendors.slack.failNext("chat.postMessage", { afterApplying: true, lost: "timeout" });
  const body = pagerdutyEvent("incident.triggered", { incidentId: "PHELD01", title: "Held header" });
  await deliverUntilAccepted(() => `${served.base}/webhooks/pagerduty`, () => pagerdutyDelivery(body, vendors.secrets.pagerdutyWebhookSecrets[0]!));
  // The header is in the channel; its answer is being held when the process dies.
  await eventually(() => vendors.slack.calls("chat.postMessage"), (calls) => calls.length === 1, 20_000);
  await kill(served.cli);
  // The dead process's job lease (60 s) would run out on its own; expire it now.
  await store.sql.query("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE status = 'running'");
  served = await serve(env);

  const incident = (await eventually(() => store.incidents.byPagerdutyIncident("PHELD01"), (i) => Boolean(i?.headerTs && i.announcementTs), 30_000))!;
  const headers = vendors.slack.messages(incident.channelId!).filter((m) => m.text.startsWith(`INC-${incident.id} `));
  expect(headers.map((m) => m.ts)).toEqual([incident.headerTs]);
  expect(vendors.slack.pins(incident.channelId!).map((p) => p.ts)).toEqual([incident.headerTs]);
  expect(vendors.slack.messages(vendors.incidentsChannel).filter((m) => m.text.startsWith(`INC-${incident.id} (`))).toHaveLength(1);
});

it("creates the channel once when killed while Slack holds the answer to conversations.create", async () => {
  printLogsOnFailure(/"level":"(warn|error|fatal)"/);
  vendors.pagerduty.addIncident({ id: "PHELD02", title: "Held create" });
  vendors.slack.failNext("conversations.create", { afterApplying: true, lost: "timeout" });
  const body = pagerdutyEvent("incident.triggered", { incidentId: "PHELD02", title: "Held create" });
  await deliverUntilAccepted(() => `${served.base}/webhooks/pagerduty`, () => pagerdutyDelivery(body, vendors.secrets.pagerdutyWebhookSecrets[0]!));
  // The channel exists in Slack; its answer is being held when the process dies.
  const created = await eventually(() => vendors.slack.calls("conversations.create").filter((c) => String(c.args.name).includes("held-create")), (calls) => calls.length === 1, 20_000);
  await kill(served.cli);
  await store.sql.query("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE status = 'running'");
  served = await serve(env);

  const incident = (await eventually(() => store.incidents.byPagerdutyIncident("PHELD02"), (i) => Boolean(i?.headerTs && i.announcementTs), 30_000))!;
  // The channel the dead process created is the incident's: no second one was made under another name.
  expect(incident.channelName).toBe(created[0]!.args.name);
  expect(vendors.slack.calls("conversations.create").filter((c) => String(c.args.name).includes("held-create"))).toHaveLength(1);
  expect(vendors.slack.pins(incident.channelId!).map((p) => p.ts)).toEqual([incident.headerTs]);
});
