// Alertmanager's webhooks are not signed (prometheus/alertmanager notify/webhook/webhook.go sets
// only Content-Type and User-Agent); what proves the sender is the credential its http_config
// adds: `authorization: { credentials: <token> }` sends "Authorization: Bearer <token>", and
// `basic_auth` sends "Authorization: Basic base64(user:password)" (prometheus/common
// config/http_config.go; test/fixtures/alertmanager/README.md). Grafana's contact point sends the
// same two forms. Either is accepted: the bearer credentials, or a basic-auth password (the
// username is not checked), equal to the configured token. Pure: headers and token passed in.
import { createHash, timingSafeEqual } from "node:crypto";
import { CodedError } from "../kernel/errors.js";
import type { HeaderBag } from "./datadog-auth.js";

export interface WebhookTokenInput {
  headers: HeaderBag;
  token: string;
  /** Names the sender and the setting in the refusal, e.g. "Alertmanager", "ALERTMANAGER_WEBHOOK_TOKEN". */
  vendor: string;
  setting: string;
}

/** Throws a CodedError (401) unless Authorization carries the token as Bearer credentials or a basic-auth password. */
export function verifyWebhookToken(input: WebhookTokenInput): void {
  const given = credentialOf(authorization(input.headers));
  // Both sides are hashed to 32 bytes, so the comparison takes the same time whatever the lengths.
  const valid = given !== undefined && input.token.length > 0 && timingSafeEqual(sha256(given), sha256(input.token));
  if (!valid) {
    throw new CodedError(
      "unauthorized",
      `The ${input.vendor} webhook did not carry ${input.setting}; send it as "Authorization: Bearer <token>" or as the basic-auth password.`,
    );
  }
}

/** The Bearer credentials or the basic-auth password in an Authorization header. */
function credentialOf(header: string | undefined): string | undefined {
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1] || !match[2]) return undefined;
  if (match[1].toLowerCase() === "bearer") return match[2];
  const decoded = Buffer.from(match[2], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

function authorization(headers: HeaderBag): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== "authorization" || value === undefined) continue;
    return typeof value === "string" ? value : value[0];
  }
  return undefined;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();
