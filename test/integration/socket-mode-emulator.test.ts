// The Slack emulator's Socket Mode, spoken to by Slack's own client (@slack/socket-mode) over a real
// WebSocket: apps.connections.open takes only the app-level token; `hello` on connect; envelopes
// acknowledged by envelope_id; an unacknowledged events_api envelope sent again with retry_attempt
// one higher; `disconnect` makes the client reconnect with a fresh URL. Then Firebreak's receiver:
// an event is acknowledged only once recorded, so a database failure before the ack means Slack
// sends it again, and it is recorded once.
import { readFileSync } from "node:fs";
import { SocketModeClient } from "@slack/socket-mode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlStore } from "../../src/adapters/store/store.js";
import { recordSlackEvent } from "../../src/incidents/lifecycle/pin-events.js";
import { createLogger } from "../../src/kernel/log.js";
import { createSlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { SocketModeEventsReceiver } from "../../src/slack/socket-mode-receiver.js";
import { openTestStore } from "../helpers/databases.js";

const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/slack/socket-mode/${name}`, "utf8"));
const hello = fixture("hello.python-slack-sdk.raw.json");
const mention = fixture("envelope.events_api.app_mention.python-slack-sdk.raw.json");
const command = fixture("envelope.slash_commands.python-slack-sdk.raw.json");

const slack = createSlackEmulator({ socketModeAckTimeoutMs: 300 });
let url: string;
const silent = createLogger({ level: "silent" });
const quiet = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => "error" as never, setName() {} };

beforeAll(async () => {
  url = (await slack.start()).url;
});
afterAll(() => slack.stop());

async function call(method: string, token: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${method}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" } });
  return (await response.json()) as Record<string, unknown>;
}

describe("apps.connections.open", () => {
  it("answers the app-level token with a WebSocket URL, and refuses the others as Slack does", async () => {
    const opened = await call("apps.connections.open", slack.appToken);
    expect(Object.keys(opened).sort()).toEqual(Object.keys(fixture("apps.connections.open.200.docs.json")).sort());
    expect(opened).toMatchObject({ ok: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/) });
    expect(await call("apps.connections.open", slack.botToken)).toEqual({ ok: false, error: "not_allowed_token_type" });
    expect(await call("apps.connections.open", "xapp-1-someone-else")).toEqual({ ok: false, error: "invalid_auth" });
    expect(await call("chat.postMessage", slack.appToken)).toEqual({ ok: false, error: "not_allowed_token_type" });
  });
});

describe("the Socket Mode server", { timeout: 30_000 }, () => {
  it("says hello, delivers envelopes, takes acks by envelope_id, retries events, and sends clients away with disconnect", async () => {
    const client = new SocketModeClient({ appToken: slack.appToken, logger: quiet, clientPingTimeout: 1_000, clientOptions: { slackApiUrl: url } });
    const received: Record<string, unknown>[] = [];
    client.on("ws_message", (data: Buffer | string) => received.push(JSON.parse(data.toString())));
    const seen: { type: string; retry: number | undefined; ack: (r?: unknown) => Promise<void> }[] = [];
    client.on("slack_event", (e: { type: string; retry_num?: number; ack: (r?: unknown) => Promise<void> }) => void seen.push({ type: e.type, retry: e.retry_num, ack: e.ack }));
    await client.start();
    try {
      expect(received[0]).toMatchObject({ type: "hello", num_connections: 1, connection_info: { app_id: expect.stringMatching(/^A/) } });
      expect(Object.keys(received[0]!).sort()).toEqual(Object.keys(hello).sort());
      expect(Object.keys((received[0] as { debug_info: object }).debug_info).sort()).toEqual(Object.keys(hello.debug_info).sort());

      // A command is answered in its ack; the payload is what Slack shows the person.
      const commandId = slack.socketMode.send("slash_commands", command.payload);
      await waitFor(() => seen.find((e) => e.type === "slash_commands"));
      expect(received.at(-1)).toMatchObject({ envelope_id: commandId, type: "slash_commands", accepts_response_payload: true, payload: command.payload });
      await seen.find((e) => e.type === "slash_commands")!.ack({ text: "Thanks!" });
      expect(await slack.socketMode.acked(commandId)).toEqual({ envelope_id: commandId, payload: { text: "Thanks!" }, attempt: 0 });

      // An event left unacknowledged comes again, retry_attempt one higher, until acknowledged.
      const eventId = slack.socketMode.send("events_api", mention.payload);
      await waitFor(() => seen.filter((e) => e.type === "events_api").length >= 2 || undefined);
      const deliveries = slack.socketMode.deliveries().filter((d) => d.envelope_id === eventId);
      expect(deliveries.map((d) => [d.retry_attempt, d.retry_reason])).toEqual([[0, ""], [1, "timeout"]].slice(0, deliveries.length));
      expect(deliveries[0]).toMatchObject({ type: "events_api", accepts_response_payload: false, payload: mention.payload });
      await seen.filter((e) => e.type === "events_api").at(-1)!.ack();
      expect((await slack.socketMode.acked(eventId)).attempt).toBeGreaterThanOrEqual(1);

      // disconnect: the client closes and comes back through apps.connections.open.
      const opens = slack.calls("apps.connections.open").length;
      const next = slack.socketMode.nextConnection();
      slack.socketMode.disconnect("refresh_requested");
      await next;
      // The client is connected again once it has read the new hello.
      await waitFor(() => received.filter((m) => m.type === "hello").length === 2 || undefined);
      expect(received.filter((m) => m.type === "disconnect")).toEqual([{ ...fixture("disconnect.refresh_requested.docs.json"), debug_info: { host: "applink-emulator" } }]);
      expect(slack.calls("apps.connections.open").length).toBe(opens + 1);
    } finally {
      await client.disconnect();
    }
  });
});

describe("Firebreak's Socket Mode receiver", { timeout: 30_000 }, () => {
  let store: SqlStore;
  beforeAll(async () => {
    store = await openTestStore("pg");
  });
  afterAll(() => store.close());

  it("acknowledges an event only once it is recorded: a failed recording means a retry, and one record", async () => {
    let failures = 1;
    const receiver = new SocketModeEventsReceiver({
      appToken: slack.appToken,
      apiUrl: url,
      log: silent,
      slackLogger: quiet,
      clientPingTimeoutMs: 1_000,
      recordEvent: async (eventId, event) => {
        // The database is down for the first delivery.
        if (failures-- > 0) throw new Error("connection terminated unexpectedly");
        return recordSlackEvent({ store, now: () => new Date(), nudge: () => undefined }, eventId, event);
      },
    });
    await receiver.start();
    try {
      const payload = { ...mention.payload, event_id: "Ev0SOCKET01" };
      const envelopeId = slack.socketMode.send("events_api", payload);
      const ack = await slack.socketMode.acked(envelopeId);
      expect(ack.attempt).toBe(1);
      expect(slack.socketMode.deliveries().filter((d) => d.envelope_id === envelopeId).map((d) => d.retry_attempt)).toEqual([0, 1]);
      expect(await store.deliveries.count("slack-event")).toBe(1);

      // Slack sending the same event again (another envelope) is acknowledged and not recorded twice.
      const again = slack.socketMode.send("events_api", payload);
      expect((await slack.socketMode.acked(again)).attempt).toBe(0);
      expect(await store.deliveries.count("slack-event")).toBe(1);
    } finally {
      await receiver.stop();
    }
  });
});

async function waitFor<T>(fn: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met");
    await new Promise((r) => setTimeout(r, 20));
  }
}
