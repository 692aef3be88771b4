// What Alertmanager, Grafana and the generic webhook have in common once parsed: a group of
// alerts (Alertmanager's groupKey; the generic dedupe_key is a group of one), each alert firing
// or resolved. One group is one incident; each alert's transition is one timeline entry.
import { createHash } from "node:crypto";
import { z } from "zod";
import { CodedError } from "../kernel/errors.js";

export type AlertSource = "alertmanager" | "grafana" | "generic";

export interface AlertLink {
  title: string;
  url: string;
}

export interface GroupAlert {
  status: "firing" | "resolved";
  /** Names the transition: the same key twice is the same transition delivered again. */
  transitionKey: string;
  /** Who the alert is, across its transitions (Alertmanager's fingerprint, the generic dedupe_key). */
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** When it started firing, or null when the sender gave none (Go's zero time). */
  startsAt: Date | null;
  /** When it resolved; null while firing. */
  endsAt: Date | null;
  links: AlertLink[];
}

export interface AlertGroupEvent {
  source: AlertSource;
  groupKey: string;
  /** firing while any alert in it fires (Alertmanager's rule). */
  status: "firing" | "resolved";
  alerts: GroupAlert[];
  /** Alerts the sender left out (Alertmanager's max_alerts). */
  truncatedAlerts: number;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  /** A title the sender chose (Grafana's `title`, the generic `title`), used when labels name none. */
  title: string | null;
  /** Service and severity the sender stated outright (the generic schema); labels map otherwise. */
  service: string | null;
  severity: "SEV1" | "SEV2" | "SEV3" | "SEV4" | null;
  links: AlertLink[];
  /** When Firebreak received it: the time of transitions the sender gave no time for. */
  receivedAt: Date;
}

// Go encodes an unset time.Time as year 1; Alertmanager and Grafana send it for "no end yet"
// (test/fixtures/alertmanager/README.md, grafana/README.md).
const GO_ZERO_YEAR = 1;

/** An RFC 3339 time, or null for Go's zero time. */
export function senderTime(value: string): Date | null {
  const date = new Date(value);
  return date.getUTCFullYear() <= GO_ZERO_YEAR ? null : date;
}

/**
 * The group as the database indexes it: a groupKey is the group's labels, which can outgrow what
 * a B-tree index entry holds (about 2.7 kB), so rows and locks name its SHA-256 instead.
 */
export const groupDigest = (groupKey: string) => createHash("sha256").update(groupKey).digest("hex");

/** Label and annotation maps: string values only, as Alertmanager's KV type has them. */
export const stringMap = z.record(z.string(), z.string());

/** An RFC 3339 timestamp as Go's time.Time marshals it (fraction and offset optional). */
export const rfc3339 = z.iso.datetime({ offset: true });

/** Parses JSON then the schema; throws malformed_body or invalid_payload (400) naming the field. */
export function parseWith<S extends z.ZodType>(schema: S, raw: Buffer | string, vendor: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    throw new CodedError("malformed_body", `The ${vendor} webhook body is not valid JSON.`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.map(String).join(".") || "body";
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : "";
    throw new CodedError("invalid_payload", `The ${vendor} webhook is not a payload Firebreak understands: ${path}: ${issue?.message ?? "invalid"}${more}.`);
  }
  return result.data;
}

/** A link only when it is an http(s) URL: anything else would be markup in Slack. */
export function httpLink(title: string, url: string | null | undefined): AlertLink[] {
  return url && /^https?:\/\/\S+$/i.test(url) ? [{ title, url }] : [];
}
