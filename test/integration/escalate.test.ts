// `/incident escalate` through the running app with signed Slack requests and the PagerDuty
// emulator: the modal opens before PagerDuty is asked anything, the target menu is served from
// PagerDuty's searches, a responder request goes out once in PagerDuty's documented shape, a
// Slack-declared incident gets exactly one PagerDuty incident (even when PagerDuty's answer is
// lost), an unknown target and PagerDuty being off are each answered with a sentence, and a
// responder who accepts (incident.responder.replied, signed V3 webhook) is invited to the channel.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { blockSuggestion, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

const requestExample = JSON.parse(readFileSync("test/fixtures/pagerduty/rest/POST.incidents.id.responder_requests.request.json", "utf8"));
const responderData = JSON.parse(readFileSync("test/fixtures/pagerduty/webhooks-v3/event-data/incident_responder.json", "utf8"));

let h: Harness;
let cora: string;
let lee: string;
let paged: Incident;

beforeAll(async () => {
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() } });
  cora = h.slack.addUser({ name: "cora", email: "cora@example.com", realName: "Cora Commander" });
  lee = h.slack.addUser({ name: "lee", email: "lee@example.com", realName: "Lee DBA" });
  h.pagerduty.addUser({ id: "PLEE", name: "Lee DBA", email: "lee@example.com" });
  // Cora is on call for the page's policy, so she is in the incident channel where she types.
  h.pagerduty.addUser({ id: "PCORA", name: "Cora Commander", email: "cora@example.com" });
  h.pagerduty.addOnCall({ escalationPolicyId: "PUS0KTE", userId: "PCORA" });
  h.pagerduty.addUser({ id: "PMAX", name: "Max Declines", email: "max@example.com" });
  h.pagerduty.addEscalationPolicy({ id: "PDBA", name: "Database on-call" });
  h.pagerduty.addEscalationPolicy({ id: "PWEB", name: "Web on-call" });
  h.pagerduty.addService({ id: "PPAY", name: "Payments database", escalationPolicyId: "PDBA" });
  h.pagerduty.addOnCall({ escalationPolicyId: "PDBA", userId: "PLEE" });
  h.pagerduty.addIncident({ id: "PESC", title: "Checkout is failing" });
  await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PESC", title: "Checkout is failing" }), PD_SECRETS[0]!));
  const recorded = (await eventually(() => h.store.incidents.byPagerdutyIncident("PESC"), Boolean))!;
  paged = (await eventually(() => h.store.incidents.get(recorded.id), (i) => Boolean(i?.headerTs), 20_000))!;
  await h.drain();
});
afterAll(() => h.stop());

const slack = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
const command = async (userId: string, channelId: string, text: string) =>
  slack(slashCommand(SIGNING_SECRET, { text, userId, channelId, triggerId: h.slack.issueTrigger() }));
const choice = (value: string, text: string, message: string) => ({
  target: { escalate_target: { type: "external_select", selected_option: { text: { type: "plain_text", text }, value } } },
  message: { value: { type: "plain_text_input", value: message } },
});

/** Opens the escalate modal in `channel`, and reports how many PagerDuty calls had been made when Slack opened it. */
async function openModal(channel: string) {
  const before = h.pagerduty.calls.length;
  const viewsBefore = h.slack.views().length;
  let atOpen = -1;
  const off = h.slack.on("view", ({ action, view }) => {
    if (action === "open" && view.callback_id === "incident_escalate") atOpen = h.pagerduty.calls.length;
  });
  const response = await command(cora, channel, "escalate");
  expect(response.status).toBe(200);
  const view = (await eventually(() => h.slack.views().slice(viewsBefore).find((v) => v.callback_id === "incident_escalate"), Boolean))!;
  off();
  return { view, before, atOpen };
}

describe("/incident escalate on a paged incident", { timeout: 60_000 }, () => {
  it("opens the modal before any PagerDuty call, offers PagerDuty's matches, and sends one responder request", async () => {
    const { view, before, atOpen } = await openModal(paged.channelId!);
    expect(atOpen).toBe(before);
    expect(h.pagerduty.calls.length).toBe(before);

    const options = await slack(interaction(SIGNING_SECRET, blockSuggestion({ actionId: "escalate_target", blockId: "target", value: "data", userId: cora, view })));
    expect(options.status).toBe(200);
    const offered = (await options.json()) as { options: { text: { text: string }; value: string }[] };
    expect(offered.options).toContainEqual({ text: { type: "plain_text", text: "Escalation policy: Database on-call" }, value: "escalation_policy:PDBA" });
    expect(offered.options).toContainEqual({ text: { type: "plain_text", text: "Service: Payments database" }, value: "service:PPAY" });
    expect(offered.options.map((o) => o.value)).not.toContain("escalation_policy:PWEB");
    expect(h.pagerduty.calls.slice(before).map((c) => `${c.method} ${c.path} ${c.query.query?.[0]}`).sort()).toEqual(["GET /escalation_policies data", "GET /services data", "GET /users data"]);

    const submission = viewSubmitted(view, cora, choice("escalation_policy:PDBA", "Escalation policy: Database on-call", "Replica lag on the payments database"));
    const [first, second] = await Promise.all([slack(interaction(SIGNING_SECRET, submission)), slack(interaction(SIGNING_SECRET, submission))]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await h.drain();

    expect(h.pagerduty.responderRequests).toHaveLength(1);
    const sent = h.pagerduty.calls.filter((c) => c.method === "POST" && c.path === "/incidents/PESC/responder_requests");
    expect(sent).toHaveLength(1);
    // The body PagerDuty's reference shows, with our requester (the From user) and target.
    expect(Object.keys(sent[0]!.body as object).sort()).toEqual(Object.keys(requestExample).sort());
    expect(sent[0]!.body).toEqual({
      requester_id: "PFIREBREAK",
      message: "Replica lag on the payments database",
      responder_request_targets: [{ responder_request_target: { id: "PDBA", type: "escalation_policy_reference" } }],
    });
    expect(sent[0]!.from).toBe("firebreak@example.com");
    expect(sent[0]!.status).toBe(200);
    const texts = (await h.store.timeline.list(paged.id)).map((e) => e.text);
    expect(texts).toContain(`<@${cora}> asked PagerDuty to page Escalation policy: Database on-call: Replica lag on the payments database`);
    expect(texts).toContain("PagerDuty asked Escalation policy: Database on-call to respond: Replica lag on the payments database");
  });

  it("invites a responder who accepts (incident.responder.replied), and records one who declines", async () => {
    const replied = (eventId: string, user: { id: string; summary: string }, state: string) => {
      const body = pagerdutyEvent("incident.responder.replied", { eventId }) as { event: Record<string, unknown> };
      body.event.resource_type = "incident";
      body.event.data = { ...structuredClone(responderData), incident: { ...responderData.incident, id: "PESC" }, user: { ...responderData.user, ...user }, state };
      return body;
    };
    const accepted = replied("evt-accept-1", { id: "PLEE", summary: "Lee DBA" }, "joined");
    expect((await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(accepted, PD_SECRETS[1]!))).status).toBe(202);
    // PagerDuty delivers at least once: the same event again changes nothing.
    expect((await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(accepted, PD_SECRETS[1]!))).status).toBe(202);
    expect((await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(replied("evt-decline-1", { id: "PMAX", summary: "Max Declines" }, "declined"), PD_SECRETS[0]!))).status).toBe(202);
    await h.drain();

    expect(h.slack.channel(paged.channelId!)!.members).toContain(lee);
    const entries = await h.store.timeline.list(paged.id);
    expect(entries.filter((e) => e.kind === "responder-replied").map((e) => e.text)).toEqual([
      "Lee DBA accepted the request to respond in PagerDuty",
      "Max Declines declined the request to respond in PagerDuty",
    ]);
    expect(entries.filter((e) => e.kind === "responder-invited").map((e) => e.text)).toEqual([`<@${lee}> joined after accepting in PagerDuty`]);
    expect(h.slack.calls("conversations.invite").filter((c) => JSON.stringify(c.args).includes(lee))).toHaveLength(1);
  });

  it("answers a target PagerDuty no longer has with a sentence, and sends nothing", async () => {
    const { view } = await openModal(paged.channelId!);
    const before = h.pagerduty.responderRequests.length;
    const submitted = await slack(interaction(SIGNING_SECRET, viewSubmitted(view, cora, choice("escalation_policy:PGONE", "Escalation policy: Retired team", "Anyone there?"))));
    expect(submitted.status).toBe(200);
    await h.drain();
    expect(h.pagerduty.responderRequests).toHaveLength(before);
    const told = h.slack.ephemerals(paged.channelId!).filter((e) => e.user === cora).map((e) => e.text);
    expect(told).toContainEqual("Escalation policy: Retired team was not found in PagerDuty (it may have been deleted or renamed); pick another with `/incident escalate`.");
    expect((await h.store.timeline.list(paged.id)).map((e) => e.text)).toContain("Not sent to PagerDuty: Escalation policy: Retired team was not found.");
  });
});

describe("/incident escalate on an incident declared in Slack", { timeout: 60_000 }, () => {
  it("asks for a service, then opens exactly one PagerDuty incident keyed by ours, even when PagerDuty's answer is lost", async () => {
    const channel = h.slack.addChannel({ name: "inc-declared-in-slack", members: [cora] });
    const created = await h.store.incidents.create({ title: "Search is slow", severity: "SEV3", source: "slack", detectedAt: new Date(), commander: cora, declaredBy: cora });
    const incident = (await h.store.incidents.update(created.id, created.version, { channelId: channel, channelName: "inc-declared-in-slack" }))!;

    const { view } = await openModal(channel);
    expect(JSON.stringify(view.blocks)).toContain("has no PagerDuty incident yet");
    const policy = await slack(interaction(SIGNING_SECRET, viewSubmitted(view, cora, choice("escalation_policy:PDBA", "Escalation policy: Database on-call", "Search p99 is 4 s"))));
    expect(await policy.json()).toEqual({ response_action: "errors", errors: { target: expect.stringContaining("Pick a *service*") } });

    // PagerDuty creates the incident, and the answer never reaches Firebreak.
    h.pagerduty.loseNextAnswer("POST /incidents", 1, 500);
    const service = await slack(interaction(SIGNING_SECRET, viewSubmitted(view, cora, choice("service:PPAY", "Service: Payments database", "Search p99 is 4 s"))));
    expect(service.status).toBe(200);
    await eventually(() => h.store.incidents.get(incident.id), (i) => Boolean(i?.pagerdutyIncidentId));
    await h.drain();

    const opened = h.pagerduty.incidents().filter((i) => i.incidentKey === `firebreak:INC-${incident.id}`);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ serviceId: "PPAY", title: `INC-${incident.id}: Search is slow` });
    expect(h.pagerduty.calls.filter((c) => c.method === "POST" && c.path === "/incidents")).toHaveLength(1);
    const linked = (await h.store.incidents.get(incident.id))!;
    expect(linked).toMatchObject({ pagerdutyIncidentId: opened[0]!.id, pagerdutyServiceId: "PPAY" });
    expect((await h.store.timeline.list(incident.id)).map((e) => e.text)).toContainEqual(expect.stringContaining("PagerDuty incident opened on Service: Payments database"));

    // PagerDuty's trigger webhook for it attaches to our incident instead of declaring another.
    const trigger = pagerdutyEvent("incident.triggered", { incidentId: opened[0]!.id, title: `INC-${incident.id}: Search is slow` }) as { event: { data: Record<string, unknown> } };
    trigger.event.data.incident_key = `firebreak:INC-${incident.id}`;
    await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(trigger, PD_SECRETS[0]!));
    await h.drain();
    expect((await h.store.incidents.list()).filter((i) => i.title.includes("Search is slow"))).toHaveLength(1);
    expect((await h.store.timeline.list(incident.id)).map((e) => e.text)).toContain(`PagerDuty incident opened for INC-${incident.id}: INC-${incident.id}: Search is slow`);
  });
});

describe("/incident escalate with PagerDuty off", { timeout: 60_000 }, () => {
  it("says so in a sentence and opens nothing", async () => {
    const off = await startHarness({
      database: { DATABASE_URL: await createTestDatabaseUrl() },
      env: { PAGERDUTY_TOKEN: "", PAGERDUTY_FROM_EMAIL: "", PAGERDUTY_WEBHOOK_SECRETS: "", PAGERDUTY_API_URL: "" },
    });
    try {
      const channel = off.slack.addChannel({ name: "inc-no-pagerduty" });
      const response = await fetch(`${off.base}/slack/events`, slashCommand(SIGNING_SECRET, { text: "escalate", userId: off.slack.addUser({ name: "ana" }), channelId: channel, triggerId: off.slack.issueTrigger() }));
      expect(await response.json()).toEqual({ response_type: "ephemeral", text: expect.stringContaining("PagerDuty is off in this Firebreak (no `PAGERDUTY_TOKEN`)") });
      expect(off.slack.views()).toEqual([]);
      expect(off.pagerduty.calls).toEqual([]);
    } finally {
      await off.stop();
    }
  });
});
