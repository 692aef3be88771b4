// The timeline is the record the post-mortem is written from: every page, ack, approval, step
// and note, at the time it happened (eventAt), with when we learned of it (recordedAt).
export interface TimelineEntry {
  id: number;
  incidentId: number;
  eventAt: Date;
  recordedAt: Date;
  kind: string;
  actor: string | null;
  text: string;
  data: Record<string, unknown>;
  /** Identifies the outside event this entry came from, so a retry never adds it twice. */
  sourceKey: string | null;
  removedAt: Date | null;
  removedBy: string | null;
  editedAt: Date | null;
  editedBy: string | null;
}

export type NewTimelineEntry = Pick<TimelineEntry, "incidentId" | "eventAt" | "kind" | "text"> &
  Partial<Pick<TimelineEntry, "actor" | "data" | "sourceKey">>;

/** Event time first; entries at the same instant keep the order in which they were recorded. */
export function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  return a.eventAt.getTime() - b.eventAt.getTime() || a.id - b.id;
}
