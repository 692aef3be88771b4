// The Slack emulator, driven by the real WebClient (the one Bolt uses) over loopback HTTP.
// Each test boots its own emulator, so the file runs concurrently and the one test that waits
// out a Retry-After second does not add to the others.
import { readFileSync } from "node:fs";
import { webApi } from "@slack/bolt";
import { describe, test as base, type ExpectStatic } from "vitest";
import { createSlackEmulator, type SlackEmulator, type SlackEmulatorOptions } from "../../src/sandbox/emulators/slack/slack-emulator.js";

type Client = InstanceType<typeof webApi.WebClient>;
type Boot = (options?: SlackEmulatorOptions, clientOptions?: webApi.WebClientOptions) => Promise<{ emulator: SlackEmulator; client: Client; url: string }>;

const test = base.extend<{ boot: Boot }>({
  // vitest reads a fixture's dependencies from this destructuring pattern, so it stays even when empty.
  boot: async ({}, use) => {
    const started: SlackEmulator[] = [];
    await use(async (options = {}, clientOptions = {}) => {
      const emulator = createSlackEmulator(options);
      started.push(emulator);
      const { url } = await emulator.start();
      const client = new webApi.WebClient(emulator.botToken, {
        slackApiUrl: url,
        retryConfig: { retries: 0 },
        logLevel: webApi.LogLevel.ERROR,
        ...clientOptions,
      });
      return { emulator, client, url };
    });
    await Promise.all(started.map((e) => e.stop()));
  },
});

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/slack/web-api/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

/** The Slack `error` a call failed with. */
async function slackError(expect: ExpectStatic, call: Promise<unknown>): Promise<string> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code: webApi.ErrorCode.PlatformError });
  return (error as webApi.WebAPIPlatformError).data.error;
}

const TS = /^\d{10}\.\d{6}$/;

describe.concurrent("Slack emulator", () => {
  test("answers auth.test as the bot, and refuses missing or unknown tokens", async ({ boot, expect }) => {
    const { emulator, client, url } = await boot();
    const me = await client.auth.test();
    expect(me).toMatchObject({ ok: true, user_id: emulator.botUserId, bot_id: emulator.botId, team_id: emulator.teamId });

    const stranger = new webApi.WebClient("xoxb-not-ours", { slackApiUrl: url, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
    expect(await slackError(expect, stranger.auth.test())).toBe("invalid_auth");
    const anonymous = new webApi.WebClient(undefined, { slackApiUrl: url, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
    expect(await slackError(expect, anonymous.conversations.create({ name: "nope" }))).toBe("not_authed");
    expect(emulator.channelByName("nope")).toBeUndefined();

    // A token in the form body is accepted too, and an unknown method is an ok:false like any other error.
    const viaForm = await fetch(`${url}auth.test`, { method: "POST", body: new URLSearchParams({ token: emulator.botToken }) });
    expect(await viaForm.json()).toMatchObject({ ok: true, user_id: emulator.botUserId });
    expect(await slackError(expect, client.apiCall("incidents.declare"))).toBe("unknown_method");
  });

  test("creates channels in Slack's shape and enforces the name rules", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    const created = await client.conversations.create({ name: "inc-42-db-cpu" });
    const expected = fixture("conversations.create.200.ok.json").channel as Record<string, unknown>;
    expect(Object.keys(created.channel!).sort()).toEqual(expect.arrayContaining(Object.keys(expected).sort()));
    expect(created.channel).toMatchObject({ name: "inc-42-db-cpu", is_private: false, is_member: true, creator: emulator.botUserId });
    expect(created.channel!.id).toMatch(/^C[A-Z0-9]+$/);

    const held = emulator.channelByName("inc-42-db-cpu");
    expect(held).toMatchObject({ id: created.channel!.id, members: [emulator.botUserId], is_archived: false });

    expect(await slackError(expect, client.conversations.create({ name: "inc-42-db-cpu" }))).toBe("name_taken");
    expect(await slackError(expect, client.conversations.create({ name: "Inc 42!" }))).toBe("invalid_name_specials");
    expect(await slackError(expect, client.conversations.create({ name: "a".repeat(81) }))).toBe("invalid_name_maxlength");
    expect(await slackError(expect, client.conversations.create({ name: "" }))).toBe("invalid_name_required");
    await client.conversations.create({ name: "a".repeat(80), is_private: true });
    expect(emulator.channelByName("a".repeat(80))?.is_private).toBe(true);

    await client.conversations.archive({ channel: held!.id });
    expect(emulator.channel(held!.id)?.is_archived).toBe(true);
    expect(await slackError(expect, client.conversations.archive({ channel: held!.id }))).toBe("already_archived");
    // An archived channel keeps its name.
    expect(await slackError(expect, client.conversations.create({ name: "inc-42-db-cpu" }))).toBe("name_taken");
  });

  test("invites people, with already_in_channel only for a single invitee", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    const alice = emulator.addUser({ name: "alice", email: "alice@example.com" });
    const bob = emulator.addUser({ name: "bob", email: "bob@example.com" });
    const carol = emulator.addUser({ name: "carol", email: "carol@example.com" });
    const { channel } = await client.conversations.create({ name: "inc-7" });
    const id = channel!.id!;

    await client.conversations.invite({ channel: id, users: `${alice},${bob}` });
    expect(emulator.channel(id)?.members).toEqual([emulator.botUserId, alice, bob]);

    expect(await slackError(expect, client.conversations.invite({ channel: id, users: alice }))).toBe("already_in_channel");
    await client.conversations.invite({ channel: id, users: `${alice},${carol}` });
    expect(emulator.channel(id)?.members).toEqual([emulator.botUserId, alice, bob, carol]);

    const dave = emulator.addUser({ name: "dave" });
    expect(await slackError(expect, client.conversations.invite({ channel: id, users: `${dave},U0NOBODY00` }))).toBe("user_not_found");
    expect(emulator.channel(id)?.members).not.toContain(dave);
    expect(await slackError(expect, client.conversations.invite({ channel: id, users: emulator.botUserId }))).toBe("cant_invite_self");
    expect(await slackError(expect, client.conversations.invite({ channel: "C0MISSING0", users: dave }))).toBe("channel_not_found");

    const members = await client.conversations.members({ channel: id });
    expect(members.members).toEqual([emulator.botUserId, alice, bob, carol]);
  });

  test("posts and updates messages, decoding blocks sent inside form fields", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    const id = emulator.addChannel({ name: "incidents" });
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*INC-1* declared" } }];
    const posted = await client.chat.postMessage({ channel: id, text: "INC-1 declared", blocks });
    expect(Object.keys(posted)).toEqual(expect.arrayContaining(Object.keys(fixture("chat.postMessage.200.ok.json"))));
    expect(posted.ts).toMatch(TS);
    expect(posted.message).toMatchObject({ ts: posted.ts, text: "INC-1 declared", bot_id: emulator.botId, blocks });
    expect(emulator.calls("chat.postMessage")[0]?.args).toEqual({ channel: id, text: "INC-1 declared", blocks });

    await client.chat.update({ channel: id, ts: posted.ts!, text: "INC-1 resolved" });
    const [message] = emulator.messages(id);
    expect(message).toMatchObject({ ts: posted.ts, text: "INC-1 resolved", blocks, edited: { user: emulator.botUserId } });
    expect(emulator.messages(id)).toHaveLength(1);

    const human = emulator.addUser({ name: "erin" });
    const theirs = emulator.postAsUser(id, human, "on it");
    expect(await slackError(expect, client.chat.update({ channel: id, ts: theirs.ts, text: "x" }))).toBe("cant_update_message");
    expect(await slackError(expect, client.chat.update({ channel: id, ts: "1.000001", text: "x" }))).toBe("message_not_found");
    expect(await slackError(expect, client.chat.postMessage({ channel: id, text: "" }))).toBe("no_text");
    expect(await slackError(expect, client.chat.postMessage({ channel: "C0MISSING0", text: "hi" }))).toBe("channel_not_found");
    await client.conversations.archive({ channel: id });
    expect(await slackError(expect, client.chat.postMessage({ channel: id, text: "late" }))).toBe("is_archived");
    expect(emulator.messages(id).map((m) => m.text)).toEqual(["INC-1 resolved", "on it"]);
  });

  test("gives every message a string ts, unique and increasing even when the clock stands still", async ({ boot, expect }) => {
    const { emulator, client } = await boot({ now: () => 1_700_000_000_000 });
    const a = emulator.addChannel({ name: "a" });
    const b = emulator.addChannel({ name: "b" });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => client.chat.postMessage({ channel: i % 2 ? a : b, text: `m${i}` })));
    for (const r of results) expect(typeof r.ts === "string" && TS.test(r.ts)).toBe(true);
    expect(new Set(results.map((r) => r.ts)).size).toBe(20);
    for (const channel of [a, b]) {
      const ts = emulator.messages(channel).map((m) => m.ts);
      expect(ts).toEqual([...ts].sort());
    }
    expect(results[0]!.ts!.startsWith("1700000000.")).toBe(true);
  });

  test("threads replies under their parent and keeps them out of history", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    const id = emulator.addChannel({ name: "inc-9" });
    const parent = await client.chat.postMessage({ channel: id, text: "timeline" });
    const reply = await client.chat.postMessage({ channel: id, text: "09:05 paged", thread_ts: parent.ts! });
    expect(reply.message?.thread_ts).toBe(parent.ts);

    const history = await client.conversations.history({ channel: id });
    expect(history.messages?.map((m) => m.text)).toEqual(["timeline"]);
    expect(history.messages?.[0]).toMatchObject({ reply_count: 1, latest_reply: reply.ts });
    const replies = await client.conversations.replies({ channel: id, ts: parent.ts! });
    expect(replies.messages?.map((m) => m.text)).toEqual(["timeline", "09:05 paged"]);
    expect(emulator.thread(id, parent.ts!)).toHaveLength(2);

    const link = await client.chat.getPermalink({ channel: id, message_ts: reply.ts! });
    expect(link.permalink).toBe(`https://firebreak-sandbox.slack.com/archives/${id}/p${reply.ts!.replace(".", "")}?thread_ts=${parent.ts}&cid=${id}`);
  });

  test("pins and reacts to messages", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    const id = emulator.addChannel({ name: "inc-3" });
    const { ts } = await client.chat.postMessage({ channel: id, text: "Status: investigating" });
    const seen: string[] = [];
    emulator.on("pin", (e) => seen.push(`${e.action} ${e.ts}`));

    await client.pins.add({ channel: id, timestamp: ts! });
    expect(emulator.pins(id)).toMatchObject([{ ts, created_by: emulator.botUserId, message: { text: "Status: investigating" } }]);
    expect(await slackError(expect, client.pins.add({ channel: id, timestamp: ts! }))).toBe("already_pinned");
    expect(await slackError(expect, client.pins.add({ channel: id, timestamp: "1700000000.000001" }))).toBe("message_not_found");
    const listed = await client.pins.list({ channel: id });
    expect(listed.items).toMatchObject([{ type: "message", channel: id, message: { ts } }]);
    expect(seen).toEqual([`added ${ts}`]);

    await client.reactions.add({ channel: id, timestamp: ts!, name: "eyes" });
    expect(await slackError(expect, client.reactions.add({ channel: id, timestamp: ts!, name: "eyes" }))).toBe("already_reacted");
    const got = await client.reactions.get({ channel: id, timestamp: ts! });
    expect(got.message?.reactions).toEqual([{ name: "eyes", users: [emulator.botUserId], count: 1 }]);
    await client.reactions.remove({ channel: id, timestamp: ts!, name: "eyes" });
    expect(emulator.messages(id)[0]?.reactions).toBeUndefined();
    expect(await slackError(expect, client.reactions.remove({ channel: id, timestamp: ts!, name: "eyes" }))).toBe("no_reaction");
  });

  test("looks people up by email and reads user groups", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    const egon = emulator.addUser({ name: "spengler", email: "spengler@ghostbusters.example.com", realName: "Egon Spengler", tz: "America/Los_Angeles" });
    const found = await client.users.lookupByEmail({ email: "Spengler@ghostbusters.example.com" });
    const expected = fixture("users.lookupByEmail.200.ok.json").user as Record<string, unknown>;
    expect(Object.keys(found.user!)).toEqual(expect.arrayContaining(Object.keys(expected)));
    expect(found.user).toMatchObject({ id: egon, name: "spengler", real_name: "Egon Spengler", is_bot: false, profile: { email: "spengler@ghostbusters.example.com" } });
    expect(await slackError(expect, client.users.lookupByEmail({ email: "venkman@ghostbusters.example.com" }))).toBe("users_not_found");
    expect(await slackError(expect, client.users.info({ user: "U0NOBODY00" }))).toBe("user_not_found");
    expect((await client.users.info({ user: emulator.botUserId })).user?.is_bot).toBe(true);

    const group = emulator.addUserGroup({ handle: "db-oncall", users: [egon] });
    expect((await client.usergroups.users.list({ usergroup: group })).users).toEqual([egon]);
  });

  test("records ephemeral messages for their recipient only", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    const frank = emulator.addUser({ name: "frank" });
    const outsider = emulator.addUser({ name: "gail" });
    const id = emulator.addChannel({ name: "inc-5", members: [frank] });
    const { message_ts } = await client.chat.postEphemeral({ channel: id, user: frank, text: "Only you can approve this." });
    expect(message_ts).toMatch(TS);
    expect(emulator.ephemerals(id)).toMatchObject([{ channel: id, user: frank, text: "Only you can approve this.", message_ts }]);
    expect(emulator.messages(id)).toEqual([]);
    expect(await slackError(expect, client.chat.postEphemeral({ channel: id, user: outsider, text: "x" }))).toBe("user_not_in_channel");
  });

  test("opens, updates and pushes modals", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    const opened: string[] = [];
    emulator.on("view", (e) => opened.push(`${e.action} ${e.view.id}`));
    const view = { type: "modal" as const, callback_id: "declare", title: { type: "plain_text" as const, text: "Declare" }, blocks: [] };
    const result = await client.views.open({ trigger_id: emulator.issueTrigger(), view });
    const id = result.view!.id!;
    expect(id).toMatch(/^V[A-Z0-9]+$/);
    expect(emulator.view(id)).toMatchObject({ id, callback_id: "declare", root_view_id: id, state: { values: {} } });

    const updated = await client.views.update({ view_id: id, hash: result.view!.hash!, view: { ...view, callback_id: "declare-2" } });
    expect(emulator.view(id)?.callback_id).toBe("declare-2");
    expect(await slackError(expect, client.views.update({ view_id: id, hash: result.view!.hash!, view }))).toBe("hash_conflict");
    const pushed = await client.views.push({ trigger_id: emulator.issueTrigger(), view });
    expect(pushed.view).toMatchObject({ root_view_id: id, previous_view_id: id });
    expect(opened).toEqual([`open ${id}`, `update ${updated.view!.id}`, `push ${pushed.view!.id}`]);

    // WebClient's types require a trigger_id; a caller without one still reaches Slack.
    expect(await slackError(expect, client.apiCall("views.open", { view }))).toBe("invalid_trigger_id");
    expect(emulator.views()).toHaveLength(2);
  });

  test("accepts a trigger_id once, within 3 s of its issue, and refuses one it never issued", async ({ boot, expect }) => {
    let clock = 1_700_000_000_000;
    const { emulator, client } = await boot({ now: () => clock });
    const view = { type: "modal" as const, title: { type: "plain_text" as const, text: "Declare" }, blocks: [] };
    const fresh = emulator.issueTrigger();
    expect(fresh).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    clock += 3_000;
    await client.views.open({ trigger_id: fresh, view });
    expect(await slackError(expect, client.views.open({ trigger_id: fresh, view }))).toBe("exchanged_trigger_id");

    const stale = emulator.issueTrigger();
    clock += 3_001;
    expect(await slackError(expect, client.views.open({ trigger_id: stale, view }))).toBe("expired_trigger_id");
    expect(await slackError(expect, client.views.open({ trigger_id: "12345.98765.abcd2358fdea", view }))).toBe("invalid_trigger_id");
    expect(emulator.views()).toHaveLength(1);
  });

  test("refuses blocks that break Block Kit's rules with Slack's invalid_blocks shape", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    const id = emulator.addChannel({ name: "blocks" });
    const long = { type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } };
    const refused = await client.chat.postMessage({ channel: id, text: "t", blocks: [long] }).catch((e: webApi.WebAPIPlatformError) => e.data);
    expect(refused).toMatchObject({
      ok: false,
      error: "invalid_blocks",
      errors: ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"],
      response_metadata: { messages: ["[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"] },
    });
    // Characters are code points: 3,000 emoji are 6,000 UTF-16 units and still fit.
    await client.chat.postMessage({ channel: id, text: "t", blocks: [{ type: "section", text: { type: "mrkdwn", text: "🔥".repeat(3000) } }] });
    const input = { type: "input", label: { type: "plain_text", text: "Why" }, element: { type: "plain_text_input", action_id: "v" } };
    expect(await slackError(expect, client.chat.postMessage({ channel: id, text: "t", blocks: [input] }))).toBe("invalid_blocks");
    const divider = { type: "divider" };
    expect(await slackError(expect, client.chat.postMessage({ channel: id, text: "t", blocks: Array.from({ length: 51 }, () => divider) }))).toBe("invalid_blocks");
    const ts = (await client.chat.postMessage({ channel: id, text: "t", blocks: [divider] })).ts!;
    const twice = { type: "actions", block_id: "a", elements: [{ type: "button", text: { type: "plain_text", text: "Go" }, action_id: "go" }] };
    expect(await slackError(expect, client.chat.update({ channel: id, ts, text: "t", blocks: [twice, twice] }))).toBe("invalid_blocks");
    expect(await slackError(expect, client.chat.postMessage({ channel: id, text: "x".repeat(40_001) }))).toBe("msg_too_long");
    expect(emulator.messages(id).map((m) => m.blocks?.length)).toEqual([1, 1]);
  });

  test("checks modals as Slack does, answering invalid_arguments", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    const title = { type: "plain_text" as const, text: "A title far longer than 24" };
    const refused = await client.views.open({ trigger_id: emulator.issueTrigger(), view: { type: "modal", title, blocks: [] } }).catch((e: webApi.WebAPIPlatformError) => e.data);
    expect(refused).toMatchObject({ ok: false, error: "invalid_arguments", response_metadata: { messages: ["[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"] } });
    const input = { type: "input" as const, label: { type: "plain_text" as const, text: "Why" }, element: { type: "plain_text_input" as const, action_id: "v" } };
    const noSubmit = { type: "modal" as const, title: { type: "plain_text" as const, text: "Deny" }, blocks: [input], private_metadata: "m".repeat(3001) };
    const messages = await client.views.open({ trigger_id: emulator.issueTrigger(), view: noSubmit }).catch((e: webApi.WebAPIPlatformError) => e.data.response_metadata?.messages);
    expect(messages).toEqual(["[ERROR] missing required field [json-pointer:/view/submit]", "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"]);
    expect(emulator.views()).toEqual([]);
  });

  test("refuses posting where the bot is not a member, and calls with missing or unknown arguments", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    const outside = emulator.addChannel({ name: "outside", botIsMember: false });
    expect(await slackError(expect, client.chat.postMessage({ channel: outside, text: "hi" }))).toBe("not_in_channel");
    const missing = await client.apiCall("chat.postMessage", { text: "hi" }).catch((e: webApi.WebAPIPlatformError) => e.data);
    expect(missing).toMatchObject({ error: "invalid_arguments", response_metadata: { messages: ["[ERROR] missing required field: channel [json-pointer:/channel]"] } });
    const unknown = await client.apiCall("conversations.create", { name: "inc-1", topic: "x" }).catch((e: webApi.WebAPIPlatformError) => e.data);
    expect(unknown).toMatchObject({ error: "invalid_arguments", response_metadata: { messages: ["[ERROR] unknown field: topic [json-pointer:/topic]"] } });
    expect(emulator.channelByName("inc-1")).toBeUndefined();
    expect(emulator.messages(outside)).toEqual([]);
  });

  test("holds each method to its tier", async ({ boot, expect }) => {
    let clock = 1_700_000_000_000;
    const { emulator, client } = await boot({ enforceRateLimits: true, now: () => clock }, { rejectRateLimitedCalls: true });
    const id = emulator.addChannel({ name: "pins" });
    const posts = [];
    for (let i = 0; i < 21; i++) {
      posts.push((await client.chat.postMessage({ channel: id, text: `m${i}` })).ts!);
      clock += 1_000;
    }
    // pins.add is Tier 2: 20 a minute.
    for (const ts of posts.slice(0, 20)) await client.pins.add({ channel: id, timestamp: ts });
    await expect(client.pins.add({ channel: id, timestamp: posts[20]! })).rejects.toMatchObject({ code: webApi.ErrorCode.RateLimitedError });
    expect(emulator.pins(id)).toHaveLength(20);
    expect(emulator.rateLimitViolations()).toMatchObject([{ method: "pins.add" }]);
  });

  test("answers a JSON body the same as a form", async ({ boot, expect }) => {
    const { emulator, url } = await boot();
    const id = emulator.addChannel({ name: "json" });
    const response = await fetch(`${url}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${emulator.botToken}`, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ channel: id, blocks: [{ type: "divider" }] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, channel: id, message: { blocks: [{ type: "divider" }] } });
    expect(emulator.messages(id)).toHaveLength(1);
  });

  test("a 429 with Retry-After is waited out by WebClient and the retry succeeds", async ({ boot, expect }) => {
    const { emulator, client } = await boot({}, { retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 } });
    const id = emulator.addChannel({ name: "inc-rl" });
    emulator.failNext("chat.postMessage", { retryAfter: 1 });
    const waited: number[] = [];
    client.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number) => waited.push(seconds));

    const result = await client.chat.postMessage({ channel: id, text: "after the wait" });
    expect(result.ok).toBe(true);
    const [limited, retried] = emulator.calls("chat.postMessage");
    expect(emulator.calls("chat.postMessage")).toHaveLength(2);
    expect(limited?.response).toEqual({ status: 429, headers: { "retry-after": "1" }, body: { ok: false, error: "ratelimited" } });
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
    expect(waited).toEqual([1]);
    expect(emulator.messages(id).map((m) => m.text)).toEqual(["after the wait"]);
  });

  test("an injected 500 surfaces as an HTTP error and changes nothing", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    emulator.failNext("conversations.create", { status: 500 });
    await expect(client.conversations.create({ name: "inc-500" })).rejects.toMatchObject({ code: webApi.ErrorCode.HTTPError, statusCode: 500 });
    expect(emulator.channelByName("inc-500")).toBeUndefined();
    await client.conversations.create({ name: "inc-500" });
    expect(emulator.channelByName("inc-500")).toBeDefined();
  });

  test("a failure after applying shows why a blind retry clashes", async ({ boot, expect }) => {
    const { emulator, client } = await boot({}, { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    emulator.failNext("conversations.create", { status: 503, afterApplying: true });
    expect(await slackError(expect, client.conversations.create({ name: "inc-lost-reply" }))).toBe("name_taken");
    expect(emulator.calls("conversations.create").map((c) => c.response.status)).toEqual([503, 200]);
    expect(emulator.channelByName("inc-lost-reply")).toBeDefined();
  });

  test("failAll fails every call until cleared", async ({ boot, expect }) => {
    const { emulator, client } = await boot();
    emulator.failAll("*", { error: "fatal_error" });
    expect(await slackError(expect, client.auth.test())).toBe("fatal_error");
    expect(await slackError(expect, client.users.list({}))).toBe("fatal_error");
    emulator.clearFailures();
    expect((await client.auth.test()).ok).toBe(true);
  });

  test("enforces Tier 2 on conversations.create over a rolling minute", async ({ boot, expect }) => {
    let clock = 1_700_000_000_000;
    const { emulator, client } = await boot({ enforceRateLimits: true, now: () => clock }, { rejectRateLimitedCalls: true });
    for (let i = 0; i < 20; i++) await client.conversations.create({ name: `inc-${i}` });
    await expect(client.conversations.create({ name: "inc-20" })).rejects.toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 60 });
    expect(emulator.channelByName("inc-20")).toBeUndefined();
    expect(emulator.rateLimitViolations()).toEqual([{ method: "conversations.create", at: clock, retryAfter: 60 }]);

    clock += 60_001;
    await client.conversations.create({ name: "inc-20" });
    expect(emulator.channelByName("inc-20")).toBeDefined();
  });

  test("enforces about one message per second per channel after a short burst", async ({ boot, expect }) => {
    let clock = 1_700_000_000_000;
    const { emulator, client } = await boot({ enforceRateLimits: true, now: () => clock }, { rejectRateLimitedCalls: true });
    const busy = emulator.addChannel({ name: "busy" });
    const quiet = emulator.addChannel({ name: "quiet" });
    for (let i = 0; i < 3; i++) await client.chat.postMessage({ channel: busy, text: `burst ${i}` });
    await expect(client.chat.postMessage({ channel: busy, text: "one too many" })).rejects.toMatchObject({ retryAfter: 1 });
    await client.chat.postMessage({ channel: quiet, text: "other channels are unaffected" });
    clock += 1_000;
    await client.chat.postMessage({ channel: busy, text: "a second later" });

    expect(emulator.messages(busy).map((m) => m.text)).toEqual(["burst 0", "burst 1", "burst 2", "a second later"]);
    expect(emulator.rateLimitViolations()).toEqual([{ method: "chat.postMessage", channel: busy, at: clock - 1_000, retryAfter: 1 }]);
  });

  test("without enforcement, calls over the limit go through but are recorded as violations", async ({ boot, expect }) => {
    const { emulator, client } = await boot({ now: () => 1_700_000_000_000 });
    const id = emulator.addChannel({ name: "observed" });
    for (let i = 0; i < 4; i++) await client.chat.postMessage({ channel: id, text: `m${i}` });
    expect(emulator.messages(id)).toHaveLength(4);
    expect(emulator.rateLimitViolations()).toMatchObject([{ method: "chat.postMessage", channel: id }]);
  });

  test("adds the configured latency and announces new messages live", async ({ boot, expect }) => {
    const { emulator, client } = await boot({ latencyMs: 40 });
    const id = emulator.addChannel({ name: "live" });
    const seen: string[] = [];
    const off = emulator.on("message", (e) => seen.push(`${e.channel} ${e.message.text}`));
    const started = performance.now();
    await client.chat.postMessage({ channel: id, text: "first" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    off();
    await client.chat.postMessage({ channel: id, text: "second" });
    expect(seen).toEqual([`${id} first`]);

    emulator.reset();
    expect(emulator.calls()).toEqual([]);
    expect(emulator.channel(id)).toBeUndefined();
  });
});
