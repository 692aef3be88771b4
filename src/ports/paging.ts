// What the flows need from PagerDuty: who is on call, and the incident's notes and status.

export interface PagingNote {
  content: string;
  createdAt: Date;
}

export interface PagingPort {
  /** Emails of everyone currently on call for the escalation policy. */
  oncallEmails(escalationPolicyId: string): Promise<string[]>;
  addNote(pagerdutyIncidentId: string, content: string): Promise<void>;
  /** The incident's notes, oldest first: what a retried addNote checks, since PagerDuty has no idempotency key. */
  notes(pagerdutyIncidentId: string): Promise<PagingNote[]>;
  /** Acknowledges or resolves the PagerDuty incident (sent with the From header). */
  setStatus(pagerdutyIncidentId: string, status: "acknowledged" | "resolved"): Promise<void>;
}

// What `/incident escalate` needs: find whom to page, and page them on the incident.

export type EscalationTargetKind = "escalation_policy" | "service" | "user";

export interface EscalationTarget {
  kind: EscalationTargetKind;
  id: string;
  name: string;
  /** A service's escalation policy: whom a responder request for that service pages. */
  escalationPolicyId?: string;
}

export interface PagingIncidentRef {
  id: string;
  htmlUrl: string | null;
}

export interface ResponderRequestRecord {
  message: string;
  requestedAt: Date;
}

export interface EscalationPort {
  /** Escalation policies, services and users whose name contains `query` (a few of each). */
  searchTargets(query: string): Promise<EscalationTarget[]>;
  /** The target as PagerDuty knows it now, or undefined if it no longer exists (404). */
  target(kind: EscalationTargetKind, id: string): Promise<EscalationTarget | undefined>;
  /** Asks the target (a user or an escalation policy) to join the PagerDuty incident. */
  requestResponders(pagerdutyIncidentId: string, request: { message: string; target: { kind: "user" | "escalation_policy"; id: string } }): Promise<void>;
  /** The responder requests on the incident: what a retried request checks (PagerDuty has no idempotency key). */
  responderRequests(pagerdutyIncidentId: string): Promise<ResponderRequestRecord[]>;
  /** Opens a PagerDuty incident on the service; `incidentKey` makes PagerDuty refuse a second one. */
  createIncident(input: { title: string; serviceId: string; incidentKey: string; details: string }): Promise<PagingIncidentRef>;
  /** A PagerDuty user's email (to find them in Slack), or undefined if PagerDuty has no such user. */
  userEmail(userId: string): Promise<string | undefined>;
  /** The incident created with this key, if any. */
  incidentByKey(incidentKey: string): Promise<PagingIncidentRef | undefined>;
}
