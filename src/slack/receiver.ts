// Bolt receiver for the shared HTTP server: verify the signature on the raw body, then parse,
// then hand the event to Bolt and answer with whatever the listener acked. Slack needs an
// answer within 3 s, so a listener that never acks gets an empty 200 just before that.
import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import { z } from "zod";
import { CodedError } from "../kernel/errors.js";
import type { HttpRequest, HttpResponse } from "../http/server.js";
import { verifySlackRequest } from "../http/slack-signature.js";
import { describeIssue, slackPayloadSchema } from "./payload-schemas.js";

export const SLACK_ACK_DEADLINE_MS = 2_800;

export interface SlackReceiverOptions {
  signingSecret: string;
  /**
   * Records an Events API event durably before Slack is answered (throw when that is impossible:
   * Slack then retries). Events are processed from the database, not by Bolt listeners.
   */
  recordEvent?: (eventId: string, event: unknown) => Promise<unknown>;
  now?: () => number;
  ackDeadlineMs?: number;
}

const jsonObject = z.record(z.string(), z.unknown());

export class SlackReceiver implements Receiver {
  private app: App | undefined;
  constructor(private readonly options: SlackReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async handle(req: HttpRequest): Promise<HttpResponse> {
    const rawBody = await req.body();
    verifySlackRequest({
      signingSecret: this.options.signingSecret,
      rawBody,
      timestamp: header(req, "x-slack-request-timestamp"),
      signature: header(req, "x-slack-signature"),
      nowMs: (this.options.now ?? Date.now)(),
    });
    const body = parseSlackBody(rawBody, header(req, "content-type"));
    if (body.ssl_check) return { status: 200 };
    checkShape(body);
    if (body.type === "url_verification") return { status: 200, body: { challenge: body.challenge as string } };
    if (body.type === "event_callback" && typeof body.event_id === "string" && this.options.recordEvent) {
      await this.options.recordEvent(body.event_id, body.event);
      return { status: 200 };
    }
    if (!this.app) throw new CodedError("not_ready", "Slack handling is not initialised yet.");

    let settle!: (response: HttpResponse) => void;
    const answered = new Promise<HttpResponse>((resolve) => (settle = resolve));
    let acked = false;
    const retryNum = Number(header(req, "x-slack-retry-num"));
    const event: ReceiverEvent = {
      body,
      ...(Number.isInteger(retryNum) && { retryNum }),
      ...(header(req, "x-slack-retry-reason") && { retryReason: header(req, "x-slack-retry-reason") }),
      customProperties: { log: req.log },
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        settle(ackResponse(response));
      },
    };
    const deadline = setTimeout(() => settle({ status: 200 }), this.options.ackDeadlineMs ?? SLACK_ACK_DEADLINE_MS);
    this.app.processEvent(event).then(
      () => settle({ status: 200 }),
      (error: unknown) => {
        req.log.error({ err: error }, "Slack listener failed");
        settle({ status: acked ? 200 : 500 });
      },
    );
    try {
      return await answered;
    } finally {
      clearTimeout(deadline);
    }
  }
}

/** Refuses a body Bolt and our listeners would trip over (payload-schemas.ts); shared with Socket Mode. */
export function checkShape(body: Record<string, unknown>): void {
  const found = slackPayloadSchema(body);
  if (!found) throw new CodedError("invalid_payload", "The body is not a Slack event, command or interaction Firebreak handles.");
  const result = found.schema.safeParse(body);
  if (!result.success) throw new CodedError("invalid_payload", `The Slack ${found.kind} payload is malformed: ${describeIssue(result.error)}.`);
}

function ackResponse(response: unknown): HttpResponse {
  if (response === undefined || response === "") return { status: 200 };
  if (typeof response === "string") return { status: 200, body: response };
  return { status: 200, body: response as Record<string, unknown> };
}

/** Slash commands and interactivity are form-encoded (interactivity JSON sits in `payload`); events are JSON. */
export function parseSlackBody(rawBody: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = rawBody.toString("utf8");
  try {
    if (contentType?.startsWith("application/x-www-form-urlencoded")) {
      const form = new URLSearchParams(text);
      const payload = form.get("payload");
      return payload !== null ? jsonObject.parse(JSON.parse(payload)) : Object.fromEntries(form);
    }
    return jsonObject.parse(JSON.parse(text));
  } catch {
    throw new CodedError("malformed_body", "The body is not a Slack event, command or interaction payload.");
  }
}

function header(req: HttpRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
