// Firebreak's generic webhook signature: `X-Firebreak-Signature: t=<unix seconds>,v1=<hex>`, the
// hex HMAC-SHA256 of "<t>.<raw body>" under a shared secret, Stripe's scheme
// (https://docs.stripe.com/webhooks#verify-manually). Signing the timestamp lets a captured
// request be refused once it is 300 s old; several v1 entries and several configured secrets
// (GENERIC_WEBHOOK_SECRETS) let a secret be rotated without dropping deliveries.
// Pure: the raw body, secrets and clock are passed in.
import { createHmac, timingSafeEqual } from "node:crypto";
import { CodedError } from "../kernel/errors.js";

export const GENERIC_SIGNATURE_HEADER = "X-Firebreak-Signature";
export const GENERIC_TOLERANCE_SECONDS = 300;

export interface GenericSignatureInput {
  rawBody: Buffer | string;
  header: string | undefined;
  secrets: readonly string[];
  /** Seconds since the epoch, now. */
  nowSeconds: number;
}

/** The header value for `body` signed at `timestamp` (unix seconds) under `secret`. */
export function signGenericBody(body: Buffer | string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${digest(body, secret, String(timestamp)).toString("hex")}`;
}

/** Throws a CodedError (401) unless the header is fresh and one of its v1 signatures matches one of the secrets. */
export function verifyGenericSignature(input: GenericSignatureInput): void {
  const secrets = input.secrets.filter((s) => s.length > 0);
  if (secrets.length === 0) throw new CodedError("bad_signature", "No generic webhook secret is configured; set GENERIC_WEBHOOK_SECRETS.");
  const parsed = parseHeader(input.header);
  if (!parsed) {
    throw new CodedError("bad_signature", `${GENERIC_SIGNATURE_HEADER} is missing or is not t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">.`);
  }
  if (Math.abs(input.nowSeconds - Number(parsed.timestamp)) > GENERIC_TOLERANCE_SECONDS) {
    throw new CodedError("stale_timestamp", `${GENERIC_SIGNATURE_HEADER}'s timestamp is more than ${GENERIC_TOLERANCE_SECONDS} s from now; sign each request when it is sent, with a synchronised clock.`);
  }
  let valid = false;
  for (const secret of secrets) {
    const expected = digest(input.rawBody, secret, parsed.timestamp);
    for (const signature of parsed.signatures) valid = timingSafeEqual(signature, expected) || valid;
  }
  if (!valid) throw new CodedError("bad_signature", `${GENERIC_SIGNATURE_HEADER} does not match the body; sign "<t>.<raw body>" with one of GENERIC_WEBHOOK_SECRETS.`);
}

function parseHeader(header: string | undefined): { timestamp: string; signatures: Buffer[] } | undefined {
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const entry of (header ?? "").split(",")) {
    const [key, value] = [entry.slice(0, entry.indexOf("=")).trim(), entry.slice(entry.indexOf("=") + 1).trim()];
    if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = value;
    // 64 hex digits make the 32 bytes timingSafeEqual needs on both sides.
    else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, "hex"));
  }
  return timestamp !== undefined && signatures.length > 0 ? { timestamp, signatures } : undefined;
}

function digest(body: Buffer | string, secret: string, timestamp: string): Buffer {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest();
}
