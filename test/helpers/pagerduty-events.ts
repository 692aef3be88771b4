// PagerDuty publishes one full incident event (incident.priority_updated) and the shape of
// `event.data` per data type; other incident events are that documented envelope with their
// own event_type (see test/fixtures/pagerduty/webhooks-v3/README.md).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { signPagerdutyBody } from "../../src/http/pagerduty-signature.js";

const envelope = JSON.parse(readFileSync("test/fixtures/pagerduty/webhooks-v3/event.incident.priority_updated.json", "utf8"));
const noteData = JSON.parse(readFileSync("test/fixtures/pagerduty/webhooks-v3/event-data/incident_note.json", "utf8"));

export interface EventOptions {
  eventId?: string;
  incidentId?: string;
  title?: string;
  occurredAt?: string;
  escalationPolicyId?: string;
  priority?: string | null;
  serviceName?: string;
}

export function pagerdutyEvent(eventType: string, options: EventOptions = {}): Record<string, unknown> {
  const event = structuredClone(envelope.event);
  event.id = options.eventId ?? randomUUID();
  event.event_type = eventType;
  event.occurred_at = options.occurredAt ?? new Date().toISOString();
  if (eventType === "incident.annotated") {
    event.data = { ...structuredClone(noteData), incident: { ...noteData.incident, id: options.incidentId ?? noteData.incident.id } };
    return { event };
  }
  const data = event.data;
  if (options.incidentId) {
    data.id = options.incidentId;
    data.html_url = `https://acme.pagerduty.com/incidents/${options.incidentId}`;
  }
  if (options.title) data.title = options.title;
  if (options.escalationPolicyId) data.escalation_policy.id = options.escalationPolicyId;
  if (options.serviceName) data.service.summary = options.serviceName;
  if (options.priority !== undefined) data.priority = options.priority && { ...data.priority, summary: options.priority };
  return { event };
}

/** A POST exactly as PagerDuty sends it: the signature over the raw bytes, a webhook id per delivery. */
export function pagerdutyDelivery(body: unknown, secret: string, webhookId: string = randomUUID()): RequestInit {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return {
    method: "POST",
    body: raw,
    headers: {
      "content-type": "application/json",
      "x-pagerduty-signature": signPagerdutyBody(raw, secret),
      "x-webhook-id": webhookId,
      "x-webhook-subscription": "PWEBHOOK1",
      "user-agent": "PagerDuty-Webhook/V3.0",
    },
  };
}
