// The Slack emulator's private channels, through the real WebClient: created with is_private by a
// bot holding groups:write, visible only to their members (a private channel the bot is not in is
// channel_not_found to every method), and listed only with groups:read.
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";

const slack = createSlackEmulator();
const narrow = createSlackEmulator({ botToken: "xoxb-public-only", botScopes: ["channels:manage", "channels:read", "channels:history", "chat:write"] });
let client: WebClient;
let publicOnly: WebClient;
let ana: string;

beforeAll(async () => {
  client = new WebClient(slack.botToken, { slackApiUrl: (await slack.start()).url, retryConfig: { retries: 0 } });
  publicOnly = new WebClient("xoxb-public-only", { slackApiUrl: (await narrow.start()).url, retryConfig: { retries: 0 } });
  ana = slack.addUser({ name: "ana", email: "ana@example.com" });
});
afterAll(async () => {
  await slack.stop();
  await narrow.stop();
});

const errorOf = (call: Promise<unknown>) => call.then(() => "ok", (e: { data?: { error?: string; needed?: string } }) => `${e.data?.error}${e.data?.needed ? `:${e.data.needed}` : ""}`);

describe("the Slack emulator's private channels", () => {
  it("creates one with is_private; its members, the bot among them, see it", async () => {
    const created = await client.conversations.create({ name: "inc-7-leak", is_private: true });
    expect(created.channel).toMatchObject({ name: "inc-7-leak", is_private: true, is_channel: true });
    const id = created.channel!.id!;
    expect(slack.channel(id)).toMatchObject({ is_private: true, members: [slack.botUserId] });
    await client.conversations.invite({ channel: id, users: ana });
    expect((await client.conversations.members({ channel: id })).members).toEqual([slack.botUserId, ana]);
    expect((await client.conversations.info({ channel: id })).channel).toMatchObject({ is_private: true });
    expect((await client.conversations.list({ types: "private_channel" })).channels?.map((c) => c.name)).toEqual(["inc-7-leak"]);
    expect((await client.conversations.list({ types: "public_channel" })).channels?.map((c) => c.name)).not.toContain("inc-7-leak");
    // Private and public channels share one namespace.
    expect(await errorOf(client.conversations.create({ name: "inc-7-leak" }))).toBe("name_taken");
  });

  it("a private channel the bot is not in does not exist for it", async () => {
    const hidden = slack.addChannel({ name: "hr-case", isPrivate: true, botIsMember: false, members: [ana] });
    expect(await errorOf(client.conversations.info({ channel: hidden }))).toBe("channel_not_found");
    expect(await errorOf(client.conversations.members({ channel: hidden }))).toBe("channel_not_found");
    expect(await errorOf(client.conversations.history({ channel: hidden }))).toBe("channel_not_found");
    expect(await errorOf(client.chat.postMessage({ channel: hidden, text: "hello" }))).toBe("channel_not_found");
    expect((await client.conversations.list({ types: "private_channel" })).channels?.map((c) => c.name)).not.toContain("hr-case");
    expect(slack.messages(hidden)).toEqual([]);
  });

  it("refuses private channels to a bot without the groups:* scopes, naming the scope", async () => {
    expect(await errorOf(publicOnly.conversations.create({ name: "inc-8-leak", is_private: true }))).toBe("missing_scope:groups:write");
    expect(await errorOf(publicOnly.conversations.list({ types: "private_channel" }))).toBe("missing_scope:groups:read");
    const secret = narrow.addChannel({ name: "sec", isPrivate: true });
    expect(await errorOf(publicOnly.conversations.members({ channel: secret }))).toBe("missing_scope:groups:read");
    expect(await errorOf(publicOnly.conversations.history({ channel: secret }))).toBe("missing_scope:groups:history");
    expect((await publicOnly.conversations.create({ name: "inc-8-public" })).channel).toMatchObject({ is_private: false });
  });
});
