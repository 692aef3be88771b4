// The Slack emulator's views.publish, through the real WebClient, refuses what Slack refuses
// (https://docs.slack.dev/reference/methods/views.publish): a missing or unknown user_id, a view
// that is not a home view, more than 100 blocks, a stale hash.
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";

const slack = createSlackEmulator();
let client: WebClient;
let ana: string;

beforeAll(async () => {
  const { url } = await slack.start();
  client = new WebClient(slack.botToken, { slackApiUrl: url, retryConfig: { retries: 0 } });
  ana = slack.addUser({ name: "ana" });
});
afterAll(() => slack.stop());

const failure = (call: Promise<unknown>) => call.then(() => ({ error: "ok" }), (e: { data?: { error?: string; response_metadata?: { messages?: string[] } } }) => ({ error: e.data?.error, messages: e.data?.response_metadata?.messages }));
const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

describe("the Slack emulator's views.publish", () => {
  it("publishes a home view for a user and replaces it on the next publish", async () => {
    const first = await client.views.publish({ user_id: ana, view: { type: "home", blocks: [section("one")] } });
    expect(first.view).toMatchObject({ type: "home", blocks: [section("one")], previous_view_id: null });
    const second = await client.views.publish({ user_id: ana, hash: first.view!.hash!, view: { type: "home", blocks: [section("two")] } });
    expect(second.view?.id).toBe(first.view?.id);
    expect(slack.homeView(ana)?.blocks).toEqual([section("two")]);
  });

  it("answers Slack's errors", async () => {
    expect(await failure(client.views.publish({ user_id: "UNOBODY", view: { type: "home", blocks: [] } }))).toEqual({ error: "invalid_arguments", messages: ["invalid `user_id`"] });
    expect(await failure(client.apiCall("views.publish", { view: JSON.stringify({ type: "home", blocks: [] }) }))).toMatchObject({ error: "invalid_arguments", messages: ["invalid `user_id`"] });
    expect(await failure(client.views.publish({ user_id: ana, view: { type: "modal", title: { type: "plain_text", text: "x" }, blocks: [] } as never }))).toMatchObject({ error: "invalid_arguments" });
    const tooMany = Array.from({ length: 101 }, (_, i) => section(`block ${i}`));
    expect(await failure(client.views.publish({ user_id: ana, view: { type: "home", blocks: tooMany as never } }))).toMatchObject({ error: "invalid_arguments" });
    expect(await failure(client.views.publish({ user_id: ana, hash: "1.stale", view: { type: "home", blocks: [] } }))).toMatchObject({ error: "hash_conflict" });
  });
});
