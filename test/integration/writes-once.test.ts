// Every write the bot makes on the page → channel path happens once, whatever the vendor answers.
// Slack (or PagerDuty) performs the call and then answers 500, holds the answer past the
// client's timeout, or drops the connection: the caller cannot tell whether the write happened.
// Through the real app and the real WebClient, each case must still leave one channel, one
// header, one pin, one announcement, each responder invited once, and one PagerDuty note; and
// later in the incident, one status update, step message, takeover notice and post-mortem preview.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FailureSpec } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import type { Incident } from "../../src/domain/incident.js";
import { COMMAND_NOTICE_JOB } from "../../src/incidents/lifecycle/command-handover.js";
import { RENDER_STEP_JOB } from "../../src/playbooks/engine/engine-deps.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { notePlaybook, writePlaybookConfig } from "../helpers/playbook-dir.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

// Short, so a held answer costs little; a held answer is held until the client gives up.
const REQUEST_TIMEOUT_MS = 1_500;

let h: Harness;
let oncallUser: string;
let created: string[] = [];
let page = 0;

/**
 * A Firebreak of its own for each group of cases: channel creation is paced to Slack's Tier 2
 * limit (18 a minute, shared through the database), and one database for all would be paced.
 */
function useHarness(env: () => Record<string, string> = () => ({})) {
  beforeAll(async () => {
    h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, requestTimeoutMs: REQUEST_TIMEOUT_MS, env: env() });
    h.pagerduty.addUser({ id: "PONCALL1", name: "Ada Oncall", email: "ada@example.com" });
    h.pagerduty.addOnCall({ escalationPolicyId: "PUS0KTE", userId: "PONCALL1" });
    oncallUser = h.slack.addUser({ name: "ada", email: "ada@example.com", realName: "Ada Oncall" });
    created = [];
    h.slack.on("channel", (event) => void (event.action === "created" && created.push(event.channel)));
  });
  afterAll(async () => {
    if (process.env.DEBUG_LOGS) console.log(h.logs.join(""));
    await h.stop();
  });
}

/** Sends a PagerDuty trigger and waits until the channel, header, announcement and PagerDuty note are all done. */
async function pageAndSettle(title: string): Promise<{ incident: Incident; pdIncident: string; channels: string[] }> {
  const pdIncident = `PONCE${String(++page).padStart(3, "0")}`;
  const createdBefore = created.length;
  h.pagerduty.addIncident({ id: pdIncident, title, escalationPolicyId: "PUS0KTE" });
  const response = await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: pdIncident, title }), PD_SECRETS[0]!));
  expect(response.status).toBe(202);
  const recorded = (await eventually(() => h.store.incidents.byPagerdutyIncident(pdIncident), Boolean))!;
  const incident = (await eventually(() => h.store.incidents.get(recorded.id), (i) => Boolean(i?.headerTs && i.announcementTs), 20_000))!;
  await eventually(() => h.store.timeline.findBySourceKey(incident.id, "pagerduty:note:channel-ready"), Boolean, 20_000);
  return { incident, pdIncident, channels: created.slice(createdBefore) };
}

/** What Slack and PagerDuty hold for the incident: exactly one of everything. */
function expectEverythingOnce({ incident, pdIncident, channels }: Awaited<ReturnType<typeof pageAndSettle>>) {
  const id = `INC-${incident.id}`;
  expect(channels).toEqual([incident.channelId]);
  const inChannel = h.slack.messages(incident.channelId!);
  expect(inChannel.filter((m) => m.text.startsWith(`${id} `))).toHaveLength(1);
  expect(h.slack.pins(incident.channelId!).map((p) => p.ts)).toEqual([incident.headerTs]);
  expect(h.slack.messages(h.incidentsChannel).filter((m) => m.text.startsWith(`${id} (`))).toHaveLength(1);
  const members = h.slack.channel(incident.channelId!)!.members;
  expect(members.filter((m) => m === oncallUser)).toHaveLength(1);
  expect(h.pagerduty.incident(pdIncident)!.notes.filter((n) => n.content.includes(`${id} is being handled`))).toHaveLength(1);
}

const faults: [string, FailureSpec, string][] = [
  ["then answers 500", { afterApplying: true, status: 500 }, "500"],
  ["then holds the answer past the timeout", { afterApplying: true, lost: "timeout" }, "timeout"],
  ["then drops the connection", { afterApplying: true, lost: "drop" }, "drop"],
];

// Each case has its own title, so its channel name is free and the faulted create really creates.
describe.each(faults)("Slack performs the call %s", (_name, fault, tag) => {
  useHarness();
  it("conversations.create: one channel", async () => {
    h.slack.failNext("conversations.create", fault);
    const result = await pageAndSettle(`Create lost answer ${tag}`);
    expectEverythingOnce(result);
    expect(h.slack.channel(result.incident.channelId!)!.name).toMatch(new RegExp(`-create-lost-answer-${tag}$`));
  });

  it("the header's chat.postMessage: one header", async () => {
    h.slack.failNext("chat.postMessage", fault);
    expectEverythingOnce(await pageAndSettle(`Header lost answer ${tag}`));
  });

  it("pins.add: one pin", async () => {
    h.slack.failNext("pins.add", fault);
    expectEverythingOnce(await pageAndSettle(`Pin lost answer ${tag}`));
  });

  it("the announcement in the incidents channel: one announcement", async () => {
    // The header is the first post; the announcement the second.
    h.slack.failNext("chat.postMessage", { ...fault, skip: 1 });
    expectEverythingOnce(await pageAndSettle(`Announcement lost answer ${tag}`));
  });

  it("conversations.invite: the responder invited once", async () => {
    h.slack.failNext("conversations.invite", fault);
    expectEverythingOnce(await pageAndSettle(`Invite lost answer ${tag}`));
  });
});

describe.each([
  ["then answers 500", 500],
  ["then holds the answer past the timeout", "timeout"],
  ["then drops the connection", "drop"],
] as const)("PagerDuty stores the note %s", (_name, how) => {
  useHarness();
  it("one note", async () => {
    const pdIncident = `PONCE${String(page + 1).padStart(3, "0")}`;
    h.pagerduty.loseNextAnswer(`POST /incidents/${pdIncident}/notes`, 1, how);
    expectEverythingOnce(await pageAndSettle(`Note lost answer ${how}`));
  });
});

describe("the fast path", () => {
  useHarness();
  it("sends each first write straight out, with no look at what Slack holds", async () => {
    const reads = () => ["conversations.history", "conversations.list"].map((m) => h.slack.calls(m).length);
    const before = reads();
    expectEverythingOnce(await pageAndSettle("Nothing lost"));
    expect(reads()).toEqual(before);
  });
});

describe("a channel name another incident holds", () => {
  useHarness();
  it("is never adopted, even when the create that found it taken lost its answer", async () => {
    const first = await pageAndSettle("Same title twice");
    h.slack.failNext("conversations.create", { afterApplying: true, lost: "drop" });
    const second = await pageAndSettle("Same title twice");
    expect(second.incident.channelId).not.toBe(first.incident.channelId);
    expectEverythingOnce(second);
    expect(h.slack.channel(second.incident.channelId!)!.name).toBe(`${first.incident.channelName}-2`);
  });
});

describe("a status update", () => {
  useHarness();

  it.each(faults)("is posted once in each channel when Slack performs the post %s", async (_name, fault, tag) => {
    const { incident } = await pageAndSettle(`Update lost answer ${tag}`);
    const channel = incident.channelId!;
    const summary = `Index rebuilt (${tag}); CPU falling.`;
    h.slack.failNext("chat.postMessage", fault);
    const opened = h.slack.views().length;
    await fetch(`${h.base}/slack/events`, slashCommand(SIGNING_SECRET, { text: "update", userId: oncallUser, channelId: channel, triggerId: h.slack.issueTrigger() }));
    const view = await eventually(() => h.slack.views().slice(opened).find((v) => v.callback_id === "status_update"), Boolean);
    const values = {
      status: { value: { type: "static_select", selected_option: { value: "monitoring" } } },
      severity: { value: { type: "static_select", selected_option: { value: "SEV1" } } },
      summary: { value: { type: "plain_text_input", value: summary } },
    };
    await fetch(`${h.base}/slack/events`, interaction(SIGNING_SECRET, viewSubmitted(view!, oncallUser, values)));
    await eventually(() => h.store.timeline.list(incident.id), (entries) => entries.filter((e) => e.kind === "posted").length === 2, 20_000);
    for (const where of [channel, h.incidentsChannel]) expect(h.slack.messages(where).filter((m) => m.text.includes(summary))).toHaveLength(1);
  });
});

describe("in an incident's channel", () => {
  const dir = tempDir();
  useHarness(() => ({ FIREBREAK_CONFIG: writePlaybookConfig(dir.path, { "note.yaml": notePlaybook }) }));
  afterAll(() => dir.remove());

  let made = 0;
  /** An incident with its own channel, commanded by one person, with a second in the channel. */
  async function newIncident(title: string) {
    const n = ++made;
    const commander = h.slack.addUser({ name: `cora${n}`, email: `cora${n}@example.com` });
    const other = h.slack.addUser({ name: `olly${n}`, email: `olly${n}@example.com` });
    const channelName = `inc-once-${n}`;
    const channel = h.slack.addChannel({ name: channelName, members: [commander, other] });
    const created = await h.store.incidents.create({ title, severity: "SEV2", source: "slack", detectedAt: new Date(), commander, declaredBy: commander });
    const incident = (await h.store.incidents.update(created.id, created.version, { channelId: channel, channelName }))!;
    return { incident, channel, commander, other };
  }
  const send = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
  const command = (userId: string, channelId: string, text: string) => send(slashCommand(SIGNING_SECRET, { text, userId, channelId, triggerId: h.slack.issueTrigger() }));
  /** Every job of `kind` has finished (a failed one waits, pending, for its retry). */
  const settled = (kind: string) => eventually(() => h.store.jobs.list({ kind }), (jobs) => jobs.length > 0 && jobs.every((j) => j.status === "done"), 20_000);

  it.each(faults)("a playbook step's message is posted once when Slack performs the post %s", async (_name, fault) => {
    const { incident, channel, commander } = await newIncident("Checkout errors");
    const opened = h.slack.views().length;
    await send(interaction(SIGNING_SECRET, buttonClick({ actionId: "playbook_choose", value: JSON.stringify({ incidentId: incident.id, playbookId: "note-then-approve" }), userId: commander, channelId: channel, triggerId: h.slack.issueTrigger() })));
    const modal = await eventually(() => h.slack.views().slice(opened).find((v) => v.callback_id === "playbook_params"), Boolean);
    // Starting the run posts the steps' messages first.
    h.slack.failNext("chat.postMessage", fault);
    await send(interaction(SIGNING_SECRET, viewSubmitted(modal!, commander, { param_message: { value: { type: "plain_text_input", value: "hello world" } } })));
    const steps = () => h.slack.messages(channel).filter((m) => m.text.startsWith("Step "));
    // Settled: step 1 ran, step 2 waits for approval, and no render is left to retry.
    await eventually(() => steps(), (m) => m.some((x) => x.text.startsWith("Step 2/2") && JSON.stringify(x.blocks).includes("step_approve")), 20_000);
    await settled(RENDER_STEP_JOB);
    for (const position of ["1/2", "2/2"]) expect(steps().filter((m) => m.text.startsWith(`Step ${position}`))).toHaveLength(1);
    // The one message is the step's: its stored ts points at it and it shows the step done.
    const [runId] = await h.store.runs.forIncident(incident.id);
    const run = (await h.store.runs.get(runId!))!;
    expect(run.steps.map((s) => s.slackTs)).toEqual(["1/2", "2/2"].map((p) => steps().find((m) => m.text.startsWith(`Step ${p}`))!.ts));
  });

  it.each(faults)("the post-mortem preview is posted once when Slack performs the post %s", async (_name, fault) => {
    const { incident, channel, commander } = await newIncident("Preview");
    h.slack.failNext("chat.postMessage", fault);
    await command(commander, channel, "postmortem");
    // The person, seeing no answer, asks again: the preview Slack did post is found and kept.
    expect(await (await command(commander, channel, "postmortem")).json()).toMatchObject({ text: "Post-mortem draft posted below." });
    const previews = h.slack.messages(channel).filter((m) => m.text === `Post-mortem draft for INC-${incident.id}`);
    expect(previews).toHaveLength(1);
    expect((await h.store.postmortems.get(incident.id)).previewTs).toBe(previews[0]!.ts);
  });

  it.each(faults)("a takeover of command is announced once when Slack performs the post %s", async (_name, fault) => {
    const { incident, channel, other } = await newIncident("Takeover");
    h.slack.failNext("chat.postMessage", fault);
    expect(await (await command(other, channel, `commander <@${other}>`)).text()).toContain(`<@${other}> now commands INC-${incident.id}`);
    await settled(COMMAND_NOTICE_JOB);
    expect(h.slack.messages(channel).filter((m) => m.text.startsWith(`:rotating_light: <@${other}> took command`))).toHaveLength(1);
  });
});
