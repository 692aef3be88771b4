// The intervals the post-mortem and the header report: how long until someone acknowledged, until
// the cause was identified, until the impact stopped, until it was resolved — each measured from
// detection. Every moment is read from the timeline, the one record people correct: moving the
// page entry moves detection, moving the resolve entry moves resolution, and every interval and
// the window follow. The incident's own columns are only the fallback for a record without them.
import type { Incident } from "./incident.js";
import { compareEntries, type TimelineEntry } from "./timeline.js";

export interface IncidentDurations {
  detectedAt: Date;
  acknowledgedAt: Date | null;
  identifiedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  timeToAcknowledgeMs: number | null;
  timeToIdentifyMs: number | null;
  timeToMitigateMs: number | null;
  timeToResolveMs: number | null;
}

export function incidentDurations(incident: Pick<Incident, "detectedAt" | "status" | "resolvedAt">, entries: TimelineEntry[]): IncidentDurations {
  const live = entries.filter((e) => e.removedAt === null).sort(compareEntries);
  const first = (test: (e: TimelineEntry) => boolean) => live.find(test)?.eventAt ?? null;
  const status = (e: TimelineEntry, ...wanted: string[]) => e.kind === "status" && wanted.includes(String(e.data.status));
  // The page (or the declaration in Slack, which is recorded as one) is when Firebreak learned of it.
  const detectedAt = first((e) => e.kind === "page") ?? incident.detectedAt;
  // Any status change is a person taking the incident on, even if nobody pressed "acknowledge".
  const acknowledgedAt = first((e) => e.kind === "acknowledged" || e.kind === "status");
  // A team that went straight to monitoring (or resolved) had identified the cause by then.
  const identifiedAt = first((e) => status(e, "identified", "monitoring", "resolved") || e.kind === "mitigated" || e.kind === "resolved");
  // Monitoring means the fix is in and we are watching it hold; "mitigated" is the time given when
  // resolving. A "resolved" entry (PagerDuty's, say) also counts, and the earliest wins, so
  // mitigation never comes after a resolve.
  const mitigatedAt = first((e) => status(e, "monitoring", "resolved") || e.kind === "mitigated" || e.kind === "resolved");
  // Reopened and resolved again: the last resolution is the one that held.
  const resolvedAt = incident.status === "resolved" ? (live.findLast((e) => e.kind === "resolved")?.eventAt ?? incident.resolvedAt) : null;
  const since = (at: Date | null) => (at ? at.getTime() - detectedAt.getTime() : null);
  return {
    detectedAt,
    acknowledgedAt,
    identifiedAt,
    mitigatedAt,
    resolvedAt,
    timeToAcknowledgeMs: since(acknowledgedAt),
    timeToIdentifyMs: since(identifiedAt),
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
