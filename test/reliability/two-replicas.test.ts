// Two Firebreak replicas on one PostgreSQL and one Slack workspace, hit at the same moment with
// the same pages and the same clicks: one incident, one channel, one timeline entry per source,
// one run and one execution of each step — whichever replica each request reached.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { datadogDelivery, renderDatadogPayload } from "../helpers/datadog-events.js";
import { DD_SECRET, eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { writePlaybookConfig } from "../helpers/playbook-dir.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

const dir = tempDir();
let slack: SlackEmulator;
let a: Harness;
let b: Harness;
let commander: string;
let starter: string;

beforeAll(async () => {
  slack = createSlackEmulator();
  await slack.start();
  commander = slack.addUser({ name: "rue", email: "rue@example.com" });
  starter = slack.addUser({ name: "sam", email: "sam@example.com" });
  const config = writePlaybookConfig(dir.path, {
    "guarded.yaml": `id: replica-guarded
title: Replica guarded
description: One note behind the commander's approval.
steps:
  - { id: note, title: Write the guarded note, action: incident.note, with: { text: "guarded {{ incident.id }}" }, approval: { from: commander } }
`,
  });
  const url = await createTestDatabaseUrl();
  a = await startHarness({ database: { DATABASE_URL: url }, env: { FIREBREAK_CONFIG: config }, slack });
  b = await startHarness({ database: { DATABASE_URL: url }, env: { FIREBREAK_CONFIG: config }, slack });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await slack.stop();
  dir.remove();
});

const both = () => [a, b, a, b];
/** Both replicas idle: no job or step running or due anywhere, so any duplicate has shown itself. */
const drainBoth = async () => {
  await a.drain();
  await b.drain();
};
const post = (replica: Harness, path: string, init: RequestInit) => fetch(`${replica.base}${path}`, init).then(async (r) => (await r.arrayBuffer(), r.status));
const createdChannels = () => slack.calls("conversations.create").filter((c) => c.response.body.ok === true).map((c) => String(c.args.name));

it("turns the same pages, delivered to both replicas at once, into one incident and one channel each", async () => {
  const pdIds = Array.from({ length: 8 }, (_, n) => `PREPLICA${n}`);
  const title = (id: string) => `Replica race ${id.toLowerCase()}`;
  // Each replica's PagerDuty client talks to its own emulator; both must know the incidents.
  for (const id of pdIds) for (const replica of [a, b]) replica.pagerduty.addIncident({ id, title: title(id) });
  const pages = pdIds.flatMap((id) => {
    const body = pagerdutyEvent("incident.triggered", { eventId: `${id}-triggered`, incidentId: id, title: title(id) });
    // The same delivery to both, and PagerDuty's redelivery of the same event under new webhook ids.
    return both().map((replica, k) => post(replica, "/webhooks/pagerduty", pagerdutyDelivery(body, PD_SECRETS[k % 2]!, k < 2 ? `${id}-webhook` : `${id}-webhook-${k}`)));
  });
  const alerts = ["8101", "8102"].flatMap((monitor) => {
    const payload = renderDatadogPayload({ ID: `9${monitor}`, ALERT_ID: monitor, ALERT_TRANSITION: "Triggered", DATE: "1700000000000", ALERT_TITLE: `Replica alert ${monitor}` });
    return both().map((replica) => post(replica, "/webhooks/datadog", datadogDelivery(payload, DD_SECRET)));
  });
  expect(new Set(await Promise.all([...pages, ...alerts]))).toEqual(new Set([202]));

  const ready = (i: { headerTs: string | null; announcementTs: string | null }) => Boolean(i.headerTs && i.announcementTs);
  await eventually(() => a.store.incidents.list(), (list) => list.filter((i) => pdIds.includes(i.pagerdutyIncidentId ?? "") && ready(i)).length === pdIds.length, 20_000);
  // Once the incidents exist, PagerDuty's acknowledgements arrive — again at both replicas at once.
  const acks = pdIds.flatMap((id) => {
    const body = pagerdutyEvent("incident.acknowledged", { eventId: `${id}-acknowledged`, incidentId: id });
    return both().map((replica, k) => post(replica, "/webhooks/pagerduty", pagerdutyDelivery(body, PD_SECRETS[0]!, `${id}-ack-webhook-${k % 2}`)));
  });
  expect(new Set(await Promise.all(acks))).toEqual(new Set([202]));
  await eventually(async () => (await a.store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM timeline_entries WHERE kind = 'acknowledged'"))[0]!.n, (n) => n >= pdIds.length);
  await eventually(async () => (await a.store.incidents.list()).filter((i) => i.datadogMonitorId && ready(i)).length, (n) => n === 2, 20_000);
  await drainBoth(); // a duplicate would be running or due now

  const incidents = await a.store.incidents.list();
  for (const id of pdIds) {
    const mine = incidents.filter((i) => i.pagerdutyIncidentId === id);
    expect(mine, `${id}: one incident`).toHaveLength(1);
    const incident = mine[0]!;
    expect(createdChannels().filter((name) => name.includes(title(id).toLowerCase().replaceAll(" ", "-"))), `${id}: one channel`).toHaveLength(1);
    expect(slack.pins(incident.channelId!), `INC-${incident.id}: one pinned header`).toHaveLength(1);
    expect(slack.messages(a.incidentsChannel).filter((m) => m.text?.includes(`INC-${incident.id} (`)), `INC-${incident.id}: one announcement`).toHaveLength(1);
    const kinds = (await a.store.timeline.list(incident.id)).map((e) => e.kind);
    for (const kind of ["page", "declared", "channel", "header", "announcement", "acknowledged"]) {
      expect(kinds.filter((k) => k === kind), `INC-${incident.id}: one ${kind} entry among ${kinds.join(", ")}`).toHaveLength(1);
    }
  }
  for (const monitor of ["8101", "8102"]) {
    const mine = incidents.filter((i) => i.datadogMonitorId === monitor);
    expect(mine, `monitor ${monitor}: one incident`).toHaveLength(1);
    expect((await a.store.timeline.list(mine[0]!.id)).filter((e) => e.kind === "page"), `monitor ${monitor}: one page entry`).toHaveLength(1);
  }
  const keys = await a.store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM timeline_entries GROUP BY incident_id, source_key HAVING source_key IS NOT NULL AND count(*) > 1");
  expect(keys, "no source key twice on one timeline").toEqual([]);
}, 60_000);

it("declares once when the declare form is submitted to both replicas at once", async () => {
  const general = slack.addChannel({ name: "general", members: [commander] });
  expect(await post(a, "/slack/events", slashCommand(SIGNING_SECRET, { text: "declare Both replicas declare", userId: commander, channelId: general, triggerId: slack.issueTrigger() }))).toBe(200);
  const view = await eventually(() => slack.views().find((v) => v.callback_id === "declare_incident" && JSON.stringify(v.blocks).includes("Both replicas declare")), Boolean);
  const values = {
    title: { value: { type: "plain_text_input", value: "Both replicas declare" } },
    severity: { value: { type: "static_select", selected_option: { value: "SEV2" } } },
    services: { value: { type: "plain_text_input", value: "checkout" } },
    description: { value: { type: "plain_text_input", value: "double submit" } },
  };
  const submission = viewSubmitted(view!, commander, values);
  expect(await Promise.all(both().map((replica) => post(replica, "/slack/events", interaction(SIGNING_SECRET, submission))))).toEqual([200, 200, 200, 200]);

  const incident = await eventually(async () => (await a.store.incidents.list()).find((i) => i.title === "Both replicas declare"), (i) => Boolean(i?.headerTs && i.announcementTs));
  await drainBoth();
  expect((await a.store.incidents.list()).filter((i) => i.title === "Both replicas declare")).toHaveLength(1);
  expect(createdChannels().filter((name) => name.includes("both-replicas-declare"))).toHaveLength(1);
  expect((await a.store.timeline.list(incident!.id)).filter((e) => e.kind === "page")).toHaveLength(1);
  expect(slack.ephemerals(general).filter((e) => e.text?.includes(`INC-${incident!.id} declared`))).toHaveLength(1);
});

async function incidentWithChannel(name: string) {
  const channel = slack.addChannel({ name, members: [commander, starter] });
  const created = await a.store.incidents.create({ title: name, severity: "SEV2", source: "slack", detectedAt: new Date(), commander });
  return { channel, incident: (await a.store.incidents.update(created.id, created.version, { channelId: channel }))! };
}

async function openParamsForm(incidentId: number, channel: string) {
  const choose = buttonClick({ actionId: "playbook_choose", value: JSON.stringify({ incidentId, playbookId: "replica-guarded" }), userId: starter, channelId: channel, triggerId: slack.issueTrigger() });
  expect(await post(a, "/slack/events", interaction(SIGNING_SECRET, choose))).toBe(200);
  return (await eventually(() => slack.views().find((v) => String(v.private_metadata).includes(`"incidentId":${incidentId}`)), Boolean))!;
}

it("runs an approved step once when approve clicks reach both replicas at once", async () => {
  const { channel, incident } = await incidentWithChannel("inc-replica-approve");
  const form = await openParamsForm(incident.id, channel);
  expect(await post(b, "/slack/events", interaction(SIGNING_SECRET, viewSubmitted(form, starter, {})))).toBe(200);
  const [runId] = await eventually(() => a.store.runs.forIncident(incident.id), (ids) => ids.length === 1);
  const step = (await eventually(() => a.store.runs.get(runId!), (run) => run?.steps[0]?.state === "awaiting_approval"))!.steps[0]!;

  const value = JSON.stringify({ runId, position: 0, version: step.version, round: step.round });
  const click = buttonClick({ actionId: "step_approve", value, userId: commander, channelId: channel });
  const clicks = [...both(), ...both()].map((replica) => post(replica, "/slack/events", interaction(SIGNING_SECRET, click)));
  expect(new Set(await Promise.all(clicks))).toEqual(new Set([200]));

  await eventually(async () => (await a.store.runs.get(runId!))!.state, (state) => state === "succeeded");
  await drainBoth();
  const run = (await a.store.runs.get(runId!))!;
  expect(run.steps[0]).toMatchObject({ state: "succeeded", attempt: 1 });
  expect(run.steps[0]!.approvals).toHaveLength(1);
  expect((await a.store.timeline.list(incident.id)).filter((e) => e.text === `guarded ${incident.id}`)).toHaveLength(1);
  expect((await a.store.timeline.list(incident.id)).filter((e) => e.kind === "approval")).toHaveLength(1);
});

it("starts one run when the playbook form is submitted to both replicas at once", async () => {
  const { channel, incident } = await incidentWithChannel("inc-replica-start");
  const form = await openParamsForm(incident.id, channel);
  const submissions = both().map((replica) => post(replica, "/slack/events", interaction(SIGNING_SECRET, viewSubmitted(form, starter, {}))));
  expect(await Promise.all(submissions)).toEqual([200, 200, 200, 200]);
  await eventually(() => a.store.runs.forIncident(incident.id), (ids) => ids.length >= 1);
  await drainBoth();
  expect(await a.store.runs.forIncident(incident.id), "one run for one submitted form").toHaveLength(1);
});
