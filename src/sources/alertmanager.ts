// Prometheus Alertmanager webhook (version 4) -> alert group event.
// Format: prometheus/alertmanager docs/configuration.md, <webhook_config> (copied in
// test/fixtures/alertmanager/). Every field is camelCase except notification_reason; `version`
// is the string "4"; a firing alert's endsAt is Go's zero time; the group is "firing" while any
// alert in it fires, so one notification can hold both firing and resolved alerts. We key on
// groupKey and each alert's fingerprint, status and startsAt, and are lenient about the rest.
import { z } from "zod";
import { httpLink, parseWith, rfc3339, senderTime, stringMap, type AlertGroupEvent, type GroupAlert } from "./alert-group.js";

const alertStatus = z.enum(["firing", "resolved"]);

export const alertmanagerAlertSchema = z.looseObject({
  status: alertStatus,
  labels: stringMap,
  annotations: stringMap.default({}),
  startsAt: rfc3339,
  endsAt: rfc3339.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).max(200),
});

/** The v4 envelope; Grafana's payload extends it (sources/grafana.ts). */
export const alertmanagerEnvelope = {
  groupKey: z.string().min(1).max(10_000),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: alertStatus,
  receiver: z.string().optional(),
  groupLabels: stringMap.default({}),
  commonLabels: stringMap.default({}),
  commonAnnotations: stringMap.default({}),
  externalURL: z.string().optional(),
  notification_reason: z.string().optional(),
};

export const alertmanagerPayloadSchema = z.looseObject({
  version: z.literal("4", { error: 'expected "4": Firebreak reads Alertmanager\'s webhook format version 4' }),
  ...alertmanagerEnvelope,
  alerts: z.array(alertmanagerAlertSchema).min(1),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;

/** Parses a raw webhook body (already authenticated); throws malformed_body or invalid_payload (400). */
export function parseAlertmanagerBody(raw: Buffer | string): AlertmanagerPayload {
  return parseWith(alertmanagerPayloadSchema, raw, "Alertmanager");
}

/** One alert as a group member; `extraLinks` are what Grafana adds per alert. */
export function toGroupAlert(alert: AlertmanagerAlert, extraLinks: GroupAlert["links"] = []): GroupAlert {
  return {
    status: alert.status,
    // Alertmanager's fingerprint names the label set; startsAt tells one firing of it from the next.
    transitionKey: `${alert.fingerprint}:${alert.status}:${alert.startsAt}`,
    fingerprint: alert.fingerprint,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: senderTime(alert.startsAt),
    endsAt: alert.status === "resolved" && alert.endsAt ? senderTime(alert.endsAt) : null,
    links: [...httpLink("Source", alert.generatorURL), ...extraLinks],
  };
}

export function alertmanagerToGroup(payload: AlertmanagerPayload, receivedAt: Date): AlertGroupEvent {
  return {
    source: "alertmanager",
    groupKey: payload.groupKey,
    status: payload.status,
    alerts: payload.alerts.map((alert) => toGroupAlert(alert)),
    truncatedAlerts: payload.truncatedAlerts,
    commonLabels: payload.commonLabels,
    commonAnnotations: payload.commonAnnotations,
    title: null,
    service: null,
    severity: null,
    links: httpLink("Alertmanager", payload.externalURL),
    receivedAt,
  };
}
