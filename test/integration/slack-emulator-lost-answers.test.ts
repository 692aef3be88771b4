// The Slack emulator's lost answers and message metadata, driven by the real WebClient: a call
// is performed and then answered 500, held past the client's timeout, or dropped, on the call
// count asked for; metadata is stored and read back only with include_all_metadata.
import { webApi } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";

let emulator: SlackEmulator;
let client: InstanceType<typeof webApi.WebClient>;
let channel: string;

beforeEach(async () => {
  emulator = createSlackEmulator();
  const { url } = await emulator.start();
  client = new webApi.WebClient(emulator.botToken, { slackApiUrl: url, retryConfig: { retries: 0 }, timeout: 500, logLevel: webApi.LogLevel.ERROR });
  channel = emulator.addChannel({ name: "lost-answers" });
});
afterEach(() => emulator.stop());

const failure = (call: Promise<unknown>) => call.then(() => expect.unreachable("the call should have failed"), (error: unknown) => error as { code: string; statusCode?: number });

describe("a call performed and then lost", () => {
  it("answers 500 after posting, on the second call when asked to skip one", async () => {
    emulator.failNext("chat.postMessage", { afterApplying: true, status: 500, skip: 1 });
    await client.chat.postMessage({ channel, text: "first" });
    expect(await failure(client.chat.postMessage({ channel, text: "second" }))).toMatchObject({ code: webApi.ErrorCode.HTTPError, statusCode: 500 });
    await client.chat.postMessage({ channel, text: "third" });
    expect(emulator.messages(channel).map((m) => m.text)).toEqual(["first", "second", "third"]);
  });

  it("holds the answer until the client times out, after creating the channel", async () => {
    emulator.failNext("conversations.create", { afterApplying: true, lost: "timeout" });
    expect(await failure(client.conversations.create({ name: "inc-held" }))).toMatchObject({ code: webApi.ErrorCode.RequestError });
    expect(emulator.channelByName("inc-held")).toBeDefined();
  });

  it("drops the connection after pinning", async () => {
    const { ts } = await client.chat.postMessage({ channel, text: "pin me" });
    emulator.failNext("pins.add", { afterApplying: true, lost: "drop" });
    expect(await failure(client.pins.add({ channel, timestamp: ts! }))).toMatchObject({ code: webApi.ErrorCode.RequestError });
    expect(emulator.pins(channel).map((p) => p.ts)).toEqual([ts]);
  });
});

describe("message metadata", () => {
  it("is stored and returned by conversations.history only with include_all_metadata", async () => {
    const metadata = { event_type: "firebreak_incident_message", event_payload: { incident: 7, part: "header" } };
    await client.chat.postMessage({ channel, text: "tagged", metadata });
    const plain = await client.conversations.history({ channel });
    expect(plain.messages![0]).not.toHaveProperty("metadata");
    const withMetadata = await client.conversations.history({ channel, include_all_metadata: true });
    expect(withMetadata.messages![0]!.metadata).toEqual(metadata);
  });
});
