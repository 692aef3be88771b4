// What users saw: "1,705 calls ended abruptly", "about 2,670 API requests failed". Published
// post-mortems lead with that figure, so it has its own entry kind, repeatable as the count firms
// up; the post-mortem's Impact and TL;DR use the latest.
import { humanId, type Incident } from "../../domain/incident.js";
import type { NewTimelineEntry } from "../../domain/timeline.js";
import type { IncidentDeps } from "../deps.js";
import type { Actor } from "./change-incident.js";
import { refused, type Outcome } from "./outcome.js";
import { enqueuePreviewRefresh } from "../../postmortem/preview-refresh-queue.js";

export const impactEntry = (incidentId: number, text: string, actor: Actor, at: Date): NewTimelineEntry => ({
  incidentId,
  eventAt: at,
  kind: "impact",
  actor: actor.userId,
  text: `Impact: ${text}`,
  data: { impact: text },
});

/** `/incident impact [at <time>] <what users saw>`. */
export async function addImpact(deps: IncidentDeps, incident: Incident, text: string, actor: Actor, at?: Date): Promise<Outcome> {
  if (!text.trim()) return refused("Say what users saw, with a figure if you have one: `/incident impact About 2,670 API requests failed`.");
  await deps.store.transaction(async (tx) => {
    const { entry } = await tx.timeline.append(impactEntry(incident.id, text.trim(), actor, at ?? deps.now()));
    await enqueuePreviewRefresh(tx, incident.id, `entry:${entry.id}`, deps.now());
  });
  return { ok: true, reply: `Impact recorded on ${humanId(incident)}'s timeline; the post-mortem leads with the latest one.` };
}
