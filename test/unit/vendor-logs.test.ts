// The loggers handed to vendor SDKs write Firebreak's JSON lines: scrubbed, labelled, at the
// vendor's level, and never chattier than LOG_LEVEL.
import { Writable } from "node:stream";
import { logger as datadogLogger } from "@datadog/datadog-api-client/dist/logger.js";
import { LogLevel } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { routeDatadogLogs } from "../../src/adapters/datadog-log.js";
import { slackLogger, slackLogLevel, vendorLog } from "../../src/adapters/vendor-logs.js";
import { createLogger } from "../../src/kernel/log.js";

function capture(level: string, secrets: string[] = []) {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(chunk.toString()), done()) });
  const log = createLogger({ level, secrets, destination });
  return { log, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("the Slack SDK logger", () => {
  it("writes scrubbed JSON records at the SDK's level, with errors kept as err", () => {
    const { log, records } = capture("debug", ["xoxb-secret-token-9"]);
    const slack = slackLogger(log, "web-api");
    const circular: Record<string, unknown> = { method: "chat.postMessage" };
    circular.self = circular;
    slack.info("API Call failed due to rate limiting. Will retry in 1 seconds.");
    slack.warn("http request failed", new Error("connect ECONNREFUSED with xoxb-secret-token-9"));
    slack.debug("args", circular, { ok: true });
    expect(records()).toMatchObject([
      { level: "info", vendor: "web-api", msg: "API Call failed due to rate limiting. Will retry in 1 seconds." },
      { level: "warn", vendor: "web-api", msg: "http request failed connect ECONNREFUSED with [redacted]", err: { message: "connect ECONNREFUSED with [redacted]" } },
      { level: "debug", vendor: "web-api", msg: expect.stringContaining('{"ok":true}') },
    ]);
  });

  it("reports LOG_LEVEL, may be quieted, and is never made chattier than LOG_LEVEL", () => {
    const { log, records } = capture("info");
    const slack = slackLogger(log);
    expect(slackLogLevel(log)).toBe(LogLevel.INFO);
    expect(slack.getLevel()).toBe(LogLevel.INFO);
    slack.setLevel(LogLevel.DEBUG);
    slack.debug("still hidden");
    expect(slack.getLevel()).toBe(LogLevel.INFO);
    slack.setLevel(LogLevel.ERROR);
    slack.warn("now hidden");
    slack.setName("socket-mode");
    slack.error("shown");
    expect(records()).toMatchObject([{ level: "error", vendor: "socket-mode", msg: "shown" }]);
    expect(records()).toHaveLength(1);
  });
});

describe("Datadog's client logger", () => {
  it("is rerouted to Firebreak's logger, at LOG_LEVEL", () => {
    const { log, records } = capture("info", ["dd-api-key-secret-1"]);
    routeDatadogLogs(vendorLog(log.child({ vendor: "datadog-api-client" })), log.level);
    datadogLogger.debug("request: headers DD-API-KEY dd-api-key-secret-1");
    datadogLogger.warn("getServer is deprecated, please use Configuration.getServer instead.");
    datadogLogger.error("An error occurred during the HTTP request:", new Error("socket hang up"));
    expect(records()).toMatchObject([
      { level: "warn", vendor: "datadog-api-client", msg: "getServer is deprecated, please use Configuration.getServer instead." },
      { level: "error", vendor: "datadog-api-client", msg: "An error occurred during the HTTP request: socket hang up", err: { message: "socket hang up" } },
    ]);
    expect(records()).toHaveLength(2);
  });
});
