// The Slack emulator's bookmarks.add and bookmarks.list, through the real WebClient, answer as
// Slack's method pages say: required arguments, link-only bookmarks, membership.
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";

const slack = createSlackEmulator();
let client: WebClient;
let channel: string;
let notJoined: string;

beforeAll(async () => {
  const { url } = await slack.start();
  client = new WebClient(slack.botToken, { slackApiUrl: url, retryConfig: { retries: 0 } });
  channel = slack.addChannel({ name: "inc-1-checkout" });
  notJoined = slack.addChannel({ name: "general", botIsMember: false });
});
afterAll(() => slack.stop());

const errorOf = (call: Promise<unknown>) => call.then(() => "ok", (e: { data?: { error?: string } }) => e.data?.error);

describe("the Slack emulator's bookmarks", () => {
  it("adds a link bookmark and lists it back with the documented fields", async () => {
    const added = await client.bookmarks.add({ channel_id: channel, title: "PagerDuty incident", type: "link", link: "https://acme.pagerduty.com/incidents/P1", emoji: ":pager:" });
    expect(added.bookmark).toMatchObject({ channel_id: channel, title: "PagerDuty incident", link: "https://acme.pagerduty.com/incidents/P1", emoji: ":pager:", type: "link", date_updated: 0 });
    expect(added.bookmark?.id).toMatch(/^Bk/);
    const listed = await client.bookmarks.list({ channel_id: channel });
    expect(listed.bookmarks).toEqual([added.bookmark]);
  });

  it("refuses what Slack refuses", async () => {
    expect(await errorOf(client.apiCall("bookmarks.add", { channel_id: channel, type: "link", link: "https://x.example" }))).toBe("invalid_arguments");
    expect(await errorOf(client.apiCall("bookmarks.add", { channel_id: channel, title: "t", type: "message", link: "https://x.example" }))).toBe("invalid_bookmark_type");
    expect(await errorOf(client.apiCall("bookmarks.add", { channel_id: channel, title: "t", type: "link", link: "meet.example.com/x" }))).toBe("invalid_link");
    expect(await errorOf(client.apiCall("bookmarks.add", { channel_id: channel, title: "t", type: "link", link: "https://x.example", emoji: "pager" }))).toBe("invalid_emoji");
    expect(await errorOf(client.apiCall("bookmarks.add", { channel_id: notJoined, title: "t", type: "link", link: "https://x.example" }))).toBe("not_in_channel");
    expect(await errorOf(client.apiCall("bookmarks.list", { channel_id: notJoined }))).toBe("not_in_channel");
    expect(await errorOf(client.apiCall("bookmarks.list", { channel_id: "C0NOTTHERE" }))).toBe("channel_not_found");
    expect(await errorOf(client.apiCall("bookmarks.list", {}))).toBe("invalid_arguments");
    expect(slack.bookmarks(channel)).toHaveLength(1);
  });
});
