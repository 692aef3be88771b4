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
