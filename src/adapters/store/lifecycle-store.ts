// Roles, follow-ups, and the changes Firebreak itself sent to PagerDuty.
import { z } from "zod";
import type { Followup, Role } from "../../domain/lifecycle.js";
import type { LifecycleRepository, OutboundKind } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

const roleRow = z.object({ incident_id: z.coerce.number(), name: z.string(), user_id: z.string(), assigned_by: z.string().nullable(), assigned_at: z.coerce.date() });
export const followupRow = z.object({
  id: z.coerce.number(), incident_id: z.coerce.number(), text: z.string(), created_by: z.string().nullable(), created_at: z.coerce.date(), issue_url: z.string().nullable(),
  issue_number: z.coerce.number().nullable(), owner_id: z.string().nullable(), due_on: z.string().nullable(), state: z.enum(["open", "done"]), closed_at: z.coerce.date().nullable(),
});

const toRole = (r: z.infer<typeof roleRow>): Role => ({ incidentId: r.incident_id, name: r.name, userId: r.user_id, assignedBy: r.assigned_by, assignedAt: r.assigned_at });
export const toFollowup = (r: z.infer<typeof followupRow>): Followup => ({
  id: r.id, incidentId: r.incident_id, text: r.text, createdBy: r.created_by, createdAt: r.created_at, issueUrl: r.issue_url,
  issueNumber: r.issue_number, ownerId: r.owner_id, dueOn: r.due_on, state: r.state, closedAt: r.closed_at,
});


export function createLifecycleStore(sql: SqlExecutor): LifecycleRepository {
  return {
    async setRole(role: Role): Promise<Role | undefined> {
      const [previous] = await sql.query("SELECT * FROM incident_roles WHERE incident_id = $1 AND name = $2", [role.incidentId, role.name]);
      await sql.query(
        `INSERT INTO incident_roles (incident_id, name, user_id, assigned_by, assigned_at) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (incident_id, name) DO UPDATE SET user_id = $3, assigned_by = $4, assigned_at = $5`,
        [role.incidentId, role.name, role.userId, role.assignedBy, role.assignedAt],
      );
      return previous ? toRole(roleRow.parse(previous)) : undefined;
    },

    async roles(incidentId: number): Promise<Role[]> {
      return (await sql.query("SELECT * FROM incident_roles WHERE incident_id = $1 ORDER BY name", [incidentId])).map((r) => toRole(roleRow.parse(r)));
    },

    async addFollowup(input: Omit<Followup, "id" | "issueUrl">): Promise<Followup> {
      const [row] = await sql.query("INSERT INTO followups (incident_id, text, created_by, created_at, owner_id, due_on) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *", [
        input.incidentId,
        input.text,
        input.createdBy,
        input.createdAt,
        input.ownerId ?? null,
        input.dueOn ?? null,
      ]);
      return toFollowup(followupRow.parse(row));
    },

    async followups(incidentId: number): Promise<Followup[]> {
      return (await sql.query("SELECT * FROM followups WHERE incident_id = $1 ORDER BY id", [incidentId])).map((r) => toFollowup(followupRow.parse(r)));
    },

    async setFollowupIssue(id: number, issue: { number: number; url: string }): Promise<void> {
      await sql.query("UPDATE followups SET issue_url = $2, issue_number = $3 WHERE id = $1", [id, issue.url, issue.number]);
    },

    async followupIssueNumbers(incidentId: number): Promise<Record<number, number>> {
      const rows = await sql.query<{ id: number; issue_number: number }>("SELECT id, issue_number FROM followups WHERE incident_id = $1 AND issue_number IS NOT NULL", [incidentId]);
      return Object.fromEntries(rows.map((r) => [Number(r.id), Number(r.issue_number)]));
    },

    /** Notes a change Firebreak is about to send to PagerDuty, so its webhook is recognised. */
    async recordOutbound(pagerdutyIncidentId: string, kind: OutboundKind, content: string | null, at: Date): Promise<void> {
      await sql.query("INSERT INTO pagerduty_outbound (pagerduty_incident_id, kind, content, created_at) VALUES ($1,$2,$3,$4)", [pagerdutyIncidentId, kind, content, at]);
    },

    /** True (once) if a webhook for this change is the echo of one Firebreak sent within the last hour. */
    async consumeOutbound(pagerdutyIncidentId: string, kind: OutboundKind, content: string | null, now: Date): Promise<boolean> {
      const rows = await sql.query(
        `UPDATE pagerduty_outbound SET consumed_at = $4
         WHERE id = (SELECT id FROM pagerduty_outbound
                     WHERE pagerduty_incident_id = $1 AND kind = $2 AND consumed_at IS NULL AND ($3::text IS NULL OR content = $3)
                       AND created_at > $4::timestamptz - interval '1 hour'
                     ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [pagerdutyIncidentId, kind, content, now],
      );
      return rows.length === 1;
    },
  };
}

