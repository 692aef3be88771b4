import { z } from "zod";
import type { PostmortemEdits } from "../../domain/postmortem.js";
import type { PostmortemsRepository, PostmortemState } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

const editsSchema = z.object({ tldr: z.string(), impact: z.string(), rootCause: z.string(), resolution: z.string(), remediations: z.string(), wentWell: z.string(), wentPoorly: z.string() }).partial();
const row = z.object({
  incident_id: z.coerce.number(),
  edits: editsSchema,
  preview_ts: z.string().nullable(),
  preview_sent_at: z.coerce.date().nullable(),
  branch: z.string().nullable(),
  pr_number: z.coerce.number().nullable(),
  pr_url: z.string().nullable(),
  published_at: z.coerce.date().nullable(),
});


const toState = (r: z.infer<typeof row>): PostmortemState => ({
  incidentId: r.incident_id,
  edits: r.edits,
  previewTs: r.preview_ts,
  previewSentAt: r.preview_sent_at,
  branch: r.branch,
  prNumber: r.pr_number,
  prUrl: r.pr_url,
  publishedAt: r.published_at,
});

export function createPostmortemsStore(sql: SqlExecutor): PostmortemsRepository {
  return {
    async get(incidentId: number): Promise<PostmortemState> {
      const [found] = await sql.query("SELECT * FROM postmortems WHERE incident_id = $1", [incidentId]);
      return found ? toState(row.parse(found)) : { incidentId, edits: {}, previewTs: null, previewSentAt: null, branch: null, prNumber: null, prUrl: null, publishedAt: null };
    },

    /** Merges edits (a section set to "" is cleared back to the draft); `replace` starts over. */
    async saveEdits(incidentId: number, edits: PostmortemEdits, options: { replace?: boolean } = {}): Promise<PostmortemState> {
      const [saved] = await sql.query(
        `INSERT INTO postmortems (incident_id, edits) VALUES ($1, $2)
         ON CONFLICT (incident_id) DO UPDATE SET edits = CASE WHEN $3 THEN $2 ELSE postmortems.edits || $2 END, updated_at = now()
         RETURNING *`,
        [incidentId, edits, options.replace ?? false],
      );
      return toState(row.parse(saved));
    },

    async setPreview(incidentId: number, ts: string): Promise<void> {
      await sql.query(
        "INSERT INTO postmortems (incident_id, preview_ts) VALUES ($1, $2) ON CONFLICT (incident_id) DO UPDATE SET preview_ts = $2, updated_at = now()",
        [incidentId, ts],
      );
    },

    /** Notes, before the call, that the preview is being posted; the first note keeps its time. */
    async notePreviewSent(incidentId: number, at: Date): Promise<void> {
      await sql.query(
        `INSERT INTO postmortems (incident_id, preview_sent_at) VALUES ($1, $2)
         ON CONFLICT (incident_id) DO UPDATE SET preview_sent_at = coalesce(postmortems.preview_sent_at, $2), updated_at = now()`,
        [incidentId, at],
      );
    },

    async setPublished(incidentId: number, published: { branch: string; prNumber: number; prUrl: string; at: Date }): Promise<void> {
      await sql.query(
        `INSERT INTO postmortems (incident_id, branch, pr_number, pr_url, published_at) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (incident_id) DO UPDATE SET branch = $2, pr_number = $3, pr_url = $4, published_at = $5, updated_at = now()`,
        [incidentId, published.branch, published.prNumber, published.prUrl, published.at],
      );
    },
  };
}

