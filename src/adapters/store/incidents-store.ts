import type { Incident, NewIncident, Severity, Status } from "../../domain/incident.js";
import { incidentRow, parseRows } from "./rows.js";
import type { IncidentChanges, IncidentsRepository } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

const columns: Record<keyof IncidentChanges, string> = {
  title: "title",
  severity: "severity",
  status: "status",
  description: "description",
  services: "services",
  commander: "commander",
  channelId: "channel_id",
  channelName: "channel_name",
  channelCreatedAt: "channel_created_at",
  headerTs: "header_ts",
  announcementTs: "announcement_ts",
  slackFailure: "slack_failure",
  lastUpdateAt: "last_update_at",
  archivedAt: "archived_at",
  resolvedAt: "resolved_at",
  pagerdutyIncidentId: "pagerduty_incident_id",
  pagerdutyIncidentUrl: "pagerduty_incident_url",
  pagerdutyServiceId: "pagerduty_service_id",
};

export function createIncidentsStore(sql: SqlExecutor): IncidentsRepository {
  const one = async (text: string, params: unknown[]) => parseRows(incidentRow, await sql.query(text, params))[0];
  return {
    async create(input: NewIncident): Promise<Incident> {
      const incident = await one(
        `INSERT INTO incidents (title, severity, status, description, services, source, declared_by, commander,
           pagerduty_incident_id, pagerduty_incident_url, datadog_monitor_id, datadog_monitor_url, detected_at, declared_at,
           pagerduty_service_id, pagerduty_escalation_policy_id, private)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING *`,
        [
          input.title,
          input.severity,
          input.status ?? "investigating",
          input.description ?? "",
          input.services ?? [],
          input.source,
          input.declaredBy ?? null,
          input.commander ?? null,
          input.pagerdutyIncidentId ?? null,
          input.pagerdutyIncidentUrl ?? null,
          input.datadogMonitorId ?? null,
          input.datadogMonitorUrl ?? null,
          input.detectedAt,
          input.declaredAt ?? input.detectedAt,
          input.pagerdutyServiceId ?? null,
          input.pagerdutyEscalationPolicyId ?? null,
          input.private ?? false,
        ],
      );
      return incident!;
    },

    get: (id: number) => one("SELECT * FROM incidents WHERE id = $1", [id]),

    byChannel: (channelId: string) => one("SELECT * FROM incidents WHERE channel_id = $1", [channelId]),

    byPagerdutyIncident: (pagerdutyId: string) => one("SELECT * FROM incidents WHERE pagerduty_incident_id = $1", [pagerdutyId]),

    /** The most recently declared open incident for a service declared at or after `since`. */
    openForService: (service: string, since: Date) =>
      one(
        `SELECT * FROM incidents WHERE status <> 'resolved' AND services @> ARRAY[$1]::text[] AND declared_at >= $2
         ORDER BY declared_at DESC, id DESC LIMIT 1`,
        [service, since],
      ),

    /** The open incident a Datadog monitor's alerts belong to. */
    openForMonitor: (monitorId: string) =>
      one("SELECT * FROM incidents WHERE status <> 'resolved' AND datadog_monitor_id = $1 ORDER BY id DESC LIMIT 1", [monitorId]),

    /** The latest incident for a Datadog monitor, open or not (a recovery may come after resolve). */
    latestForMonitor: (monitorId: string) =>
      one("SELECT * FROM incidents WHERE datadog_monitor_id = $1 ORDER BY id DESC LIMIT 1", [monitorId]),

    async list(options: { open?: boolean; limit?: number } = {}): Promise<Incident[]> {
      const where = options.open ? "WHERE status <> 'resolved'" : "";
      return parseRows(incidentRow, await sql.query(`SELECT * FROM incidents ${where} ORDER BY id DESC LIMIT $1`, [options.limit ?? 100]));
    },

    /**
     * Applies changes if the incident is still at `expectedVersion` (optimistic concurrency);
     * returns undefined when someone else changed it first.
     */
    async update(id: number, expectedVersion: number, changes: IncidentChanges): Promise<Incident | undefined> {
      const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof IncidentChanges, unknown][];
      const sets = entries.map(([key], i) => `${columns[key]} = $${i + 3}`);
      return one(
        `UPDATE incidents SET ${[...sets, "version = version + 1", "updated_at = now()"].join(", ")}
         WHERE id = $1 AND version = $2 RETURNING *`,
        [id, expectedVersion, ...entries.map(([, v]) => v)],
      );
    },
  };
}

