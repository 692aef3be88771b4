// Requests signed exactly as Slack signs them.
import { slackSignature } from "../../src/http/slack-signature.js";

export function signedSlackRequest(options: {
  body: string;
  signingSecret: string;
  contentType?: string;
  timestamp?: number;
  headers?: Record<string, string>;
}): RequestInit {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return {
    method: "POST",
    body: options.body,
    headers: {
      "content-type": options.contentType ?? "application/json",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": slackSignature(options.signingSecret, timestamp, options.body),
      ...options.headers,
    },
  };
}
