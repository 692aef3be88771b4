// PagerDuty V3 webhook signatures: https://developer.pagerduty.com/docs/ZG9jOjExMDI5NTkz-verifying-signatures
// X-PagerDuty-Signature carries one `v1=<hex>` per active subscription secret, so during a
// rotation several are sent and any one matching is enough. No timestamp is signed, so there
// is no replay window to check: replays are caught by deduplicating on X-Webhook-Id instead.
// Pure: the secrets and the raw body are passed in.
import { createHmac, timingSafeEqual } from "node:crypto";
import { CodedError } from "../kernel/errors.js";

export interface PagerdutySignatureInput {
  rawBody: Buffer | string;
  header: string | undefined;
  secrets: readonly string[];
}

const V1_HEX = /^[0-9a-f]{64}$/i;

/** `v1=<hex>` for `body` under `secret`, as PagerDuty would send it (tests and the sandbox sign with it). */
export function signPagerdutyBody(body: Buffer | string, secret: string): string {
  return `v1=${pagerdutyDigest(body, secret).toString("hex")}`;
}

/** Throws a CodedError (401) unless one of the header's v1 signatures matches one of the secrets. */
export function verifyPagerdutySignature(input: PagerdutySignatureInput): void {
  const secrets = input.secrets.filter((secret) => secret.length > 0);
  if (secrets.length === 0) {
    throw new CodedError("bad_signature", "No PagerDuty webhook secret is configured; set PAGERDUTY_WEBHOOK_SECRETS.");
  }
  const given = parseV1Signatures(input.header);
  if (given.length === 0) {
    throw new CodedError("bad_signature", "X-PagerDuty-Signature is missing or holds no v1=<hex> signature.");
  }
  let valid = false;
  for (const secret of secrets) {
    const expected = pagerdutyDigest(input.rawBody, secret);
    // Both sides are 32 bytes (the regex guarantees it for `given`), as timingSafeEqual requires.
    for (const signature of given) valid = timingSafeEqual(signature, expected) || valid;
  }
  if (!valid) {
    throw new CodedError(
      "bad_signature",
      "X-PagerDuty-Signature does not match the body; check PAGERDUTY_WEBHOOK_SECRETS against the webhook subscription's secret.",
    );
  }
}

/** The v1 signatures in the header as bytes; other versions and malformed entries are skipped. */
function parseV1Signatures(header: string | undefined): Buffer[] {
  if (!header) return [];
  const signatures: Buffer[] = [];
  for (const entry of header.split(",")) {
    const separator = entry.indexOf("=");
    if (separator < 0) continue;
    const version = entry.slice(0, separator).trim();
    const hex = entry.slice(separator + 1).trim();
    if (version === "v1" && V1_HEX.test(hex)) signatures.push(Buffer.from(hex, "hex"));
  }
  return signatures;
}

// The secret is keyed as its own UTF-8 bytes: it looks like base64 but PagerDuty does not decode it.
function pagerdutyDigest(body: Buffer | string, secret: string): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}
