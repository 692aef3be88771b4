// Firebreak in Socket Mode (SLACK_APP_TOKEN), against the Slack emulator's Socket Mode server over a
// real WebSocket: a slash command declares an incident, the modal's submission (an interaction)
// creates it, commands are answered in their acks, and an event pins a message. The socket is
// dropped mid-scenario (the event sent meanwhile arrives after the reconnect) and Slack asks for a
// refresh; at the end the database and what Slack received show every step exactly once.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, startHarness, type Harness } from "../helpers/harness.js";
import { reactionEvent, viewSubmitted } from "../helpers/slack-payloads.js";

const commandEnvelope = JSON.parse(readFileSync("test/fixtures/slack/socket-mode/envelope.slash_commands.python-slack-sdk.raw.json", "utf8"));

const slack = createSlackEmulator();
let h: Harness;
let cora: string;
let general: string;

beforeAll(async () => {
  await slack.start();
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, slack, env: { SLACK_APP_TOKEN: slack.appToken }, socketMode: { clientPingTimeoutMs: 2_000 } });
  cora = slack.addUser({ name: "cora", email: "cora@example.com", realName: "Cora Commander" });
  general = slack.addChannel({ name: "general", members: [cora] });
  await slack.socketMode.whenConnected();
});
afterAll(async () => {
  await h.stop();
  await slack.stop();
});

/** `/incident <text>` as Slack sends it over the socket; resolves with the app's ack. */
async function command(text: string, channelId: string) {
  const payload = { ...commandEnvelope.payload, command: "/incident", text, user_id: cora, channel_id: channelId, team_id: slack.teamId, trigger_id: slack.issueTrigger() };
  const id = slack.socketMode.send("slash_commands", payload);
  return { id, ack: await slack.socketMode.acked(id) };
}

describe("Socket Mode", { timeout: 90_000 }, () => {
  it("handles commands, interactions and events as over HTTP, through a dropped socket and a refresh, each exactly once", async () => {
    const http = await fetch(`${h.base}/slack/events`, { method: "POST", body: "{}" });
    expect(http.status).toBeGreaterThanOrEqual(400);

    // A slash command opens the declare modal; its ack is bare.
    const declared = await command("declare Socket checkout down", general);
    expect(declared.ack.payload ?? {}).toEqual({});
    const view = await eventually(() => slack.views().at(-1), (v) => v?.callback_id === "declare_incident");

    // The submission is an interaction.
    const values = {
      title: { value: { type: "plain_text_input", value: "Socket checkout down" } },
      severity: { value: { type: "static_select", selected_option: { value: "SEV2" } } },
    };
    const submitted = slack.socketMode.send("interactive", viewSubmitted(view!, cora, values));
    await slack.socketMode.acked(submitted);
    const incident = (await eventually(async () => (await h.store.incidents.list()).find((i) => i.title === "Socket checkout down"), (i) => Boolean(i?.headerTs), 20_000))!;
    const channel = incident.channelId!;

    const noted = await command("note Rolled back the checkout config", channel);
    expect(noted.ack.payload).toMatchObject({ response_type: "ephemeral", text: `Noted on INC-${incident.id}'s timeline.` });

    // The network drops; an event sent meanwhile waits for the client to reconnect.
    const message = slack.postAsUser(channel, cora, "Error rate back under 1%");
    const back = slack.socketMode.nextConnection();
    slack.socketMode.drop();
    const pinned = slack.socketMode.send("events_api", reactionEvent("Ev0SOCKPIN1", { user: cora, channel, ts: message.ts }));
    await back;
    expect((await slack.socketMode.acked(pinned)).envelope_id).toBe(pinned);

    // Slack recycles the host: the client reconnects with a fresh URL and carries on.
    const refreshed = slack.socketMode.nextConnection();
    slack.socketMode.disconnect("refresh_requested");
    await refreshed;
    const status = await command("status identified", channel);
    expect(status.ack.payload).toMatchObject({ response_type: "ephemeral" });
    await h.drain();

    // The database: one incident, one note, one pin, one status change, one recorded event.
    expect((await h.store.incidents.list()).filter((i) => i.title === "Socket checkout down")).toHaveLength(1);
    expect((await h.store.incidents.get(incident.id))!.status).toBe("identified");
    const timeline = await h.store.timeline.list(incident.id);
    expect(timeline.filter((e) => e.text.includes("Rolled back the checkout config"))).toHaveLength(1);
    expect(timeline.filter((e) => e.kind === "pin").map((e) => e.text)).toEqual(["Error rate back under 1%"]);
    expect(timeline.filter((e) => e.kind === "status")).toHaveLength(1);
    expect(await h.store.deliveries.count("slack-event")).toBe(1);

    // What Slack received: one modal, one channel, one header, each envelope acknowledged once.
    expect(slack.calls("views.open")).toHaveLength(1);
    expect(slack.calls("conversations.create").filter((c) => c.args.name === incident.channelName)).toHaveLength(1);
    expect(slack.pins(channel).filter((p) => p.ts === incident.headerTs)).toHaveLength(1);
    const acked = slack.socketMode.acks().map((a) => a.envelope_id);
    expect(acked.sort()).toEqual([declared.id, submitted, noted.id, pinned, status.id].sort());
    expect(slack.calls("apps.connections.open").length).toBeGreaterThanOrEqual(3);
  });
});
