// Datadog webhooks are not signed (https://docs.datadoghq.com/integrations/webhooks/), so the only
// proof a request came from our Datadog organisation is a shared secret that Datadog sends back:
// either a custom header or the password of basic auth in the webhook URL
// (https://firebreak:<secret>@host/webhooks/datadog). Pure: the headers and secret are passed in.
import { createHash, timingSafeEqual } from "node:crypto";
import { CodedError } from "../kernel/errors.js";

export const DATADOG_TOKEN_HEADER = "X-Firebreak-Token";

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface DatadogAuthInput {
  headers: HeaderBag;
  secret: string;
}

/** Throws a CodedError (401) unless the request carries the shared secret in X-Firebreak-Token or as a basic-auth password. */
export function verifyDatadogSecret(input: DatadogAuthInput): void {
  const candidates = [header(input.headers, DATADOG_TOKEN_HEADER), basicPassword(header(input.headers, "authorization"))];
  let valid = false;
  for (const candidate of candidates) {
    if (candidate !== undefined && input.secret.length > 0) valid = sameSecret(candidate, input.secret) || valid;
  }
  if (!valid) {
    throw new CodedError(
      "unauthorized",
      `The Datadog webhook did not carry DATADOG_WEBHOOK_SECRET; send it in the ${DATADOG_TOKEN_HEADER} custom header ` +
        "or as the basic-auth password in the webhook URL.",
    );
  }
}

// Node lower-cases incoming header names, but callers may pass a hand-built bag in any case.
function header(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === "string" ? value : value[0];
  }
  return undefined;
}

function basicPassword(authorization: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

// Comparing fixed-length digests keeps the comparison constant-time and hides the secret's length.
function sameSecret(given: string, secret: string): boolean {
  return timingSafeEqual(sha256(given), sha256(secret));
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();
