// Firebreak's own webhook schema, version "1", for Sentry and home-grown monitors
// (README "Generic webhook"). A dedupe_key names one alert; "triggered" opens (or joins) its
// incident and "resolved" records that it recovered. Only title and dedupe_key are required.
import { z } from "zod";
import { severities } from "../domain/incident.js";
import { parseWith, rfc3339, type AlertGroupEvent } from "./alert-group.js";

export const genericPayloadSchema = z.strictObject({
  version: z.literal("1", { error: 'expected "1", the only version of Firebreak\'s generic webhook schema' }).default("1"),
  title: z.string().trim().min(1).max(1000),
  dedupe_key: z.string().min(1).max(255),
  service: z.string().trim().min(1).max(100).optional(),
  severity: z.enum(severities).optional(),
  status: z.enum(["triggered", "resolved"]).default("triggered"),
  links: z.array(z.strictObject({ title: z.string().max(200), url: z.url({ protocol: /^https?$/ }) })).max(20).default([]),
  occurred_at: rfc3339.optional(),
});
export type GenericPayload = z.infer<typeof genericPayloadSchema>;

/** Parses a raw webhook body (already signature-checked); throws malformed_body or invalid_payload (400). */
export function parseGenericBody(raw: Buffer | string): GenericPayload {
  return parseWith(genericPayloadSchema, raw, "generic");
}

export function genericToGroup(payload: GenericPayload, receivedAt: Date): AlertGroupEvent {
  const status = payload.status === "triggered" ? "firing" : "resolved";
  const at = payload.occurred_at ? new Date(payload.occurred_at) : receivedAt;
  return {
    source: "generic",
    groupKey: payload.dedupe_key,
    status,
    alerts: [
      {
        status,
        // Without occurred_at, when it was received: a later trigger of the same key is a new one.
        transitionKey: `${payload.dedupe_key}:${status}:${at.toISOString()}`,
        fingerprint: payload.dedupe_key,
        labels: {},
        annotations: { summary: payload.title },
        startsAt: status === "firing" ? at : null,
        endsAt: status === "resolved" ? at : null,
        links: [],
      },
    ],
    truncatedAlerts: 0,
    commonLabels: {},
    commonAnnotations: {},
    title: payload.title,
    service: payload.service ?? null,
    severity: payload.severity ?? null,
    links: payload.links,
    receivedAt,
  };
}
