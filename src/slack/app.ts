// The Bolt app: our receiver for transport, an authorize that survives Slack being down, and
// pino behind Bolt's logger interface (which Bolt hands on to its WebClient and Socket Mode client).
import { App, type AuthorizeResult } from "@slack/bolt";
import { slackLogger, slackLogLevel } from "../adapters/vendor-logs.js";
import type { Config } from "../kernel/config.js";
import type { Logger } from "../kernel/log.js";
import { SlackReceiver, type SlackReceiverOptions } from "./receiver.js";
import { SocketModeEventsReceiver } from "./socket-mode-receiver.js";

export interface SlackAppOptions {
  slack: NonNullable<Config["slack"]>;
  log: Logger;
  now?: () => number;
  recordEvent?: SlackReceiverOptions["recordEvent"];
  /** Socket Mode client tuning (tests shorten the reconnect back-off). */
  socketMode?: { clientPingTimeoutMs?: number };
}

export interface SlackApp {
  app: App;
  /** The HTTP receiver, or undefined in Socket Mode (SLACK_APP_TOKEN), where Slack sends over a WebSocket. */
  receiver: SlackReceiver | undefined;
  /** Connects the Socket Mode WebSocket; nothing to do over HTTP. */
  connect(): Promise<void>;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { slack, log } = options;
  const boltLog = slackLogger(log.child({ component: "bolt" }), "bolt");
  const receiver = slack.appToken ? undefined : new SlackReceiver({ signingSecret: slack.signingSecret, ...(options.now && { now: options.now }), ...(options.recordEvent && { recordEvent: options.recordEvent }) });
  const socketMode = slack.appToken
    ? new SocketModeEventsReceiver({
        appToken: slack.appToken,
        apiUrl: slack.apiUrl,
        log: log.child({ component: "socket-mode" }),
        slackLogger: slackLogger(log.child({ component: "socket-mode" }), "socket-mode"),
        recordEvent: options.recordEvent ?? (async () => Promise.reject(new Error("Slack events cannot be recorded here"))),
        ...(options.socketMode?.clientPingTimeoutMs && { clientPingTimeoutMs: options.socketMode.clientPingTimeoutMs }),
      })
    : undefined;
  let identity: Promise<{ botUserId?: string; botId?: string }> | undefined;
  const app: App = new App({
    receiver: (receiver ?? socketMode)!,
    logger: boltLog,
    // Bolt sets its logger to this level (INFO unless told): say LOG_LEVEL's, or debug lines vanish.
    logLevel: slackLogLevel(log),
    // Listeners' calls (views.open, postEphemeral) are writes a person repeats by clicking again;
    // a blind retry of one Slack already performed would act twice.
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    // Bolt's own token authorization caches a failed auth.test forever (or calls it on every event);
    // this one remembers only success, so an outage at start-up does not break the bot for good.
    authorize: async (): Promise<AuthorizeResult> => {
      identity ??= app.client.auth.test({ token: slack.botToken }).then(
        (r) => ({ ...(r.user_id && { botUserId: r.user_id }), ...(r.bot_id && { botId: r.bot_id }) }),
        (error: unknown) => {
          identity = undefined;
          log.warn({ err: error }, "Slack auth.test failed; continuing without the bot's user id");
          return {};
        },
      );
      return { botToken: slack.botToken, ...(await identity) };
    },
  });
  app.error(async (error) => {
    log.error({ err: error }, "unhandled error in a Slack listener");
  });
  return { app, receiver, connect: async () => void (socketMode && (await app.start())) };
}
