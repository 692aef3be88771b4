// Private incidents through the running app: declared private (the modal's box, or a service marked
// private in firebreak.yaml) they get a private Slack channel, no announcement and no update in the
// incidents channel; a non-member naming one by id learns only that it is private; joins and
// departures land on its timeline once per event.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";
import { signedSlackRequest } from "../helpers/slack-requests.js";

const memberJoined = JSON.parse(readFileSync("test/fixtures/slack/events/event_callback.member_joined_channel.json", "utf8"));

let h: Harness;
let cora: string;
let dana: string;
let general: string;
const dir = tempDir();

beforeAll(async () => {
  const config = join(dir.path, "firebreak.yaml");
  writeFileSync(config, "services:\n  vault:\n    private: true\n");
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, env: { FIREBREAK_CONFIG: config } });
  cora = h.slack.addUser({ name: "cora", email: "cora@example.com", realName: "Cora Commander" });
  dana = h.slack.addUser({ name: "dana", email: "dana@example.com", realName: "Dana Outside" });
  general = h.slack.addChannel({ name: "general", members: [cora, dana] });
});
afterAll(async () => {
  await h.stop();
  dir.remove();
});

const slack = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
async function command(userId: string, channelId: string, text: string): Promise<{ response_type?: string; text: string; blocks?: unknown[] }> {
  const response = await slack(slashCommand(SIGNING_SECRET, { text, userId, channelId, triggerId: h.slack.issueTrigger() }));
  expect(response.status).toBe(200);
  const body = await response.text();
  return body ? JSON.parse(body) : { text: "" };
}

async function declare(text: string, values: { title: string; services?: string; private?: boolean }): Promise<Incident> {
  await command(cora, general, text);
  const view = await eventually(() => h.slack.views().at(-1), (v) => v?.callback_id === "declare_incident" && JSON.stringify(v.blocks).includes(values.title));
  const state = {
    title: { value: { type: "plain_text_input", value: values.title } },
    severity: { value: { type: "static_select", selected_option: { value: "SEV2" } } },
    services: { value: { type: "plain_text_input", value: values.services ?? "" } },
    description: { value: { type: "plain_text_input", value: "" } },
    visibility: { value: { type: "checkboxes", selected_options: values.private ? [{ value: "private" }] : [] } },
  };
  await slack(interaction(SIGNING_SECRET, viewSubmitted(view!, cora, state)));
  const found = await eventually(async () => (await h.store.incidents.list()).find((i) => i.title === values.title), (i) => Boolean(i?.headerTs), 20_000);
  await h.drain();
  return (await h.store.incidents.get(found!.id))!;
}

function membership(type: "member_joined_channel" | "member_left_channel", eventId: string, fields: { user: string; channel: string; inviter?: string }) {
  const body = structuredClone(memberJoined);
  body.event_id = eventId;
  body.event = { ...body.event, type, user: fields.user, channel: fields.channel, team: h.slack.teamId };
  if (fields.inviter) body.event.inviter = fields.inviter;
  else delete body.event.inviter;
  return signedSlackRequest({ body: JSON.stringify(body), signingSecret: SIGNING_SECRET });
}

const inIncidents = (incident: Incident) => h.slack.messages(h.incidentsChannel).filter((m) => JSON.stringify(m).includes(`INC-${incident.id}`) || JSON.stringify(m).includes(incident.title));

describe("private incidents", { timeout: 60_000 }, () => {
  let secret: Incident;

  it("`declare --private` ticks the box; the incident gets a private channel and is never announced", async () => {
    secret = await declare("declare --private Leaked credentials", { title: "Leaked credentials", private: true });
    const view = h.slack.views().find((v) => JSON.stringify(v.blocks).includes("Leaked credentials"))!;
    expect(JSON.stringify(view.blocks)).toContain('"initial_options":[{"text":{"type":"plain_text","text":"Private"}');
    expect(secret.private).toBe(true);
    expect(h.slack.calls("conversations.create").map((c) => c.args)).toContainEqual(expect.objectContaining({ name: secret.channelName, is_private: "true" }));
    const channel = h.slack.channel(secret.channelId!)!;
    expect(channel.is_private).toBe(true);
    expect(channel.members).toEqual(expect.arrayContaining([h.slack.botUserId, cora]));
    expect(channel.members).not.toContain(dana);

    // A change that public incidents announce under their announcement stays in the channel.
    await command(cora, secret.channelId!, "severity SEV1");
    await command(cora, secret.channelId!, "status identified");
    await h.drain();
    expect(h.slack.messages(secret.channelId!).map((m) => m.text)).toContainEqual(expect.stringContaining("SEV1"));
    expect(inIncidents(secret)).toEqual([]);
    expect((await h.store.incidents.get(secret.id))!.announcementTs).toBeNull();

    // Datadog's event stream is the whole organisation's: its markers say that a private incident
    // was declared and changed, not what it is about.
    const markers = await eventually(async () => h.datadog.events.filter((e) => e.tags.includes(`incident:inc-${secret.id}`)), (m) => m.length >= 2);
    expect(markers.map((m) => m.title)).toEqual([`INC-${secret.id} declared (SEV2): private incident`, `INC-${secret.id} is now SEV1: private incident`]);
    expect(JSON.stringify(markers)).not.toContain("Leaked credentials");
  });

  it("a page for a service marked private is private; a public incident is still announced", async () => {
    const vault = await declare("declare Vault unsealing fails", { title: "Vault unsealing fails", services: "vault" });
    expect(vault.private).toBe(true);
    expect(h.slack.channel(vault.channelId!)!.is_private).toBe(true);
    expect(inIncidents(vault)).toEqual([]);

    const open = await declare("declare Checkout slow", { title: "Checkout slow", services: "checkout" });
    expect(open.private).toBe(false);
    expect(h.slack.channel(open.channelId!)!.is_private).toBe(false);
    expect(inIncidents(open).length).toBeGreaterThan(0);
  });

  it("a non-member naming it by id is told only that it is private; its members are caught up", async () => {
    const refused = await command(dana, general, `catchup INC-${secret.id}`);
    expect(refused).toEqual({ response_type: "ephemeral", text: `:no_entry_sign: INC-${secret.id} is private; ask its commander to invite you.` });
    expect(await h.store.catchups.last(secret.id, dana)).toBeUndefined();
    // The list of open incidents leaves it out for her, not for its members.
    const danaList = (await command(dana, general, "catchup")).text;
    expect(danaList).toContain("Checkout slow");
    expect(danaList).not.toContain("Leaked credentials");
    expect(danaList).not.toContain(`INC-${secret.id}`);
    expect((await command(cora, general, "catchup")).text).toContain(`INC-${secret.id}: Leaked credentials`);

    const mine = await command(cora, general, `catchup INC-${secret.id}`);
    expect(mine.text).toContain(`Catch-up on INC-${secret.id}: identified, SEV1`);
    expect(await h.store.catchups.last(secret.id, cora)).toBeInstanceOf(Date);
    expect((await command(dana, general, "catchup INC-999999")).text).toBe(":no_entry_sign: INC-999999 does not exist. `/incident catchup` in a channel that is not an incident's lists the open ones.");
  });

  it("joins and departures are on its timeline, once per event; a member who joined may catch up", async () => {
    // Cora invites Dana (the bot's own call stands in for Slack's UI), and Slack says so.
    const invited = await fetch(`${h.slack.url}conversations.invite`, {
      method: "POST",
      headers: { authorization: `Bearer ${h.slack.botToken}`, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ channel: secret.channelId, users: dana }),
    });
    expect(await invited.json()).toMatchObject({ ok: true });
    const joined = membership("member_joined_channel", "Ev0JOIN0001", { user: dana, channel: secret.channelId!, inviter: cora });
    expect((await slack(joined)).status).toBe(200);
    expect((await slack(membership("member_joined_channel", "Ev0JOIN0001", { user: dana, channel: secret.channelId!, inviter: cora }))).status).toBe(200);
    // The bot's own join, sent when a channel is created, is not news.
    await slack(membership("member_joined_channel", "Ev0JOINBOT1", { user: h.slack.botUserId, channel: secret.channelId! }));
    await h.drain();
    const entries = (await h.store.timeline.list(secret.id)).filter((e) => e.kind.startsWith("member-"));
    expect(entries.map((e) => [e.kind, e.actor, e.text])).toEqual([["member-joined", dana, `<@${dana}> joined INC-${secret.id}'s private channel (invited by <@${cora}>)`]]);

    const caughtUp = await command(dana, general, `catchup INC-${secret.id}`);
    expect(caughtUp.text).toContain(`Catch-up on INC-${secret.id}`);

    await slack(membership("member_left_channel", "Ev0LEFT0001", { user: dana, channel: secret.channelId! }));
    await h.drain();
    const after = (await h.store.timeline.list(secret.id)).filter((e) => e.kind.startsWith("member-"));
    expect(after.map((e) => [e.kind, e.actor])).toEqual([
      ["member-joined", dana],
      ["member-left", dana],
    ]);
  });
});
