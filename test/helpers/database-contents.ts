// What a Firebreak database holds, for round trips (backup and restore) that must lose nothing:
// every table's rows and every sequence's position, read the same way on either driver.
import type { Sql } from "../../src/adapters/store/sql.js";
import type { SqlStore } from "../../src/adapters/store/store.js";
import { samplePlaybook } from "./playbook-fixtures.js";

export interface DatabaseContents {
  tables: Record<string, unknown[]>;
  sequences: Record<string, number | null>;
}

export async function databaseContents(sql: Sql): Promise<DatabaseContents> {
  const names = await sql.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name");
  const tables: DatabaseContents["tables"] = {};
  for (const { name } of names) {
    // As JSON text, so both drivers and both copies compare value for value.
    const [row] = await sql.query<{ rows: string }>(`SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]')::text AS rows FROM "${name}" t`);
    tables[name] = JSON.parse(row!.rows) as unknown[];
  }
  const sequences: DatabaseContents["sequences"] = {};
  for (const s of await sql.query<{ name: string; last: number | null }>("SELECT sequencename AS name, last_value AS last FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename")) {
    sequences[s.name] = s.last === null ? null : Number(s.last);
  }
  return { tables, sequences };
}

/** Writes through the store into most tables: incidents, their timelines, roles, follow-ups, a run, deliveries and jobs. */
export async function writeIncidents(store: SqlStore, count = 3): Promise<void> {
  const t0 = new Date("2026-03-08T09:05:00Z");
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  for (let n = 0; n < count; n++) {
    const incident = await store.incidents.create({ title: `Checkout errors ${n} — “quoted” ünïcode`, severity: "SEV2", source: "pagerduty", detectedAt: at(n), services: ["checkout", "api"] });
    await store.incidents.update(incident.id, incident.version, { status: "identified", channelId: `C0INC${n}` });
    await store.timeline.append({ incidentId: incident.id, eventAt: at(n), kind: "page", text: "paged", sourceKey: `pd:${n}` });
    const note = await store.timeline.append({ incidentId: incident.id, eventAt: at(n + 1), kind: "note", text: `note ${n}`, actor: "U1" });
    await store.timeline.remove(note.entry.id, "U2", at(n + 2));
    await store.lifecycle.setRole({ incidentId: incident.id, name: "scribe", userId: "U3", assignedBy: "U1", assignedAt: at(n) });
    await store.lifecycle.addFollowup({ incidentId: incident.id, text: "add an alert on pool saturation", createdBy: "U1", createdAt: at(n + 3) });
    await store.postmortems.saveEdits(incident.id, { tldr: `what happened ${n}` });
    await store.runs.create({ incidentId: incident.id, playbook: samplePlaybook(), params: { n }, requestedBy: "U1" });
    await store.deliveries.recordWithJob({ source: "pagerduty", deliveryId: `w-${n}`, body: { event: { id: n, big: "12345678901234567890" } }, subject: `PINC${n}` }, { kind: "process-pagerduty-delivery", dedupeKey: `pd-event:${n}` }, at(n));
  }
  await store.rateSlots.reserve({ bucket: "chat:C0INC0", limit: 1, windowMs: 1_000, now: t0 });
}
