// A whole incident, from page to resolve, driven through Slack and PagerDuty as people would,
// across the night the clocks go forward in America/Los_Angeles (2026-03-08, 2:00 → 3:00).
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { buttonClick, interaction, messageShortcut, reactionEvent, selectChoice, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";
import { signedSlackRequest } from "../helpers/slack-requests.js";

let h: Harness;
let slackEmulator: SlackEmulator;
let clock = new Date("2026-03-08T09:50:00Z"); // 1:50am PST
const at = (iso: string) => (clock = new Date(iso));
let ada: string;
let bob: string;
let cora: string;

beforeAll(async () => {
  // Slack stamps messages with the same clock, so a message "written at 1:59am" is.
  slackEmulator = createSlackEmulator({ now: () => clock.getTime() });
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, env: { FIREBREAK_TIMEZONE: "America/Los_Angeles" }, now: () => clock, slack: slackEmulator });
  h.pagerduty.addUser({ id: "PADA", name: "Ada Oncall", email: "ada@example.com" });
  h.pagerduty.addOnCall({ escalationPolicyId: "PUS0KTE", userId: "PADA" });
  ada = h.slack.addUser({ name: "ada", email: "ada@example.com" });
  bob = h.slack.addUser({ name: "bob", email: "bob@example.com" });
  cora = h.slack.addUser({ name: "cora", email: "cora@example.com" });
});
afterAll(async () => {
  await h.stop();
  await slackEmulator.stop();
});

const slack = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
async function command(userId: string, channelId: string, text: string): Promise<{ text?: string; blocks?: unknown[] }> {
  const response = await slack(slashCommand(SIGNING_SECRET, { text, userId, channelId, triggerId: h.slack.issueTrigger() }));
  const body = await response.text();
  return body ? JSON.parse(body) : {};
}
async function submitLatest(callbackId: string, userId: string, values: Record<string, unknown>) {
  const view = await eventually(() => h.slack.views().filter((v) => v.callback_id === callbackId).at(-1), Boolean);
  const response = await slack(interaction(SIGNING_SECRET, viewSubmitted(view!, userId, values)));
  const body = await response.text();
  return body ? JSON.parse(body) : {};
}
const input = (value: string) => ({ value: { type: "plain_text_input", value } });
const choice = (value: string) => ({ value: { type: "static_select", selected_option: { value } } });

it("runs from page to resolve with every command, recording a timeline correct to the minute across DST", async () => {
  h.pagerduty.addIncident({ id: "PLIFE", title: "API is degraded", escalationPolicyId: "PUS0KTE" });
  const page = pagerdutyEvent("incident.triggered", { incidentId: "PLIFE", title: "API is degraded", occurredAt: "2026-03-08T09:50:00.000Z", priority: "P2" });
  await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(page, PD_SECRETS[0]!));
  const declared = (await eventually(() => h.store.incidents.byPagerdutyIncident("PLIFE"), (i) => Boolean(i?.headerTs)))!;
  const channel = declared.channelId!;
  expect(declared.commander).toBe(ada);

  at("2026-03-08T09:52:00Z");
  expect((await command(ada, channel, "status identified")).text).toBe(`INC-${declared.id} is now identified.`);
  const ack = await eventually(() => h.pagerduty.calls.filter((c) => c.method === "PUT"), (c) => c.length === 1);
  expect(ack[0]).toMatchObject({ path: "/incidents/PLIFE", from: "firebreak@example.com", body: { incident: { type: "incident_reference", status: "acknowledged" } } });

  at("2026-03-08T09:54:00Z");
  expect((await command(ada, channel, "severity sev1")).text).toBe(`INC-${declared.id} is now SEV1.`);
  at("2026-03-08T09:56:00Z");
  await command(ada, channel, `role comms <@${bob}|bob>`);
  await command(ada, channel, `commander <@${cora}>`);
  at("2026-03-08T09:58:00Z");
  await command(cora, channel, "note Failover to the backup cluster did not help; CPU still 100%");
  const notes = await eventually(() => h.pagerduty.incident("PLIFE")!.notes.filter((n) => n.content.startsWith("Failover")), (n) => n.length === 1);
  expect(notes[0]!.content).toBe(`Failover to the backup cluster did not help; CPU still 100% (<@${cora}> in Slack, via Firebreak)`);

  // 📌 at 3:05am PDT on a message bob wrote at 1:59am PST: it lands at 1:59.
  at("2026-03-08T09:59:00Z");
  const bobsMessage = h.slack.postAsUser(channel, bob, "orders_pkey_new is INVALID & growing");
  at("2026-03-08T10:05:00Z");
  const pin = JSON.stringify(reactionEvent("EvPIN1", { user: cora, channel, ts: bobsMessage.ts }));
  await slack(signedSlackRequest({ body: pin, signingSecret: SIGNING_SECRET }));
  await slack(signedSlackRequest({ body: pin, signingSecret: SIGNING_SECRET, headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } }));
  await slack(signedSlackRequest({ body: JSON.stringify(reactionEvent("EvPIN2", { user: ada, channel, ts: bobsMessage.ts })), signingSecret: SIGNING_SECRET }));
  await eventually(() => h.store.timeline.list(declared.id), (e) => e.some((x) => x.kind === "pin"));
  expect((await h.store.timeline.list(declared.id)).find((e) => e.kind === "pin")).toMatchObject({ actor: bob, text: "orders_pkey_new is INVALID & growing" });

  // Add to timeline, with the time corrected by hand to 3:01am.
  const later = h.slack.postAsUser(channel, bob, "Found it: the migration left the index invalid");
  await slack(interaction(SIGNING_SECRET, messageShortcut("add_to_timeline_from_message", cora, channel, { ts: later.ts, text: later.text!, user: bob }, h.slack.issueTrigger())));
  expect(await submitLatest("add_to_timeline", cora, { time: input("3:01am"), text: input("Root cause found: invalid index left by the migration") })).toEqual({});

  // SEV1 wants an update every 15 minutes; none since the page at 1:50: the commander is nudged, once.
  const nudge = await eventually(() => h.slack.messages(channel).filter((m) => m.text?.startsWith(":alarm_clock:")), (m) => m.length > 0);
  expect(nudge[0]!.text).toBe(`:alarm_clock: <@${cora}>, INC-${declared.id} (SEV1) has had no status update for 15 minutes. Post one with \`/incident update\` so stakeholders know where things stand.`);

  at("2026-03-08T10:06:00Z");
  expect(await command(cora, channel, "update")).toEqual({});
  expect(await submitLatest("status_update", cora, { status: choice("monitoring"), severity: choice("SEV1"), summary: input("Index rebuilt; CPU falling. Next update in 15 minutes.") })).toEqual({});
  await eventually(() => h.slack.messages(h.incidentsChannel), (m) => m.some((x) => x.text?.includes("Index rebuilt; CPU falling")));

  at("2026-03-08T10:08:00Z");
  await command(cora, channel, "followup Check index validity after every migration");
  at("2026-03-08T10:09:00Z");
  await command(cora, channel, "rename API degraded: invalid index on orders");
  expect(await eventually(() => h.slack.channel(channel)!.name, (n) => n.includes("invalid-index"))).toBe("inc-20260308-api-degraded-invalid-index-on-orders");

  // Someone other than the commander cannot correct the record.
  const timeline = await command(cora, channel, "timeline");
  const picker = JSON.stringify(timeline.blocks);
  type Options = { block_id?: string; elements?: { options?: { text: { text: string }; value: string }[] }[] }[];
  const noteValue = (timeline.blocks as Options).find((b) => b.block_id === "timeline_edit")!.elements![0]!.options!.find((o) => o.text.text.includes("Failover"))!.value;
  expect(picker).toContain("timeline_edit_select");
  expect((await command(bob, channel, "timeline")).blocks?.some((b) => (b as { block_id?: string }).block_id === "timeline_edit")).toBe(false);
  await slack(interaction(SIGNING_SECRET, selectChoice({ actionId: "timeline_edit_select", value: noteValue, userId: bob, channelId: channel, triggerId: h.slack.issueTrigger() })));
  const refusal = await eventually(() => h.slack.ephemerals(channel).filter((e) => e.user === bob), (e) => e.length > 0);
  expect(refusal[0]!.text).toContain(`Only the incident commander (<@${cora}>) or the scribe may correct the timeline of INC-${declared.id}.`);
  await slack(interaction(SIGNING_SECRET, selectChoice({ actionId: "timeline_edit_select", value: noteValue, userId: cora, channelId: channel, triggerId: h.slack.issueTrigger() })));
  expect(await submitLatest("edit_timeline_entry", cora, { time: input("1:58am"), text: input("Failover to the backup cluster did not help; DB CPU still 100%") })).toEqual({});

  at("2026-03-08T10:15:00Z");
  expect(await command(cora, channel, "resolve")).toEqual({});
  expect(await submitLatest("resolve_incident", cora, { resolution: input("Rebuilt the invalid index; CPU back to 30%"), root_cause: input("A migration left orders_pkey_new INVALID") })).toEqual({});
  await eventually(() => h.pagerduty.calls.filter((c) => c.method === "PUT"), (c) => c.length === 2);
  expect(h.pagerduty.incident("PLIFE")!.status).toBe("resolved");

  // PagerDuty tells us about our own changes; they are recognised and not recorded twice.
  for (const type of ["incident.acknowledged", "incident.resolved"]) {
    await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent(type, { incidentId: "PLIFE" }), PD_SECRETS[0]!));
  }
  await h.drain();
  expect((await command(cora, channel, "status monitoring")).text).toContain("is resolved, so you can't change its status");

  const final = (await h.store.incidents.get(declared.id))!;
  expect(final).toMatchObject({ status: "resolved", severity: "SEV1", commander: cora, title: "API degraded: invalid index on orders" });
  const header = h.slack.messages(channel).find((m) => m.ts === final.headerTs)!;
  expect(header.text).toBe(`INC-${declared.id} SEV1 resolved: API degraded: invalid index on orders`);

  const rendered = (await command(ada, channel, "timeline")).blocks!;
  const lines = JSON.stringify(rendered);
  for (const expected of [
    "1:50am PT", "1:52am PT", "1:58am PT", "1:59am PT", "3:01am PT", "3:06am PT", "3:15am PT",
    "acknowledged +2m", "mitigated +16m", "resolved +25m",
  ]) expect(lines).toContain(expected);
  const entries = (await h.store.timeline.list(declared.id)).filter((e) => !["channel", "responders", "header", "announcement", "pagerduty-note", "posted", "bookmark"].includes(e.kind));
  expect(entries.map((e) => [e.eventAt.toISOString().slice(11, 16), e.kind])).toEqual([
    ["09:50", "page"],
    ["09:50", "declared"],
    ["09:52", "status"],
    ["09:54", "severity"],
    ["09:56", "role"],
    ["09:56", "role"],
    ["09:58", "note"],
    ["09:59", "pin"],
    ["10:01", "custom"],
    ["10:06", "update"],
    ["10:06", "status"],
    ["10:08", "followup"],
    ["10:09", "rename"],
    ["10:09", "edit"],
    ["10:15", "resolved"],
  ]);
  expect(entries.filter((e) => e.kind === "pin")).toHaveLength(1);
  expect(h.slack.messages(channel).filter((m) => m.text?.startsWith(":alarm_clock:"))).toHaveLength(1);
  const edit = entries.find((e) => e.kind === "edit")!;
  expect(edit.text).toBe(`<@${cora}> edited the 1:58am PT entry: “Failover to the backup cluster did not help; CPU still 100%” → “Failover to the backup cluster did not help; DB CPU still 100%”`);
});
