// What an incident tells the public: a status (Atlassian Statuspage's incident statuses) and the
// components it affects with their status (Statuspage's component statuses), each behind an
// approval. Statuspage's enums are used as they are so its sync maps one to one
// (https://developer.statuspage.io/#operation/postPagesPageIdIncidents).
import type { EligibleSet } from "./approval-policy.js";

export const publicStatuses = ["investigating", "identified", "monitoring", "resolved"] as const;
export type PublicStatus = (typeof publicStatuses)[number];

export const componentStatuses = ["operational", "degraded_performance", "partial_outage", "major_outage"] as const;
export type ComponentStatus = (typeof componentStatuses)[number];

export const publicUpdateKinds = ["update", "postmortem_summary"] as const;
export type PublicUpdateKind = (typeof publicUpdateKinds)[number];

export const publicUpdateStates = ["pending", "published", "denied", "expired"] as const;
export type PublicUpdateState = (typeof publicUpdateStates)[number];

export interface ComponentChange {
  /** The component's `id` in firebreak.yaml `status_page.components`. */
  key: string;
  status: ComponentStatus;
}

export interface NewPublicUpdate {
  incidentId: number;
  kind: PublicUpdateKind;
  /** Null for a post-mortem's public summary, which is not a status change. */
  status: PublicStatus | null;
  /** The incident's name as the public sees it. */
  title: string;
  body: string;
  components: ComponentChange[];
  requestedBy: string;
  requestedAt: Date;
  /** Who may approve, fixed when asked. */
  eligible: EligibleSet;
  expiresAt: Date;
}

export interface PublicUpdate extends NewPublicUpdate {
  id: number;
  /** A UUID: the Atom entry id and the Statuspage sync's key; never reused. */
  publicId: string;
  state: PublicUpdateState;
  decidedBy: string | null;
  decidedAt: Date | null;
  denyReason: string | null;
  messageTs: string | null;
}

/** How long an approval request stays open; an expired one is asked again by whoever wants it. */
export const PUBLIC_UPDATE_EXPIRY_MS = 30 * 60_000;

export const statusLabel = (status: PublicStatus) => status.charAt(0).toUpperCase() + status.slice(1);
export const componentStatusLabel: Record<ComponentStatus, string> = {
  operational: "Operational",
  degraded_performance: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
};

/**
 * "api: major_outage, web: degraded_performance" (commas or new lines) → component changes, every
 * key checked against the status page's components; the refusal is a sentence for the person.
 */
export function parseComponentChanges(text: string, known: readonly string[]): { ok: true; changes: ComponentChange[] } | { ok: false; reason: string } {
  const changes: ComponentChange[] = [];
  const knownList = known.length > 0 ? known.join(", ") : "none are configured (firebreak.yaml status_page.components)";
  for (const part of text.split(/[,\n]/).map((p) => p.trim()).filter(Boolean)) {
    const match = /^([^:\s]+)\s*(?::\s*(\S+))?$/.exec(part);
    const key = match?.[1];
    const status = match?.[2];
    if (!key || !status) return { ok: false, reason: `“${part}” is not \`component: status\`, e.g. \`api: partial_outage\`.` };
    if (!known.includes(key)) return { ok: false, reason: `There is no component “${key}” on the status page, so nothing was asked; the components are: ${knownList}.` };
    if (!(componentStatuses as readonly string[]).includes(status)) return { ok: false, reason: `“${status}” is not a component status; use ${componentStatuses.join(", ")}.` };
    if (changes.some((c) => c.key === key)) return { ok: false, reason: `“${key}” is listed twice.` };
    changes.push({ key, status: status as ComponentStatus });
  }
  return { ok: true, changes };
}

export const formatComponentChanges = (changes: readonly ComponentChange[]) => changes.map((c) => `${c.key}: ${c.status}`).join(", ");
