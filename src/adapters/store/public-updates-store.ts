// Public updates and the status page's generation (migration 014).
import { z } from "zod";
import { componentStatuses, publicStatuses, publicUpdateKinds, publicUpdateStates, type NewPublicUpdate, type PublicUpdate } from "../../domain/public-update.js";
import type { PublicUpdatesRepository } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

const eligibleSchema = z.object({
  commander: z.string().nullable(),
  users: z.array(z.string()),
  groups: z.array(z.object({ name: z.string(), members: z.array(z.string()) })),
});

const publicUpdateRow = z
  .object({
    id: z.coerce.number().int(),
    public_id: z.string(),
    incident_id: z.coerce.number().int(),
    kind: z.enum(publicUpdateKinds),
    status: z.enum(publicStatuses).nullable(),
    title: z.string(),
    body: z.string(),
    components: z.array(z.object({ key: z.string(), status: z.enum(componentStatuses) })),
    state: z.enum(publicUpdateStates),
    requested_by: z.string(),
    requested_at: z.coerce.date(),
    eligible: eligibleSchema,
    expires_at: z.coerce.date(),
    decided_by: z.string().nullable(),
    decided_at: z.coerce.date().nullable(),
    deny_reason: z.string().nullable(),
    message_ts: z.string().nullable(),
  })
  .transform(
    (r): PublicUpdate => ({
      id: r.id,
      publicId: r.public_id,
      incidentId: r.incident_id,
      kind: r.kind,
      status: r.status,
      title: r.title,
      body: r.body,
      components: r.components,
      state: r.state,
      requestedBy: r.requested_by,
      requestedAt: r.requested_at,
      eligible: r.eligible,
      expiresAt: r.expires_at,
      decidedBy: r.decided_by,
      decidedAt: r.decided_at,
      denyReason: r.deny_reason,
      messageTs: r.message_ts,
    }),
  );

const rows = (found: unknown[]) => found.map((r) => publicUpdateRow.parse(r));
// Arrays and objects go in as JSON text: the pg driver would send a JS array as a PostgreSQL array.
const json = (value: unknown) => JSON.stringify(value);

export function createPublicUpdatesStore(sql: SqlExecutor): PublicUpdatesRepository {
  return {
    async request(input: NewPublicUpdate) {
      const found = await sql.query(
        `INSERT INTO public_updates (incident_id, kind, status, title, body, components, requested_by, requested_at, eligible, expires_at)
         VALUES ($1,$2,$3,$4,$5,$6::text::jsonb,$7,$8,$9::text::jsonb,$10) RETURNING *`,
        [input.incidentId, input.kind, input.status, input.title, input.body, json(input.components), input.requestedBy, input.requestedAt, json(input.eligible), input.expiresAt],
      );
      return rows(found)[0]!;
    },
    async get(id) {
      return rows(await sql.query("SELECT * FROM public_updates WHERE id = $1", [id]))[0];
    },
    async decide(id, decision) {
      // Expiry is decided by the clock, approval and denial only before it: a click at 30:01 loses.
      const found = await sql.query(
        `UPDATE public_updates SET state = $2, decided_by = $3, decided_at = $4, deny_reason = $5
         WHERE id = $1 AND state = 'pending' AND (($2 = 'expired') = (expires_at <= $4)) RETURNING *`,
        [id, decision.state, decision.by, decision.at, decision.reason ?? null],
      );
      return rows(found)[0];
    },
    async setMessageTs(id, ts) {
      await sql.query("UPDATE public_updates SET message_ts = $2 WHERE id = $1", [id, ts]);
    },
    async forIncident(incidentId) {
      return rows(await sql.query("SELECT * FROM public_updates WHERE incident_id = $1 ORDER BY id", [incidentId]));
    },
    async publishedForPage(since) {
      // A private incident never gets a published row; the join is a second guard, should one
      // be made private after an update went out.
      const found = await sql.query(
        `SELECT * FROM public_updates WHERE state = 'published'
           AND incident_id IN (SELECT id FROM incidents WHERE NOT coalesce(private, false))
           AND incident_id IN (
           SELECT incident_id FROM public_updates WHERE state = 'published' GROUP BY incident_id
           HAVING max(decided_at) >= $1
               OR coalesce((array_agg(status ORDER BY decided_at DESC, id DESC) FILTER (WHERE kind = 'update'))[1], 'resolved') <> 'resolved')
         ORDER BY decided_at, id`,
        [since],
      );
      return rows(found);
    },
    async page() {
      const [found] = await sql.query<{ generation: string | number; feed_id: string }>("SELECT generation, feed_id FROM status_page WHERE singleton");
      return { generation: Number(found!.generation), feedId: found!.feed_id };
    },
    async bumpGeneration() {
      const [found] = await sql.query<{ generation: string | number }>("UPDATE status_page SET generation = generation + 1 WHERE singleton RETURNING generation");
      return Number(found!.generation);
    },
  };
}
