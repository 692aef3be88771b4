// The intervals the post-mortem and the header report: how long until someone acknowledged, until
// the cause was identified, until the impact stopped, until it was resolved — each measured from
// detection. Every moment is read from the timeline, the one record people correct: moving the
// page entry moves detection, moving the resolve entry moves resolution, and every interval and
// the window follow. The incident's own columns are only the fallback for a record without them.
import type { Incident } from "./incident.js";
import { compareEntries, type TimelineEntry } from "./timeline.js";

export interface IncidentDurations {
  detectedAt: Date;
  /** When trouble started: the earliest entry someone marked as the trigger, if it came before detection. */
  troubleStartedAt: Date | null;
  acknowledgedAt: Date | null;
  identifiedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  timeToAcknowledgeMs: number | null;
  timeToIdentifyMs: number | null;
  timeToMitigateMs: number | null;
  timeToResolveMs: number | null;
  /** The entries those moments were read from, so the timeline can mark them. */
  moments: KeyMoments;
}

export type KeyMoment = "trigger" | "detected" | "acknowledged" | "identified" | "mitigated" | "resolved";
export type KeyMoments = Partial<Record<KeyMoment, number>>;

/** `/incident note trigger at 3:55pm …` or the Add-to-timeline checkbox: the start of trouble. */
export const isTrigger = (e: Pick<TimelineEntry, "data">) => e.data.trigger === true;

export function incidentDurations(incident: Pick<Incident, "detectedAt" | "status" | "resolvedAt">, entries: TimelineEntry[]): IncidentDurations {
  const live = entries.filter((e) => e.removedAt === null).sort(compareEntries);
  const firstEntry = (test: (e: TimelineEntry) => boolean) => live.find(test);
  const status = (e: TimelineEntry, ...wanted: string[]) => e.kind === "status" && wanted.includes(String(e.data.status));
  // The page (or the declaration in Slack, which is recorded as one) is when Firebreak learned of it.
  const page = firstEntry((e) => e.kind === "page");
  const detectedAt = page?.eventAt ?? incident.detectedAt;
  // Context before detection (the deploy that caused it) is background; only an entry marked as
  // the trigger says when users started to be hurt, which is what time to detect measures from.
  const trigger = firstEntry((e) => isTrigger(e) && e.eventAt < detectedAt);
  // Any status change is a person taking the incident on, even if nobody pressed "acknowledge".
  const acknowledged = firstEntry((e) => e.kind === "acknowledged" || e.kind === "status");
  const acknowledgedAt = acknowledged?.eventAt ?? null;
  // A team that went straight to monitoring (or resolved) had identified the cause by then.
  const identified = firstEntry((e) => status(e, "identified", "monitoring", "resolved") || e.kind === "mitigated" || e.kind === "resolved");
  const identifiedAt = identified?.eventAt ?? null;
  // Monitoring means the fix is in and we are watching it hold; "mitigated" is the time given when
  // resolving. A "resolved" entry (PagerDuty's, say) also counts, and the earliest wins, so
  // mitigation never comes after a resolve.
  const mitigated = firstEntry((e) => status(e, "monitoring", "resolved") || e.kind === "mitigated" || e.kind === "resolved");
  const mitigatedAt = mitigated?.eventAt ?? null;
  // Reopened and resolved again: the last resolution is the one that held.
  const resolved = incident.status === "resolved" ? live.findLast((e) => e.kind === "resolved") : undefined;
  const resolvedAt = incident.status === "resolved" ? (resolved?.eventAt ?? incident.resolvedAt) : null;
  const since = (at: Date | null) => (at ? at.getTime() - detectedAt.getTime() : null);
  const moments: KeyMoments = {};
  for (const [moment, entry] of [["trigger", trigger], ["detected", page], ["acknowledged", acknowledged], ["identified", identified], ["mitigated", mitigated], ["resolved", resolved]] as const) {
    if (entry) moments[moment] = entry.id;
  }
  return {
    detectedAt,
    troubleStartedAt: trigger?.eventAt ?? null,
    acknowledgedAt,
    identifiedAt,
    mitigatedAt,
    resolvedAt,
    timeToAcknowledgeMs: since(acknowledgedAt),
    timeToIdentifyMs: since(identifiedAt),
    timeToMitigateMs: since(mitigatedAt),
    timeToResolveMs: since(resolvedAt),
    moments,
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
