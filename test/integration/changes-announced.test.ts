// Changes are announced once, publicly: status, severity, handover and resolve in the incident
// channel; severity and resolve also under the incident's announcement in the incidents channel;
// once each, also when Slack performed a post and lost its answer and the job tried again.
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
let announcementTs: string;
const people = { cmd: "", next: "", other: "" };

beforeAll(async () => {
  slack = createSlackEmulator();
  await slack.start();
  for (const name of Object.keys(people) as (keyof typeof people)[]) people[name] = slack.addUser({ name, email: `${name}@example.com` });
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, slack });
  channel = slack.addChannel({ name: "inc-announced-checkout", members: Object.values(people) });
  // The incident's announcement in the incidents channel, as the channel job posts it.
  const posted = (await (await fetch(`${slack.url}chat.postMessage`, {
    method: "POST",
    headers: { authorization: `Bearer ${slack.botToken}`, "content-type": "application/json" },
    body: JSON.stringify({ channel: h.incidentsChannel, text: "INC declared: Checkout is down" }),
  })).json()) as { ts: string };
  announcementTs = posted.ts;
  const created = await h.store.incidents.create({ title: "Checkout is down", severity: "SEV3", source: "slack", detectedAt: new Date(), commander: people.cmd });
  incident = (await h.store.incidents.update(created.id, created.version, { channelId: channel, announcementTs }))!;
});
afterAll(async () => {
  await h?.stop();
  await slack?.stop();
});

const post = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
const command = (userId: string, text: string) => post(slashCommand(SIGNING_SECRET, { text, userId, channelId: channel, triggerId: slack.issueTrigger() }));
const name = () => `INC-${incident.id}`;
/** Bot messages in the incident channel whose text starts with `prefix`. */
const inChannel = (prefix: string) => slack.messages(channel).filter((m) => m.text.startsWith(prefix)).map((m) => m.text);
/** Replies under the incident's announcement. */
const inThread = () => slack.thread(h.incidentsChannel, announcementTs).filter((m) => m.ts !== announcementTs).map((m) => m.text);
/** Top-level messages in the incidents channel other than the announcement. */
const topLevelElsewhere = () => slack.messages(h.incidentsChannel).filter((m) => m.ts !== announcementTs && m.thread_ts === undefined);

describe("changes made in Slack", () => {
  it("announce a severity raise once in the channel and once under the announcement", async () => {
    await command(people.cmd, "severity sev1");
    await h.drain();
    const line = `:arrow_double_up: ${name()} is now *SEV1* (was SEV3), raised by <@${people.cmd}>.`;
    expect(inChannel(":arrow_double_up:")).toEqual([line]);
    expect(inThread()).toEqual([line]);
    expect(topLevelElsewhere()).toEqual([]);
  });

  it("announce a status change in the channel only", async () => {
    await command(people.cmd, "status identified");
    await h.drain();
    expect(inChannel(":arrows_counterclockwise:")).toEqual([`:arrows_counterclockwise: ${name()} is now *identified* (was investigating), set by <@${people.cmd}>.`]);
    expect(inThread()).toHaveLength(1);
  });

  it("announce a handover of command, and a takeover only once (its own notice with Revert)", async () => {
    await command(people.cmd, `commander <@${people.next}>`);
    await h.drain();
    expect(inChannel(":handshake:")).toEqual([`:handshake: <@${people.cmd}> handed command of ${name()} to <@${people.next}>.`]);
    await command(people.other, `commander <@${people.other}>`);
    await h.drain();
    expect(inChannel(":rotating_light:")).toHaveLength(1);
    expect(inChannel(":bust_in_silhouette:")).toEqual([]);
  });

  it("announce a severity change once even when Slack performed the posts and lost the thread reply's answer", async () => {
    // The channel post goes through; the thread reply lands and answers 500.
    slack.failNext("chat.postMessage", { status: 500, afterApplying: true, skip: 1 });
    await command(people.other, "severity sev2");
    // The job's retry waits out its backoff (not "due" meanwhile): wait for it to read the thread.
    const looked = () => slack.calls("conversations.replies").filter((c) => c.args.ts === announcementTs);
    await eventually(looked, (calls) => calls.length > 0);
    await h.drain();
    const line = `:arrow_double_down: ${name()} is now *SEV2* (was SEV1), lowered by <@${people.other}>.`;
    expect(inChannel(":arrow_double_down:")).toEqual([line]);
    expect(inThread()).toEqual([expect.stringContaining("SEV1"), line]);
    // It did go wrong: the retry read the thread before posting again, and found the reply.
    expect(slack.calls("chat.postMessage").filter((c) => c.response.status === 500)).toHaveLength(1);
    expect(looked()).toHaveLength(1);
  });

  it("announce resolving in the channel and under the announcement", async () => {
    await post(interaction(SIGNING_SECRET, buttonClick({ actionId: "header_resolve", value: JSON.stringify({ incidentId: incident.id }), userId: people.other, channelId: channel, triggerId: slack.issueTrigger() })));
    const view = await eventually(() => slack.views().filter((v) => v.callback_id === "resolve_incident").at(-1), Boolean);
    await post(interaction(SIGNING_SECRET, viewSubmitted(view!, people.other, { resolution: { value: { type: "plain_text_input", value: "Rolled back the deploy." } }, root_cause: { value: { type: "plain_text_input", value: "" } } })));
    await h.drain();
    const line = `:white_check_mark: ${name()} is resolved, by <@${people.other}>: Rolled back the deploy.`;
    expect(inChannel(":white_check_mark:")).toEqual([line]);
    expect(inThread().at(-1)).toBe(line);
    expect(inThread()).toHaveLength(3);
    expect(topLevelElsewhere()).toEqual([]);
  });
});
