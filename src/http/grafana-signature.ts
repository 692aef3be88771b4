// Grafana's optional webhook HMAC (Grafana 12, contact point "HMAC signature"):
// https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
// and grafana/alerting http/hmac.go (test/fixtures/grafana/README.md). The signature header
// (default X-Grafana-Alerting-Signature) holds the bare lowercase hex of HMAC-SHA256 under the
// secret as-is, of the raw body or, when the contact point names a timestamp header, of
// "<unix seconds>:<body>". That header has no default name, so it is configured here too
// (firebreak.yaml sources.grafana.timestamp_header); when it is, the timestamp is required and
// must be within 300 s, which is what stops a captured request being replayed.
// Pure: the raw body, headers, secret and clock are passed in.
import { createHmac, timingSafeEqual } from "node:crypto";
import { CodedError } from "../kernel/errors.js";
import { headerValue, type HeaderBag } from "./header-credentials.js";

export const GRAFANA_SIGNATURE_HEADER = "X-Grafana-Alerting-Signature";
export const GRAFANA_TOLERANCE_SECONDS = 300;

export interface GrafanaSignatureInput {
  rawBody: Buffer | string;
  headers: HeaderBag;
  secret: string;
  signatureHeader: string;
  /** The contact point's Timestamp Header, if it sets one. */
  timestampHeader?: string | undefined;
  nowSeconds: number;
}

/** The hex signature Grafana sends for `body` (with `timestamp` when a timestamp header is configured). */
export function signGrafanaBody(body: Buffer | string, secret: string, timestamp?: number): string {
  return digest(body, secret, timestamp === undefined ? undefined : String(timestamp)).toString("hex");
}

/** Throws a CodedError (401) unless the signature header matches the body (and a fresh timestamp, when one is configured). */
export function verifyGrafanaSignature(input: GrafanaSignatureInput): void {
  const given = headerValue(input.headers, input.signatureHeader)?.trim();
  if (!given || !/^[0-9a-f]{64}$/i.test(given)) {
    throw new CodedError("bad_signature", `${input.signatureHeader} is missing or is not a hex HMAC-SHA256; set the contact point's HMAC secret to GRAFANA_WEBHOOK_SECRET.`);
  }
  let timestamp: string | undefined;
  if (input.timestampHeader) {
    timestamp = headerValue(input.headers, input.timestampHeader)?.trim();
    if (!timestamp || !/^\d{1,12}$/.test(timestamp)) {
      throw new CodedError("bad_signature", `${input.timestampHeader} is missing; set the contact point's HMAC Timestamp Header to ${input.timestampHeader}.`);
    }
    if (Math.abs(input.nowSeconds - Number(timestamp)) > GRAFANA_TOLERANCE_SECONDS) {
      throw new CodedError("stale_timestamp", `${input.timestampHeader} is more than ${GRAFANA_TOLERANCE_SECONDS} s from now; check Grafana's clock.`);
    }
  }
  if (!timingSafeEqual(Buffer.from(given, "hex"), digest(input.rawBody, input.secret, timestamp))) {
    throw new CodedError("bad_signature", `${input.signatureHeader} does not match the body; check GRAFANA_WEBHOOK_SECRET against the contact point's HMAC secret.`);
  }
}

function digest(body: Buffer | string, secret: string, timestamp: string | undefined): Buffer {
  const hmac = createHmac("sha256", secret);
  if (timestamp !== undefined) hmac.update(`${timestamp}:`);
  return hmac.update(body).digest();
}
