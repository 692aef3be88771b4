// Grafana alerting webhook contact point -> alert group event.
// Payload: grafana/grafana docs, webhook-notifier.md "JSON payload", and grafana/alerting
// receivers/webhook/v1/webhook.go (copied in test/fixtures/grafana/). It is Alertmanager's shape
// with `version: "1"` and `title`, `state` (alerting | ok), `message`, `orgId` added, and per
// alert `silenceURL`, `dashboardURL`, `panelURL`, `values` (null when none), `valueString`.
// Empty URLs arrive as "".
import { z } from "zod";
import { alertmanagerAlertSchema, alertmanagerEnvelope, toGroupAlert } from "./alertmanager.js";
import { httpLink, parseWith, type AlertGroupEvent } from "./alert-group.js";

const grafanaAlertSchema = alertmanagerAlertSchema.extend({
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  values: z.record(z.string(), z.unknown()).nullish(),
  valueString: z.string().optional(),
  orgId: z.number().optional(),
});

export const grafanaPayloadSchema = z.looseObject({
  version: z.literal("1", { error: 'expected "1": the version Grafana\'s webhook contact point sends' }),
  ...alertmanagerEnvelope,
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
  orgId: z.number().optional(),
  alerts: z.array(grafanaAlertSchema).min(1),
});
export type GrafanaPayload = z.infer<typeof grafanaPayloadSchema>;

export function parseGrafanaBody(raw: Buffer | string): GrafanaPayload {
  return parseWith(grafanaPayloadSchema, raw, "Grafana");
}

export function grafanaToGroup(payload: GrafanaPayload, receivedAt: Date): AlertGroupEvent {
  return {
    source: "grafana",
    groupKey: payload.groupKey,
    status: payload.status,
    alerts: payload.alerts.map((alert) =>
      toGroupAlert(alert, [...httpLink("Dashboard", alert.dashboardURL), ...httpLink("Panel", alert.panelURL), ...httpLink("Silence", alert.silenceURL)]),
    ),
    truncatedAlerts: payload.truncatedAlerts,
    commonLabels: payload.commonLabels,
    commonAnnotations: payload.commonAnnotations,
    // "[FIRING:2]  (blue)": its count changes with every notification, so labels come first.
    title: payload.title?.trim() || null,
    service: null,
    severity: null,
    links: httpLink("Grafana", payload.externalURL),
    receivedAt,
  };
}
