// A reconnect that Slack refuses must not end the process. @slack/socket-mode reconnects by calling
// its own start() from a timer and never catches the result (SocketModeClient.delayReconnectAttempt),
// so apps.connections.open answering an error the SDK counts as unrecoverable (invalid_auth, for a
// moment, while a token is rotated) was an unhandled rejection — fatal in Node, and reported as an
// error by this test runner. Firebreak's client logs it and tries again until Slack lets it back in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, startHarness, type Harness } from "../helpers/harness.js";

const slack = createSlackEmulator();
let h: Harness;

beforeAll(async () => {
  await slack.start();
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, slack, env: { SLACK_APP_TOKEN: slack.appToken }, socketMode: { clientPingTimeoutMs: 500 } });
  await slack.socketMode.whenConnected();
});
afterAll(async () => {
  await h.stop();
  await slack.stop();
});

describe("Socket Mode reconnects", { timeout: 60_000 }, () => {
  it("through refused apps.connections.open calls, logging each, without an unhandled rejection", async () => {
    const opened = slack.calls("apps.connections.open").length;
    slack.failNext("apps.connections.open", { error: "invalid_auth", times: 2 });
    const back = slack.socketMode.nextConnection();
    slack.socketMode.drop();
    await back;
    // Two refused, then the one that got back in.
    expect(slack.calls("apps.connections.open").length - opened).toBe(3);
    await eventually(async () => h.logs.filter((l) => /Socket Mode reconnect/.test(l)).length, (n) => n === 2);
    expect(h.logs.find((l) => /Socket Mode reconnect/.test(l))).toMatch(/invalid_auth/);
  });

  it("when a refusal the SDK retries itself (internal_error) is followed by one it does not (invalid_auth)", async () => {
    // The SDK retries a recoverable refusal from a timer whose result it drops as well
    // (SocketModeClient.retrieveWSSURL → delayReconnectAttempt): a failure there was unhandled,
    // and the reconnect it belonged to waited for good.
    const opened = slack.calls("apps.connections.open").length;
    const retries = h.logs.filter((l) => /Socket Mode reconnect/.test(l)).length;
    slack.failNext("apps.connections.open", { error: "internal_error" });
    slack.failNext("apps.connections.open", { error: "invalid_auth" });
    const back = slack.socketMode.nextConnection();
    slack.socketMode.drop();
    await back;
    expect(slack.calls("apps.connections.open").length - opened).toBe(3);
    await eventually(async () => h.logs.filter((l) => /Socket Mode reconnect/.test(l)).slice(retries), (logged) => logged.length === 1);
    expect(h.logs.filter((l) => /Socket Mode reconnect/.test(l)).slice(retries)[0]).toMatch(/invalid_auth/);
  });
});
