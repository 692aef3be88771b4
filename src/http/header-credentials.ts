// Reading credentials out of request headers, shared by the webhook checks that take a token
// rather than a signature (Datadog, Alertmanager, Grafana). Pure.
import { createHash, timingSafeEqual } from "node:crypto";

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A header's (first) value. Node lower-cases incoming header names, but callers may pass a hand-built bag in any case. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === "string" ? value : value[0];
  }
  return undefined;
}

/** The password of "Authorization: Basic base64(user:password)", or undefined. */
export function basicPassword(authorization: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? "");
  return match?.[1] ? passwordOf(match[1]) : undefined;
}

/** The Bearer credentials or the basic-auth password in an Authorization header. */
export function bearerOrBasic(authorization: string | undefined): string | undefined {
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match?.[1] || !match[2]) return undefined;
  return match[1].toLowerCase() === "bearer" ? match[2] : passwordOf(match[2]);
}

function passwordOf(base64: string): string | undefined {
  const decoded = Buffer.from(base64, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** Compares fixed-length digests, so the comparison is constant-time and hides the secret's length. */
export function sameSecret(given: string, secret: string): boolean {
  return secret.length > 0 && timingSafeEqual(sha256(given), sha256(secret));
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();
