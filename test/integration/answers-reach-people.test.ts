// Every answer reaches its person: ephemeral in the channel for a member, the interaction's
// response_url for someone who is not in it, a DM when there is no interaction left to answer;
// and a listener that fails tells the person and logs the error, never "unhandled".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

let slack: SlackEmulator;
let h: Harness;
let incident: Incident;
let channel: string;
let member: string;
let outsider: string;
let commander: string;

// A step button whose value Firebreak cannot read: refused with a sentence, whoever presses it.
const STALE = "This button is not one Firebreak can read";

beforeAll(async () => {
  slack = createSlackEmulator();
  await slack.start();
  member = slack.addUser({ name: "mia", email: "mia@example.com" });
  outsider = slack.addUser({ name: "otto", email: "otto@example.com" });
  commander = slack.addUser({ name: "cora", email: "cora@example.com" });
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, slack });
  // The commander is not in the channel: they command from elsewhere, as the README's story allows.
  channel = slack.addChannel({ name: "inc-answers-checkout", members: [member] });
  const created = await h.store.incidents.create({ title: "Checkout answers", severity: "SEV3", source: "slack", detectedAt: new Date(), commander });
  incident = (await h.store.incidents.update(created.id, created.version, { channelId: channel }))!;
});
afterAll(async () => {
  await h?.stop();
  await slack?.stop();
});

const post = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
/** A click on a step button, carrying a response_url from the emulator unless `responseUrl` is false. */
function staleApprove(userId: string, responseUrl = true) {
  const body = buttonClick({ actionId: "step_approve", value: "not a step", userId, channelId: channel });
  if (responseUrl) body.response_url = slack.issueResponseUrl({ user: userId, channel });
  else delete body.response_url;
  return post(interaction(SIGNING_SECRET, body));
}

describe("answers", () => {
  it("reach a member of the channel as an ephemeral message there", async () => {
    expect((await staleApprove(member)).status).toBe(200);
    const seen = await eventually(() => slack.ephemerals(channel).filter((e) => e.user === member), (e) => e.length > 0);
    expect(seen.map((e) => e.text)).toEqual([expect.stringContaining(STALE)]);
    expect(slack.responses(member)).toEqual([]);
    expect(slack.directMessages(member)).toEqual([]);
  });

  it("reach someone outside the channel through the click's response_url, privately", async () => {
    expect((await staleApprove(outsider)).status).toBe(200);
    const answered = await eventually(() => slack.responses(outsider), (r) => r.length > 0);
    expect(answered).toEqual([expect.objectContaining({ channel, response_type: "ephemeral", replace_original: false, text: expect.stringContaining(STALE) })]);
    // Slack refused the ephemeral (user_not_in_channel) and nothing went to their DMs.
    expect(slack.calls("chat.postEphemeral").filter((c) => c.args.user === outsider).map((c) => c.response.body.error)).toEqual(["user_not_in_channel"]);
    expect(slack.ephemerals(channel).filter((e) => e.user === outsider)).toEqual([]);
    expect(slack.directMessages(outsider)).toEqual([]);
  });

  it("reach someone outside the channel by DM when the response_url is used up", async () => {
    const url = slack.issueResponseUrl({ user: outsider, channel });
    for (let i = 0; i < 5; i++) expect((await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "." }) })).status).toBe(200);
    const body = buttonClick({ actionId: "step_approve", value: "not a step", userId: outsider, channelId: channel });
    body.response_url = url;
    await post(interaction(SIGNING_SECRET, body));
    const dms = await eventually(() => slack.directMessages(outsider), (m) => m.length > 0);
    expect(dms.map((m) => m.text)).toEqual([expect.stringContaining(STALE)]);
  });

  it("reach someone outside the channel by DM when there is no response_url (a form's submission)", async () => {
    // The commander resolves from the header's form without being in the channel.
    await post(interaction(SIGNING_SECRET, buttonClick({ actionId: "header_resolve", value: JSON.stringify({ incidentId: incident.id }), userId: member, channelId: channel, triggerId: slack.issueTrigger() })));
    const view = await eventually(() => slack.views().filter((v) => v.callback_id === "resolve_incident").at(-1), Boolean);
    const answer = await post(interaction(SIGNING_SECRET, viewSubmitted(view!, commander, { resolution: { value: { type: "plain_text_input", value: "Rolled back the deploy." } }, root_cause: { value: { type: "plain_text_input", value: "" } } })));
    expect(answer.status).toBe(200);
    const dms = await eventually(() => slack.directMessages(commander), (m) => m.length > 0);
    expect(dms.map((m) => m.text)).toEqual([`INC-${incident.id} is resolved. The channel will be archived later; \`/incident postmortem\` drafts the post-mortem.`]);
    expect(slack.ephemerals(channel).filter((e) => e.user === commander)).toEqual([]);
  });
});

describe("a listener that fails", () => {
  it("tells the person what happened and what to do, and logs the error, never as unhandled", async () => {
    slack.failNext("views.open", { error: "internal_error" });
    const click = buttonClick({ actionId: "postmortem_edit", value: JSON.stringify({ incidentId: incident.id }), userId: member, channelId: channel, triggerId: slack.issueTrigger() });
    expect((await post(interaction(SIGNING_SECRET, click))).status).toBe(200);
    const told = await eventually(() => slack.ephemerals(channel).filter((e) => e.user === member && e.text?.includes("internal_error")), (e) => e.length > 0);
    expect(told.map((e) => e.text)).toEqual([
      ":warning: Firebreak could not finish that: Slack answered `internal_error`. Try again in a moment; if it keeps failing, ask whoever runs Firebreak to look at its log.",
    ]);
    const logged = await eventually(() => h.logs.filter((l) => l.includes("a Slack action listener failed")), (l) => l.length > 0);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: "error", userId: member, err: expect.objectContaining({ message: expect.stringContaining("internal_error") }) });
    expect(h.logs.filter((l) => l.includes("unhandled error in a Slack listener"))).toEqual([]);
  });

  it("answers a command that fails after its ack, where it was typed", async () => {
    slack.failNext("views.open", { error: "internal_error" });
    expect((await post(slashCommand(SIGNING_SECRET, { text: "declare Checkout is down", userId: member, channelId: channel, triggerId: slack.issueTrigger() }))).status).toBe(200);
    await eventually(() => slack.ephemerals(channel).filter((e) => e.user === member && e.text?.includes("internal_error")), (e) => e.length === 2);
    expect(h.logs.filter((l) => l.includes("unhandled error in a Slack listener"))).toEqual([]);
  });
});
