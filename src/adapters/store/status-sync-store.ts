// The Statuspage incident linked to each incident, and the public updates applied to it.
import { z } from "zod";
import type { StatusSyncRepository } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

const linkRow = z.object({ statuspage_incident_id: z.string() });
const updateRow = z.object({ statuspage_update_id: z.string() });

export function createStatusSyncStore(sql: SqlExecutor): StatusSyncRepository {
  return {
    async linkedIncident(incidentId) {
      const [row] = await sql.query("SELECT statuspage_incident_id FROM statuspage_incidents WHERE incident_id = $1", [incidentId]);
      return row ? linkRow.parse(row).statuspage_incident_id : undefined;
    },
    async link(incidentId, statuspageIncidentId, at) {
      await sql.query(
        "INSERT INTO statuspage_incidents (incident_id, statuspage_incident_id, linked_at) VALUES ($1, $2, $3) ON CONFLICT (incident_id) DO NOTHING",
        [incidentId, statuspageIncidentId, at],
      );
      const [row] = await sql.query("SELECT statuspage_incident_id FROM statuspage_incidents WHERE incident_id = $1", [incidentId]);
      return linkRow.parse(row).statuspage_incident_id;
    },
    async isApplied(publicUpdateId) {
      const rows = await sql.query("SELECT 1 FROM statuspage_updates WHERE public_update_id = $1", [publicUpdateId]);
      return rows.length > 0;
    },
    async claimedUpdateIds(incidentId) {
      const rows = await sql.query("SELECT statuspage_update_id FROM statuspage_updates WHERE incident_id = $1 AND statuspage_update_id IS NOT NULL", [incidentId]);
      return rows.map((row) => updateRow.parse(row).statuspage_update_id);
    },
    async recordApplied({ publicUpdateId, incidentId, statuspageUpdateId, at }) {
      await sql.query(
        `INSERT INTO statuspage_updates (public_update_id, incident_id, statuspage_update_id, applied_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (public_update_id) DO NOTHING`,
        [publicUpdateId, incidentId, statuspageUpdateId ?? null, at],
      );
    },
  };
}
