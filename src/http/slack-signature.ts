// Slack request signing: https://docs.slack.dev/authentication/verifying-requests-from-slack
// Pure: the secret, the raw body and the clock are all passed in.
import { createHmac, timingSafeEqual } from "node:crypto";
import { CodedError } from "../kernel/errors.js";

export const SLACK_MAX_SKEW_SECONDS = 300;

export interface SlackSignatureInput {
  signingSecret: string;
  rawBody: Buffer | string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs: number;
}

export function slackSignature(signingSecret: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac("sha256", signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest("hex")}`;
}

/** Throws a CodedError (401) unless the request was signed by Slack within the last five minutes. */
export function verifySlackRequest(input: SlackSignatureInput): void {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) throw new CodedError("bad_signature", "Missing X-Slack-Request-Timestamp or X-Slack-Signature header.");
  if (!/^\d{1,12}$/.test(timestamp)) throw new CodedError("bad_signature", "X-Slack-Request-Timestamp is not a Unix time in seconds.");
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) {
    throw new CodedError("stale_timestamp", "X-Slack-Request-Timestamp is more than 5 minutes off; the request may be a replay.");
  }
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new CodedError("bad_signature", "X-Slack-Signature does not match the body; check SLACK_SIGNING_SECRET.");
  }
}
