// The public line for a change to an incident, from its timeline entry: posted in the incident
// channel, and (for severity and resolve) under the incident's announcement in the incidents
// channel, so people who only watch that channel hear that INC-1 went to SEV1 or was resolved.
import { humanId, type Incident } from "../../domain/incident.js";
import type { TimelineEntry } from "../../domain/timeline.js";

const SEVERITY_RANK: Record<string, number> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4 };

/** Which timeline entries are announced, and where. */
export function announcedIn(entry: TimelineEntry): { channel: boolean; incidents: boolean } | undefined {
  switch (entry.kind) {
    case "status":
    case "role":
      return { channel: true, incidents: false };
    case "severity":
    case "resolved":
      return { channel: true, incidents: true };
    default:
      return undefined;
  }
}

/** The announcement's text, or undefined for an entry that is not announced. */
export function changeAnnouncement(incident: Incident, entry: TimelineEntry): string | undefined {
  const name = humanId(incident);
  const actor = entry.actor ? `<@${entry.actor}>` : "Firebreak";
  const data = entry.data as { status?: string; severity?: string; from?: string | null; userId?: string; summary?: string; role?: string };
  switch (entry.kind) {
    case "status":
      return `:arrows_counterclockwise: ${name} is now *${data.status}* (was ${data.from}), set by ${actor}.`;
    case "severity": {
      const raised = (SEVERITY_RANK[data.severity ?? ""] ?? 9) < (SEVERITY_RANK[data.from ?? ""] ?? 9);
      return `${raised ? ":arrow_double_up:" : ":arrow_double_down:"} ${name} is now *${data.severity}* (was ${data.from}), ${raised ? "raised" : "lowered"} by ${actor}.`;
    }
    case "role": {
      if (data.role !== "commander" || !data.userId) return undefined;
      if (data.from && data.from === entry.actor) return `:handshake: <@${data.from}> handed command of ${name} to <@${data.userId}>.`;
      return `:bust_in_silhouette: <@${data.userId}> now commands ${name}${data.from ? ` (was <@${data.from}>)` : ""}, set by ${actor}.`;
    }
    case "resolved":
      return `:white_check_mark: ${name} is resolved, by ${actor}: ${data.summary ?? ""}`.trimEnd();
    default:
      return undefined;
  }
}
