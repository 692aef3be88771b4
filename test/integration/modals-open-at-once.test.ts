// Buttons that open a modal open it before reading anything, so the 3-second trigger_id is never
// spent on the database; what needs the record is filled in by views.update.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { buttonClick, interaction } from "../helpers/slack-payloads.js";

let h: Harness;
let cora: string;

beforeAll(async () => {
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() } });
  cora = h.slack.addUser({ name: "cora", email: "cora@example.com" });
});
afterAll(() => h.stop());

it("opens the header's Update, Note and Resolve modals at once, filling Update from the record", async () => {
  h.pagerduty.addIncident({ id: "PMOD1", title: "Cart errors" });
  await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PMOD1", title: "Cart errors", priority: "P2" }), PD_SECRETS[0]!));
  const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PMOD1"), (i) => Boolean(i?.headerTs)))!;
  const click = (actionId: string) =>
    fetch(`${h.base}/slack/events`, interaction(SIGNING_SECRET, buttonClick({ actionId, value: JSON.stringify({ incidentId: incident.id }), userId: cora, channelId: incident.channelId!, triggerId: h.slack.issueTrigger() })));

  await click("header_update");
  const update = await eventually(() => h.slack.views().find((v) => v.callback_id === "status_update"), Boolean);
  expect(JSON.stringify(update!.blocks)).toContain(`"value":"${incident.severity}"`);
  expect(update!.private_metadata).toBe(JSON.stringify({ incidentId: incident.id }));
  await click("header_note");
  await click("header_resolve");
  await eventually(() => h.slack.views().map((v) => v.callback_id), (ids) => ids.includes("add_note") && ids.includes("resolve_incident"));
  expect(h.slack.calls("views.open").filter((c) => c.response.body.ok !== true)).toEqual([]);
});
