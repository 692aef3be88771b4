import type { NewTimelineEntry, TimelineEntry } from "../../domain/timeline.js";
import { parseRows, timelineRow } from "./rows.js";
import type { SqlExecutor } from "./sql.js";

export function createTimelineStore(sql: SqlExecutor) {
  return {
    /**
     * Adds an entry once: an entry with the same sourceKey for the incident is returned instead
     * of a second copy (`created: false`).
     */
    async append(entry: NewTimelineEntry): Promise<{ entry: TimelineEntry; created: boolean }> {
      const params = [entry.incidentId, entry.eventAt, entry.kind, entry.actor ?? null, entry.text, entry.data ?? {}, entry.sourceKey ?? null];
      const inserted = parseRows(
        timelineRow,
        await sql.query(
          `INSERT INTO timeline_entries (incident_id, event_at, kind, actor, text, data, source_key)
           VALUES ($1,$2,$3,$4,$5,$6,$7)
           ON CONFLICT (incident_id, source_key) WHERE source_key IS NOT NULL DO NOTHING RETURNING *`,
          params,
        ),
      )[0];
      if (inserted) return { entry: inserted, created: true };
      const existing = parseRows(
        timelineRow,
        await sql.query("SELECT * FROM timeline_entries WHERE incident_id = $1 AND source_key = $2", [entry.incidentId, entry.sourceKey]),
      )[0];
      return { entry: existing!, created: false };
    },

    async findBySourceKey(incidentId: number, sourceKey: string): Promise<TimelineEntry | undefined> {
      return parseRows(
        timelineRow,
        await sql.query("SELECT * FROM timeline_entries WHERE incident_id = $1 AND source_key = $2", [incidentId, sourceKey]),
      )[0];
    },

    /** Entries in event order, ties broken by the order they were recorded. */
    async list(incidentId: number, options: { includeRemoved?: boolean } = {}): Promise<TimelineEntry[]> {
      const removed = options.includeRemoved ? "" : "AND removed_at IS NULL";
      return parseRows(
        timelineRow,
        await sql.query(`SELECT * FROM timeline_entries WHERE incident_id = $1 ${removed} ORDER BY event_at, id`, [incidentId]),
      );
    },

    async remove(id: number, by: string, at: Date): Promise<TimelineEntry | undefined> {
      return parseRows(
        timelineRow,
        await sql.query(
          "UPDATE timeline_entries SET removed_at = $3, removed_by = $2 WHERE id = $1 AND removed_at IS NULL RETURNING *",
          [id, by, at],
        ),
      )[0];
    },
  };
}

export type TimelineStore = ReturnType<typeof createTimelineStore>;
