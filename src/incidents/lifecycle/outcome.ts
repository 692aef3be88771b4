import { humanId, type Incident } from "../../domain/incident.js";

/** What a lifecycle command tells the person who ran it (ephemeral), or why it was refused. */
export type Outcome = { ok: true; reply?: string } | { ok: false; reason: string };

export const refused = (reason: string): Outcome => ({ ok: false, reason });

export function refuseIfResolved(incident: Incident, what: string): Outcome | undefined {
  return incident.status === "resolved" ? refused(`${humanId(incident)} is resolved, so you can't ${what} any more. Notes, follow-ups and the post-mortem still work.`) : undefined;
}
