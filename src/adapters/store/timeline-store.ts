import type { NewTimelineEntry, TimelineEntry } from "../../domain/timeline.js";
import { parseRows, timelineRow } from "./rows.js";
import type { TimelineRepository } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

export function createTimelineStore(sql: SqlExecutor): TimelineRepository {
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

    async appendAll(entries: NewTimelineEntry[]): Promise<number> {
      if (entries.length === 0) return 0;
      const params: unknown[] = [];
      const rows = entries.map((entry) => {
        params.push(entry.incidentId, entry.eventAt, entry.kind, entry.actor ?? null, entry.text, entry.data ?? {}, entry.sourceKey ?? null);
        const at = params.length - 7;
        return `($${at + 1},$${at + 2},$${at + 3},$${at + 4},$${at + 5},$${at + 6},$${at + 7})`;
      });
      const inserted = await sql.query(
        `INSERT INTO timeline_entries (incident_id, event_at, kind, actor, text, data, source_key) VALUES ${rows.join(",")}
         ON CONFLICT (incident_id, source_key) WHERE source_key IS NOT NULL DO NOTHING RETURNING id`,
        params,
      );
      return inserted.length;
    },

    async findBySourceKey(incidentId: number, sourceKey: string): Promise<TimelineEntry | undefined> {
      return parseRows(
        timelineRow,
        await sql.query("SELECT * FROM timeline_entries WHERE incident_id = $1 AND source_key = $2", [incidentId, sourceKey]),
      )[0];
    },

    /** Whether an entry of one of these kinds happened after `at` (a late event must not undo it). */
    async hasLaterEntry(incidentId: number, kinds: string[], at: Date): Promise<boolean> {
      const rows = await sql.query<{ found: boolean }>(
        "SELECT EXISTS (SELECT 1 FROM timeline_entries WHERE incident_id = $1 AND kind = ANY($2::text[]) AND event_at > $3 AND removed_at IS NULL) AS found",
        [incidentId, kinds, at],
      );
      return rows[0]?.found === true;
    },

    /** Entries in event order, ties broken by the order they were recorded. */
    async list(incidentId: number, options: { includeRemoved?: boolean } = {}): Promise<TimelineEntry[]> {
      const removed = options.includeRemoved ? "" : "AND removed_at IS NULL";
      return parseRows(
        timelineRow,
        await sql.query(`SELECT * FROM timeline_entries WHERE incident_id = $1 ${removed} ORDER BY event_at, id`, [incidentId]),
      );
    },

    async get(id: number): Promise<TimelineEntry | undefined> {
      return parseRows(timelineRow, await sql.query("SELECT * FROM timeline_entries WHERE id = $1", [id]))[0];
    },

    /** A person's correction of an entry's time or text; the change itself is recorded separately. */
    async edit(id: number, changes: { text: string; eventAt: Date }, by: string, at: Date): Promise<TimelineEntry | undefined> {
      return parseRows(
        timelineRow,
        await sql.query(
          "UPDATE timeline_entries SET text = $2, event_at = $3, edited_by = $4, edited_at = $5 WHERE id = $1 AND removed_at IS NULL RETURNING *",
          [id, changes.text, changes.eventAt, by, at],
        ),
      )[0];
    },

    async removeBySourceKey(incidentId: number, sourceKey: string, by: string, at: Date): Promise<TimelineEntry | undefined> {
      return parseRows(
        timelineRow,
        await sql.query(
          "UPDATE timeline_entries SET removed_at = $4, removed_by = $3 WHERE incident_id = $1 AND source_key = $2 AND removed_at IS NULL RETURNING *",
          [incidentId, sourceKey, by, at],
        ),
      )[0];
    },

    async restore(id: number): Promise<TimelineEntry | undefined> {
      return parseRows(timelineRow, await sql.query("UPDATE timeline_entries SET removed_at = NULL, removed_by = NULL WHERE id = $1 RETURNING *", [id]))[0];
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

