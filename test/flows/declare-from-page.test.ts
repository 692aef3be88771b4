// A PagerDuty page becomes an incident: one channel, the on-call people in it, a pinned header,
// the announcement, and a note back on the PagerDuty incident; the same page again changes nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { recordPagerdutyEvent } from "../../src/incidents/record-pagerduty-event.js";
import { parsePagerdutyBody, toPageEvent } from "../../src/sources/pagerduty.js";
import { pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { flowWorld, type FlowWorld } from "./flow-world.js";

let w: FlowWorld;
const clock = new Date("2026-03-08T09:58:00Z");
beforeAll(async () => {
  w = await flowWorld({ users: { "ada@example.com": "UADA" }, oncall: { PFLOWEP: ["ada@example.com"] }, incidentsChannel: "CINCIDENTS", now: () => clock });
});
afterAll(() => w.close());

// The documented envelope (test/fixtures/pagerduty/webhooks-v3), parsed the way a delivery is.
const page = (eventId: string) =>
  toPageEvent(parsePagerdutyBody(JSON.stringify(pagerdutyEvent("incident.triggered", { eventId, occurredAt: "2026-03-08T09:57:00Z", incidentId: "PFLOW1", title: "Checkout latency", escalationPolicyId: "PFLOWEP", priority: "P1" }))));

it("declares the incident and opens its channel with the on-call engineer in it", async () => {
  const outcome = await recordPagerdutyEvent(w.deps, page("evt-1"));
  expect(outcome.outcome).toBe("declared");
  await w.settle();

  const [incident, ...others] = await w.store.incidents.list();
  expect(others).toEqual([]);
  expect(incident).toMatchObject({ title: "Checkout latency", severity: "SEV1", status: "investigating", source: "pagerduty", pagerdutyIncidentId: "PFLOW1", commander: "UADA", channelName: "inc-20260308-checkout-latency" });
  // Slack received one channel, the on-call engineer (found by e-mail) invited, and the header pinned.
  expect(w.chat.channels).toEqual([{ id: incident!.channelId, name: "inc-20260308-checkout-latency" }]);
  expect(w.chat.invited).toEqual([{ channel: incident!.channelId, users: ["UADA"] }]);
  expect(w.chat.posted.map((p) => [p.channel, p.message.text])).toEqual([
    [incident!.channelId, "INC-1 SEV1 investigating: Checkout latency"],
    ["CINCIDENTS", "INC-1 (SEV1) declared: Checkout latency"],
  ]);
  expect(w.chat.pinned).toEqual([{ channel: incident!.channelId, ts: incident!.headerTs }]);
  // PagerDuty heard where the incident is handled.
  expect(w.paging.added.map((n) => [n.incident, n.content])).toEqual([["PFLOW1", `INC-1 is being handled in Slack channel #inc-20260308-checkout-latency: https://acme.slack.com/archives/${incident!.channelId}/p${incident!.headerTs!.replace(".", "")}`]]);
  const kinds = (await w.store.timeline.list(incident!.id)).map((e) => e.kind);
  // The invite and the header go out beside each other, so either may be recorded first.
  expect([...kinds.slice(0, 3), ...kinds.slice(3, 5).sort(), ...kinds.slice(5)]).toEqual(["page", "declared", "channel", "header", "responders", "announcement", "pagerduty-note"]);
});

it("changes nothing when the same page is processed again (PagerDuty delivers at least once)", async () => {
  const before = (await w.store.incidents.list())[0]!;
  const outcome = await recordPagerdutyEvent(w.deps, page("evt-1"));
  expect(outcome.outcome).not.toBe("declared");
  await w.settle();
  expect(await w.store.incidents.list()).toEqual([before]);
  expect(w.chat.channels).toHaveLength(1);
  expect(w.chat.posted).toHaveLength(2);
  expect(w.paging.added).toHaveLength(1);
  expect(await w.store.timeline.list(before.id)).toHaveLength(7);
});
