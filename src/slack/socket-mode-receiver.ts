// Socket Mode (SLACK_APP_TOKEN): Slack sends events, commands and interactions over a WebSocket
// instead of POSTing them (https://docs.slack.dev/apis/events-api/using-socket-mode). Bolt's own
// SocketModeReceiver acknowledges an event before any listener runs, so an event lost to a crash
// or a database outage between the ack and its recording would never come back. Here an event is
// acknowledged only once it is recorded (the same recordEvent as over HTTP, deduplicated on
// event_id): until then Slack sends it again, with retry_attempt one higher. Commands and
// interactions go through Bolt as over HTTP, their ack carrying the answer; each envelope is
// handled once, should one ever arrive twice.
import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import type { Logger as SlackLogger } from "@slack/web-api";
import { z } from "zod";
import { CodedError } from "../kernel/errors.js";
import type { Logger } from "../kernel/log.js";
import { checkShape } from "./receiver.js";
import { ReconnectingSocketModeClient } from "./reconnecting-socket-client.js";

export interface SocketModeReceiverOptions {
  appToken: string;
  /** SLACK_API_URL: apps.connections.open is a Web API call, so a local emulator can answer it. */
  apiUrl: string;
  log: Logger;
  slackLogger: SlackLogger;
  /** Records an Events API event durably; throws when it cannot (the envelope is then not acknowledged). */
  recordEvent: (eventId: string, event: unknown) => Promise<unknown>;
  /** How long the client waits for a pong, and the unit of its reconnect back-off (the SDK's default: 5 s). */
  clientPingTimeoutMs?: number;
}

const envelope = z.object({
  envelope_id: z.string(),
  type: z.string(),
  body: z.record(z.string(), z.unknown()),
  ack: z.custom<(response?: unknown) => Promise<void>>((v) => typeof v === "function"),
  retry_num: z.number().int().optional(),
  retry_reason: z.string().optional(),
});

const eventCallback = z.object({ type: z.literal("event_callback"), event_id: z.string(), event: z.unknown() });

/** Envelope ids recently handled: enough to recognise a repeat, bounded so it cannot grow. */
const REMEMBERED = 1_000;

export class SocketModeEventsReceiver implements Receiver {
  readonly client: ReconnectingSocketModeClient;
  private app: App | undefined;
  private readonly handled = new Set<string>();

  constructor(private readonly options: SocketModeReceiverOptions) {
    this.client = new ReconnectingSocketModeClient(
      {
        appToken: options.appToken,
        logger: options.slackLogger,
        autoReconnectEnabled: true,
        ...(options.clientPingTimeoutMs && { clientPingTimeout: options.clientPingTimeoutMs }),
        clientOptions: { slackApiUrl: options.apiUrl },
      },
      (error, retryInMs) =>
        options.log.error({ err: error, retryInMs }, `Slack refused the Socket Mode reconnect (${describe(error)}); trying again in ${Math.round(retryInMs / 1000)} s`),
    );
    this.client.on("slack_event", (args: unknown) => void this.receive(args));
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {
    await this.client.start();
  }

  async stop(): Promise<void> {
    await this.client.disconnect();
  }

  private async receive(args: unknown): Promise<void> {
    const parsed = envelope.safeParse(args);
    if (!parsed.success) return;
    const { envelope_id: envelopeId, type, body, ack } = parsed.data;
    const log = this.options.log.child({ envelopeId, envelopeType: type });
    const acknowledge = (response?: unknown) =>
      ack(response).catch((error: unknown) => log.warn({ err: error }, "could not acknowledge over the Socket Mode connection; Slack will send it again if it needs to"));

    if (type === "events_api") {
      const callback = eventCallback.safeParse(body);
      if (!callback.success) return void (await acknowledge());
      try {
        await this.options.recordEvent(callback.data.event_id, callback.data.event);
      } catch (error) {
        // An event that can never be stored is acknowledged (over HTTP it gets a 400); any other
        // failure is not, so Slack sends the event again.
        if (error instanceof CodedError && error.code === "invalid_payload") {
          log.warn({ err: error, eventId: callback.data.event_id }, "a Slack event Firebreak cannot store; acknowledged and dropped");
          return void (await acknowledge());
        }
        log.warn({ err: error, eventId: callback.data.event_id }, "could not record a Slack event; not acknowledging it, so Slack sends it again");
        return;
      }
      return void (await acknowledge());
    }

    if (this.handled.has(envelopeId)) return void (await acknowledge());
    this.remember(envelopeId);
    try {
      checkShape(body);
    } catch (error) {
      log.warn({ err: error }, "a Socket Mode payload Firebreak cannot handle");
      return void (await acknowledge());
    }
    if (!this.app) return; // not acknowledged: Slack tells the person it failed
    let acked = false;
    const event: ReceiverEvent = {
      body,
      ...(parsed.data.retry_num !== undefined && { retryNum: parsed.data.retry_num }),
      ...(parsed.data.retry_reason && { retryReason: parsed.data.retry_reason }),
      customProperties: { log },
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        await acknowledge(response === undefined || response === "" ? undefined : response);
      },
    };
    try {
      await this.app.processEvent(event);
    } catch (error) {
      log.error({ err: error }, "Slack listener failed");
      if (!acked) await event.ack();
    }
  }

  private remember(envelopeId: string): void {
    this.handled.add(envelopeId);
    if (this.handled.size > REMEMBERED) this.handled.delete(this.handled.values().next().value!);
  }
}

/** What Slack answered, for the log line: the Web API error code when there is one. */
function describe(error: unknown): string {
  const data = (error as { data?: { error?: unknown } }).data;
  if (typeof data?.error === "string") return data.error;
  return error instanceof Error ? error.message : String(error);
}
