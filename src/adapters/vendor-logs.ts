// Vendor SDKs log through Firebreak's logger, never on their own: left alone, @slack/web-api's
// WebClient prints "[INFO]  web-api:WebClient:0 API Call failed due to rate limiting…" as plain
// text on stdout, where it breaks a JSON log pipeline and skips the secret scrubber (src/kernel/log.ts).
// Each SDK gets a child logger (`vendor: <name>`) behind the logger interface it accepts:
// - @slack/logger's Logger (WebClient, Bolt's App, the Socket Mode client):
//   https://docs.slack.dev/tools/node-slack-sdk/web-api/#logging
// - octokit's `log: { debug, info, warn, error }`: https://github.com/octokit/core.js#logging
// - the `loglevel` logger of Datadog's client, rerouted in ./datadog-client.ts.
// @kubernetes/client-node and @pagerduty/pdjs do not log.
import type { LogLevel, Logger as SlackLogger } from "@slack/web-api";
import type { Logger } from "../kernel/log.js";

export type VendorLevel = "debug" | "info" | "warn" | "error";

/** The four-method logger most SDKs accept, writing JSON lines through `log`. */
export interface VendorLog {
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
}

export function vendorLog(log: Logger): VendorLog {
  const write = (level: VendorLevel) => (...msg: unknown[]) => {
    if (!log.isLevelEnabled(level)) return;
    // An Error keeps its stack through pino's err serializer; the words go into msg.
    const err = msg.find((m): m is Error => m instanceof Error);
    log[level](err ? { err } : {}, msg.map(describe).join(" "));
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

// @slack/logger's LogLevel is a string enum of these four words. Only its type is imported: the
// webhook side of Firebreak logs vendors too, and should not load the Slack SDK to do it.
const slackLevel = (level: "debug" | "info" | "warn" | "error") => level as LogLevel;
const slackLevels: Record<string, LogLevel> = {
  trace: slackLevel("debug"), debug: slackLevel("debug"), info: slackLevel("info"), warn: slackLevel("warn"), error: slackLevel("error"), fatal: slackLevel("error"), silent: slackLevel("error"),
};

/** The pino level as @slack/logger names it, e.g. for Bolt's `logLevel` option. */
export function slackLogLevel(log: Logger): LogLevel {
  return slackLevels[log.level] ?? slackLevel("info");
}

/**
 * @slack/logger's interface over a child of `log`. `setLevel` may quiet the SDK but never makes it
 * chattier than LOG_LEVEL; `setName` only relabels its lines.
 */
export function slackLogger(log: Logger, name = "slack"): SlackLogger {
  const floor = log.levels.values[log.level] ?? 30;
  let child = log.child({ vendor: name });
  let base = vendorLog(child);
  return {
    debug: (...msg) => base.debug(...msg),
    info: (...msg) => base.info(...msg),
    warn: (...msg) => base.warn(...msg),
    error: (...msg) => base.error(...msg),
    setLevel(level) {
      if ((child.levels.values[level] ?? 0) >= floor) child.level = level;
    },
    getLevel: () => slackLevels[child.level] ?? slackLevel("info"),
    setName(next) {
      const level = child.level;
      child = log.child({ vendor: next }, { level });
      base = vendorLog(child);
    },
  };
}

function describe(part: unknown): string {
  if (typeof part === "string") return part;
  if (part instanceof Error) return part.message;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    // Circular structures (a request object, say) are not worth a crash in a log call.
    return String(part);
  }
}
