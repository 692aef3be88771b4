// PagerDuty V3 webhook payload -> page event.
// Shapes: PagerDuty's "Webhooks Overview" (PagerDuty/developer-docs, docs/webhooks/01-Overview.md;
// copied in test/fixtures/pagerduty/webhooks-v3). A full example exists only for
// incident.priority_updated; the other incident events share its `incident` data shape, while
// incident.annotated carries an `incident_note` (resource_type stays "incident"). We are strict
// about what we key on (event id and type, occurred_at, the incident id) and lenient elsewhere:
// agent and client are null for system events, and fields come and go between event types.
import { z } from "zod";
import { CodedError } from "../kernel/errors.js";

export const INCIDENT_EVENT_TYPES = [
  "incident.triggered",
  "incident.acknowledged",
  "incident.resolved",
  "incident.reassigned",
  "incident.escalated",
  "incident.priority_updated",
] as const;
export type IncidentEventType = (typeof INCIDENT_EVENT_TYPES)[number];

const reference = z.looseObject({
  id: z.string().min(1),
  summary: z.string().nullish(),
  html_url: z.string().nullish(),
  type: z.string().nullish(),
  email: z.string().nullish(),
});

// A field we merely display must never fail a delivery: PagerDuty drops a webhook answered with
// a 4xx and disables the subscription after three in a row. Such fields fall back to null.
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().catch(null);

const incidentData = z.looseObject({
  id: z.string().min(1),
  type: optional(z.string()),
  number: optional(z.number().int()),
  title: optional(z.string()),
  status: optional(z.string()),
  html_url: optional(z.string()),
  service: optional(reference),
  escalation_policy: optional(reference),
  urgency: optional(z.string()),
  priority: optional(reference),
  assignees: optional(z.array(reference)),
  incident_key: optional(z.string()),
});

const noteData = z.looseObject({
  id: z.string().min(1),
  type: z.literal("incident_note"),
  content: z.string(),
  trimmed: optional(z.boolean()),
  incident: reference,
});

// incident.responder.added / .replied carry an `incident_responder` (docs/webhooks/01-Overview.md,
// "Event Data Types"; test/fixtures/pagerduty/webhooks-v3/event-data/incident_responder.json):
// the incident, the user asked, the policy they were asked through, the message and the state.
export const RESPONDER_EVENT_TYPES = ["incident.responder.added", "incident.responder.replied"] as const;
export type ResponderEventType = (typeof RESPONDER_EVENT_TYPES)[number];

const responderData = z.looseObject({
  type: z.literal("incident_responder"),
  incident: reference,
  user: reference,
  escalation_policy: optional(reference),
  message: optional(z.string()),
  state: optional(z.string()),
});

const eventBody = z
  .looseObject({
    id: z.string().min(1),
    event_type: z.string().min(1),
    resource_type: optional(z.string()),
    occurred_at: z.iso.datetime({ offset: true }),
    agent: optional(reference),
    client: optional(z.looseObject({ name: z.string().nullish() })),
    // Checked below against the event type; other types' data is never read.
    data: z.unknown(),
  })
  .superRefine((event, ctx) => {
    // The data shape depends on event_type, so check it here: a payload that passes parsing
    // can always be mapped, and the error names the field as it sits in the body.
    const schema = dataSchemaFor(event.event_type);
    const result = schema?.safeParse(event.data);
    for (const issue of result?.error?.issues ?? []) {
      ctx.addIssue({ code: "custom", message: issue.message, path: ["data", ...issue.path] });
    }
  });

export const pagerdutyEnvelopeSchema = z.looseObject({ event: eventBody });
export type PagerdutyEnvelope = z.infer<typeof pagerdutyEnvelopeSchema>;

export interface PagerdutyRef {
  id: string;
  summary: string | null;
}

export interface PagerdutyAgent extends PagerdutyRef {
  email: string | null;
  /** user_reference for a person; other types for integrations and automation. */
  type: string | null;
}

interface PagerdutyEventBase {
  /** PagerDuty's id for this event (stable across redeliveries, unlike X-Webhook-Id per delivery). */
  eventId: string;
  occurredAt: Date;
  agent: PagerdutyAgent | null;
  incidentId: string;
}

export interface PagerdutyIncidentEvent extends PagerdutyEventBase {
  kind: IncidentEventType;
  incidentNumber: number | null;
  title: string | null;
  status: string | null;
  htmlUrl: string | null;
  service: PagerdutyRef | null;
  escalationPolicyId: string | null;
  urgency: string | null;
  /** The priority's name, e.g. "P1"; null when the account has no priorities or none is set. */
  priority: string | null;
  assignees: PagerdutyRef[];
  /** The dedup key it was created with: Firebreak's own for an incident opened by `/incident escalate`. */
  incidentKey: string | null;
}

export interface PagerdutyAnnotatedEvent extends PagerdutyEventBase {
  kind: "incident.annotated";
  title: string | null;
  htmlUrl: string | null;
  noteId: string;
  content: string;
  /** PagerDuty shortens long notes in webhooks; the full text is at GET /incidents/{id}/notes. */
  trimmed: boolean;
}

export interface PagerdutyResponderEvent extends PagerdutyEventBase {
  kind: ResponderEventType;
  /** The PagerDuty user asked to respond. */
  user: PagerdutyRef;
  escalationPolicy: PagerdutyRef | null;
  message: string | null;
  /** "pending" when asked; the answer when replied (see incidents/responder-events.ts). */
  state: string | null;
}

export interface PagerdutyIgnoredEvent {
  kind: "ignored";
  eventId: string;
  eventType: string;
}

export type PagerdutyEvent = PagerdutyIncidentEvent | PagerdutyAnnotatedEvent | PagerdutyResponderEvent | PagerdutyIgnoredEvent;

/** Parses a raw webhook body (already signature-checked); throws malformed_body or invalid_payload (400). */
export function parsePagerdutyBody(raw: Buffer | string): PagerdutyEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    throw new CodedError("malformed_body", "The PagerDuty webhook body is not valid JSON.");
  }
  const result = pagerdutyEnvelopeSchema.safeParse(json);
  if (!result.success) throw invalidPayload(result.error);
  return result.data;
}

/** The PagerDuty incident a delivery is about (a note names it as data.incident), if any; never throws. */
export function pagerdutySubject(envelope: PagerdutyEnvelope): string | null {
  const data = envelope.event.data as { id?: unknown; incident?: { id?: unknown } } | null | undefined;
  const id = data?.incident?.id ?? data?.id;
  return typeof id === "string" ? id : null;
}

/** Maps a parsed envelope to a page event; event types Firebreak does not act on become `ignored`. */
export function toPageEvent(envelope: PagerdutyEnvelope): PagerdutyEvent {
  const { event } = envelope;
  const base = { eventId: event.id, occurredAt: new Date(event.occurred_at), agent: toAgent(event.agent) };
  if (isIncidentEventType(event.event_type)) {
    const data = parseData(incidentData, event.data);
    return {
      kind: event.event_type,
      ...base,
      incidentId: data.id,
      incidentNumber: data.number ?? null,
      title: data.title ?? null,
      status: data.status ?? null,
      htmlUrl: data.html_url ?? null,
      service: data.service ? toRef(data.service) : null,
      escalationPolicyId: data.escalation_policy?.id ?? null,
      urgency: data.urgency ?? null,
      priority: data.priority?.summary ?? null,
      assignees: (data.assignees ?? []).map(toRef),
      incidentKey: data.incident_key ?? null,
    };
  }
  if (event.event_type === "incident.annotated") {
    const data = parseData(noteData, event.data);
    return {
      kind: "incident.annotated",
      ...base,
      incidentId: data.incident.id,
      title: data.incident.summary ?? null,
      htmlUrl: data.incident.html_url ?? null,
      noteId: data.id,
      content: data.content,
      trimmed: data.trimmed ?? false,
    };
  }
  if (isResponderEventType(event.event_type)) {
    const data = parseData(responderData, event.data);
    return {
      kind: event.event_type,
      ...base,
      incidentId: data.incident.id,
      user: toRef(data.user),
      escalationPolicy: data.escalation_policy ? toRef(data.escalation_policy) : null,
      message: data.message ?? null,
      state: data.state ?? null,
    };
  }
  return { kind: "ignored", eventId: event.id, eventType: event.event_type };
}

function isResponderEventType(type: string): type is ResponderEventType {
  return (RESPONDER_EVENT_TYPES as readonly string[]).includes(type);
}

function isIncidentEventType(type: string): type is IncidentEventType {
  return (INCIDENT_EVENT_TYPES as readonly string[]).includes(type);
}

function dataSchemaFor(eventType: string): z.ZodType | undefined {
  if (isIncidentEventType(eventType)) return incidentData;
  if (eventType === "incident.annotated") return noteData;
  if (isResponderEventType(eventType)) return responderData;
  return undefined;
}

// toPageEvent may be handed an envelope built by hand rather than by parsePagerdutyBody.
function parseData<T extends z.ZodType>(schema: T, data: unknown): z.infer<T> {
  const result = schema.safeParse(data);
  if (!result.success) throw invalidPayload(result.error, ["event", "data"]);
  return result.data;
}

function invalidPayload(error: z.ZodError, prefix: PropertyKey[] = []): CodedError {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])].map(String).join(".") || "body";
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : "";
  return new CodedError("invalid_payload", `The PagerDuty webhook is not a V3 event we understand: ${path}: ${issue?.message ?? "invalid"}${more}.`);
}

const toRef = (ref: z.infer<typeof reference>): PagerdutyRef => ({ id: ref.id, summary: ref.summary ?? null });

function toAgent(agent: z.infer<typeof reference> | null | undefined): PagerdutyAgent | null {
  if (!agent) return null;
  return { id: agent.id, summary: agent.summary ?? null, email: agent.email ?? null, type: agent.type ?? null };
}
