// GitHub webhook signatures: X-Hub-Signature-256 is `sha256=` and the hex HMAC-SHA256 of the raw
// body under the webhook's secret (https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries).
// Checked on the raw bytes before anything is parsed, in constant time. Nothing is timestamped, so
// a replay is caught by deduplicating on X-GitHub-Delivery instead. Pure.
import { createHmac, timingSafeEqual } from "node:crypto";
import { CodedError } from "../kernel/errors.js";

const SHA256_HEX = /^sha256=([0-9a-f]{64})$/i;

/** The header value GitHub would send for `body` under `secret` (tests sign with it). */
export function signGithubBody(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Throws a CodedError (401) unless the header holds the body's signature under `secret`. */
export function verifyGithubSignature(input: { rawBody: Buffer | string; header: string | undefined; secret: string }): void {
  if (!input.secret) throw new CodedError("bad_signature", "No GitHub webhook secret is configured; set GITHUB_WEBHOOK_SECRET.");
  const given = SHA256_HEX.exec(input.header?.trim() ?? "")?.[1];
  if (!given) throw new CodedError("bad_signature", "X-Hub-Signature-256 is missing or is not sha256=<hex>; give the webhook a secret on GitHub.");
  const expected = createHmac("sha256", input.secret).update(input.rawBody).digest();
  // Both are 32 bytes (the pattern guarantees it for `given`), as timingSafeEqual requires.
  if (!timingSafeEqual(Buffer.from(given, "hex"), expected)) {
    throw new CodedError("bad_signature", "X-Hub-Signature-256 does not match the body; check GITHUB_WEBHOOK_SECRET against the webhook's secret on GitHub.");
  }
}
