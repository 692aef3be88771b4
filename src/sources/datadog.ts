// Datadog monitor webhook -> alert event.
// Datadog posts whatever payload template the webhook is configured with
// (https://docs.datadoghq.com/integrations/webhooks/); its default payload lacks the alert id,
// transition and tags, so Firebreak documents one template users must install and parses only
// that. Every value arrives as a string, dates are epoch milliseconds, and event ids do not fit a
// JS number, so ids stay strings from end to end.
import { z } from "zod";
import { CodedError } from "../kernel/errors.js";

/** Marks a payload as rendered from DATADOG_WEBHOOK_TEMPLATE, so an old or default payload gets a clear error. */
export const DATADOG_TEMPLATE_VERSION = "firebreak/v1";

const templateFields = {
  firebreak_template: DATADOG_TEMPLATE_VERSION,
  id: "$ID",
  // $ALERT_ID is documented as "ID of the alerting monitor": Datadog has no separate monitor-id variable.
  alert_id: "$ALERT_ID",
  alert_cycle_key: "$ALERT_CYCLE_KEY",
  alert_transition: "$ALERT_TRANSITION",
  alert_status: "$ALERT_STATUS",
  alert_title: "$ALERT_TITLE",
  alert_type: "$ALERT_TYPE",
  alert_priority: "$ALERT_PRIORITY",
  alert_query: "$ALERT_QUERY",
  alert_metric: "$ALERT_METRIC",
  alert_scope: "$ALERT_SCOPE",
  event_title: "$EVENT_TITLE",
  event_msg: "$EVENT_MSG",
  event_type: "$EVENT_TYPE",
  date: "$DATE",
  last_updated: "$LAST_UPDATED",
  priority: "$PRIORITY",
  tags: "$TAGS",
  link: "$LINK",
  hostname: "$HOSTNAME",
  aggreg_key: "$AGGREG_KEY",
  org: { id: "$ORG_ID", name: "$ORG_NAME" },
};

/** The payload to paste into the Datadog webhook's Payload field (JSON; leave "Encode as form" off). */
export const DATADOG_WEBHOOK_TEMPLATE = JSON.stringify(templateFields, null, 2);

const epochMs = z.string().regex(/^\d{1,15}$/, "expected epoch milliseconds as a string of digits");
const text = z.string();

export const datadogPayloadSchema = z.looseObject({
  firebreak_template: z.literal(DATADOG_TEMPLATE_VERSION, {
    error: `expected "${DATADOG_TEMPLATE_VERSION}"; install Firebreak's webhook payload template in Datadog`,
  }),
  id: z.string().min(1),
  alert_id: z.string().min(1),
  alert_cycle_key: text.optional(),
  alert_transition: z.string().min(1),
  alert_status: text.optional(),
  alert_title: text.optional(),
  alert_type: text.optional(),
  alert_priority: text.optional(),
  alert_query: text.optional(),
  alert_metric: text.optional(),
  alert_scope: text.optional(),
  event_title: text.optional(),
  event_msg: text.optional(),
  event_type: text.optional(),
  date: epochMs,
  last_updated: z.union([epochMs, z.literal("")]).optional(),
  priority: text.optional(),
  tags: text.optional(),
  link: text.optional(),
  hostname: text.optional(),
  aggreg_key: text.optional(),
  org: z.looseObject({ id: text.optional(), name: text.optional() }).optional(),
});
export type DatadogPayload = z.infer<typeof datadogPayloadSchema>;

/** $ALERT_TRANSITION values Datadog documents; others (future ones) pass through as strings. */
export type DatadogTransition =
  | "Triggered"
  | "Re-Triggered"
  | "Recovered"
  | "Warn"
  | "Re-Warn"
  | "No Data"
  | "Re-No Data"
  | "Renotify"
  | (string & {});

export interface DatadogAlertEvent {
  /** $ID, the Datadog event id: a string because it overflows a JS number. */
  eventId: string;
  alertId: string;
  /** Same value as alertId: Datadog's $ALERT_ID is the monitor's id. */
  monitorId: string;
  /** Links every notification from trigger to recovery of one alert; null if Datadog sent none. */
  alertCycleKey: string | null;
  transition: DatadogTransition;
  /** The monitor's priority, e.g. "P1" ($ALERT_PRIORITY). */
  priority: string | null;
  /** The event's priority, "normal" or "low" ($PRIORITY). */
  eventPriority: string | null;
  title: string;
  message: string;
  status: string | null;
  eventType: string | null;
  scope: string[];
  tags: string[];
  link: string | null;
  hostname: string | null;
  orgId: string | null;
  aggregationKey: string | null;
  happenedAt: Date;
  lastUpdatedAt: Date | null;
  /** alertId:transition:date — the same notification delivered twice has the same key. */
  dedupeKey: string;
}

/** Parses a raw webhook body (already authenticated); throws malformed_body or invalid_payload (400). */
export function parseDatadogBody(raw: Buffer | string): DatadogPayload {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    throw new CodedError("malformed_body", "The Datadog webhook body is not valid JSON; leave \"Encode as form\" off.");
  }
  const result = datadogPayloadSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.map(String).join(".") || "body";
    throw new CodedError("invalid_payload", `The Datadog webhook does not match Firebreak's payload template: ${path}: ${issue?.message ?? "invalid"}.`);
  }
  return result.data;
}

export function toAlertEvent(payload: DatadogPayload): DatadogAlertEvent {
  const transition = payload.alert_transition;
  return {
    eventId: payload.id,
    alertId: payload.alert_id,
    monitorId: payload.alert_id,
    alertCycleKey: present(payload.alert_cycle_key),
    transition,
    priority: present(payload.alert_priority),
    eventPriority: present(payload.priority),
    title: present(payload.alert_title) ?? present(payload.event_title) ?? `Datadog monitor ${payload.alert_id}`,
    message: payload.event_msg ?? "",
    status: present(payload.alert_status),
    eventType: present(payload.event_type),
    scope: splitList(payload.alert_scope),
    tags: splitList(payload.tags),
    link: present(payload.link),
    hostname: present(payload.hostname),
    orgId: present(payload.org?.id),
    aggregationKey: present(payload.aggreg_key),
    happenedAt: new Date(Number(payload.date)),
    lastUpdatedAt: present(payload.last_updated) ? new Date(Number(payload.last_updated)) : null,
    dedupeKey: `${payload.alert_id}:${transition}:${payload.date}`,
  };
}

// Datadog renders a variable with no value as an empty string.
function present(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

// $TAGS and $ALERT_SCOPE are comma-separated with spaces: "monitor, name:myService, role:node".
function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
