// The intervals the post-mortem and the header report: how long until someone acknowledged, until
// the impact stopped, until it was resolved — each measured from detection.
import type { Incident } from "./incident.js";
import { compareEntries, type TimelineEntry } from "./timeline.js";

export interface IncidentDurations {
  detectedAt: Date;
  acknowledgedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  timeToAcknowledgeMs: number | null;
  timeToMitigateMs: number | null;
  timeToResolveMs: number | null;
}

export function incidentDurations(incident: Pick<Incident, "detectedAt" | "status" | "resolvedAt">, entries: TimelineEntry[]): IncidentDurations {
  const live = entries.filter((e) => e.removedAt === null).sort(compareEntries);
  const first = (test: (e: TimelineEntry) => boolean) => live.find(test)?.eventAt ?? null;
  // Any status change is a person taking the incident on, even if nobody pressed "acknowledge".
  const acknowledgedAt = first((e) => e.kind === "acknowledged" || e.kind === "status");
  // Monitoring means the fix is in and we are watching it hold. A "resolved" entry (PagerDuty's,
  // say) also counts, and the earlier of the two wins, so mitigation never comes after a resolve.
  const mitigatedAt = first((e) => (e.kind === "status" && (e.data.status === "monitoring" || e.data.status === "resolved")) || e.kind === "resolved");
  const resolvedAt = incident.status === "resolved" ? incident.resolvedAt : null;
  const since = (at: Date | null) => (at ? at.getTime() - incident.detectedAt.getTime() : null);
  return {
    detectedAt: incident.detectedAt,
    acknowledgedAt,
    mitigatedAt,
    resolvedAt,
    timeToAcknowledgeMs: since(acknowledgedAt),
    timeToMitigateMs: since(mitigatedAt),
    timeToResolveMs: since(resolvedAt),
  };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "<1m", "45m", "1h 5m", "2d 3h": two units at most, rounded down, as people say it. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < MINUTE) return "<1m";
  const [big, bigUnit, small, smallUnit] = ms >= DAY ? [DAY, "d", HOUR, "h"] as const : ms >= HOUR ? [HOUR, "h", MINUTE, "m"] as const : [MINUTE, "m", 0, ""] as const;
  const whole = Math.floor(ms / big);
  const rest = small ? Math.floor((ms % big) / small) : 0;
  return rest > 0 ? `${whole}${bigUnit} ${rest}${smallUnit}` : `${whole}${bigUnit}`;
}
