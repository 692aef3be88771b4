// The parts of an incident beyond its header: roles people hold, follow-ups (remediation items),
// and what the status update cadence expects per severity.
import type { Severity, Status } from "./incident.js";

export interface Role {
  incidentId: number;
  /** "commander" is kept on the incident itself; other roles (comms, scribe, ops) live here. */
  name: string;
  userId: string;
  assignedBy: string | null;
  assignedAt: Date;
}

export interface Followup {
  id: number;
  incidentId: number;
  text: string;
  createdBy: string | null;
  createdAt: Date;
  /** Set once published as an issue (post-mortem). */
  issueUrl: string | null;
  /** Tracking (domain/followup.ts); absent on follow-ups built before it, which read as open and unowned. */
  issueNumber?: number | null;
  /** Slack user id of whoever owns it. */
  ownerId?: string | null;
  /** YYYY-MM-DD, a day in FIREBREAK_TIMEZONE. */
  dueOn?: string | null;
  state?: "open" | "done";
  closedAt?: Date | null;
}

/** Minutes without a status update after which the commander is nudged. */
export const defaultUpdateCadence: Record<Severity, number> = { SEV1: 15, SEV2: 30, SEV3: 60, SEV4: 240 };

/** Status names people may type, and the order an incident moves through them. */
export const statusOrder: readonly Status[] = ["investigating", "identified", "monitoring", "resolved"];

/** Timeline entry kinds a person wrote or pinned, as opposed to ones Firebreak recorded. */
export const humanEntryKinds = ["note", "pin", "update", "custom"] as const;
