// Who may see an incident. A private incident (security, HR) exists only for the members of its
// channel: App Home lists, catch-ups, commands naming its id and any public status output leave it
// out for everyone else. Pure, so each of those surfaces applies the same rule.
import { humanId, type Incident } from "./incident.js";

/**
 * Whether `userId` may see `incident`. Public incidents are visible to everyone; a private one only
 * to the members of its channel (`members`, as Slack lists them). A private incident whose channel
 * does not exist yet is visible to nobody but whoever declared it.
 */
export function visibleTo(incident: Pick<Incident, "private" | "declaredBy">, userId: string, members: readonly string[]): boolean {
  if (!incident.private) return true;
  return members.includes(userId) || incident.declaredBy === userId;
}

/** Whether an incident may appear in anything public (the status page, SLACK_INCIDENTS_CHANNEL). */
export const publiclyVisible = (incident: Pick<Incident, "private">): boolean => !incident.private;

/** What a non-member is told when they name a private incident: nothing but that it is private. */
export const privateIncidentRefusal = (incident: Pick<Incident, "id">): string => `${humanId(incident)} is private; ask its commander to invite you.`;
