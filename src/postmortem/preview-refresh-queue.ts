// Queuing a refresh of the post-mortem preview, apart from the job that draws it
// (./refresh-preview.ts): webhook intake queues refreshes, and should not load the draft and the
// chart renderer to do it.
import type { Repositories } from "../ports/store.js";

export const REFRESH_PREVIEW_JOB = "postmortem.refresh-preview";

/** `change` names the change (an entry id, a version), so the same change never refreshes twice. */
export async function enqueuePreviewRefresh(tx: Pick<Repositories, "jobs" | "postmortems">, incidentId: number, change: string, now: Date): Promise<void> {
  if (!(await tx.postmortems.get(incidentId)).previewTs) return;
  await tx.jobs.enqueue({ kind: REFRESH_PREVIEW_JOB, payload: { incidentId }, dedupeKey: `postmortem-preview:${incidentId}:${change}` }, now);
}
