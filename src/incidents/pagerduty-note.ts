// Notes on the PagerDuty incident, so responders who start from the page find the channel (or
// learn that Slack is down and the channel is on its way).
import { z } from "zod";
import { humanId, type Incident } from "../domain/incident.js";
import type { JobContext } from "../jobs/job-runner.js";
import type { IncidentDeps } from "./deps.js";
import type { PagingPort } from "../ports/paging.js";
import { validateWith } from "../kernel/parse-json.js";

export const PAGERDUTY_NOTE_JOB = "incident.pagerduty-note";

const payloadSchema = z.object({ incidentId: z.number().int(), reason: z.enum(["channel-ready", "slack-delayed"]) });

/**
 * Adds a note unless an earlier attempt of the same job already did: PagerDuty takes no
 * idempotency key, and a job can die after PagerDuty stored the note but before the job was
 * marked done. A retry (attempt 2 or later) first looks for the same text among the notes.
 */
export async function addNoteOnce(paging: PagingPort, pagerdutyIncidentId: string, content: string, attempt: number): Promise<"added" | "already-there"> {
  if (attempt > 1 && (await paging.notes(pagerdutyIncidentId)).some((note) => note.content === content)) return "already-there";
  await paging.addNote(pagerdutyIncidentId, content);
  return "added";
}

export function pagerdutyNoteJob(deps: IncidentDeps) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { incidentId, reason } = validateWith(payloadSchema, payload, "a PagerDuty note job's payload");
    const incident = await deps.store.incidents.get(incidentId);
    if (!incident?.pagerdutyIncidentId || !deps.paging) return;
    const sourceKey = `pagerduty:note:${reason}`;
    if (await deps.store.timeline.findBySourceKey(incidentId, sourceKey)) return;
    const content = reason === "channel-ready" ? await channelReadyNote(deps, incident) : slackDelayedNote(incident);
    if (!content) return;
    // Recorded before the call, so the webhook PagerDuty sends about the note is known as ours.
    if (context.job.attempts === 1) await deps.store.lifecycle.recordOutbound(incident.pagerdutyIncidentId, "annotated", content, deps.now());
    await addNoteOnce(deps.paging, incident.pagerdutyIncidentId, content, context.job.attempts);
    await deps.store.timeline.append({ incidentId, eventAt: deps.now(), kind: "pagerduty-note", text: `PagerDuty note added: ${content}`, sourceKey });
  };
}

async function channelReadyNote(deps: IncidentDeps, incident: Incident): Promise<string | undefined> {
  if (!incident.channelId) return undefined;
  const link = (incident.headerTs && (await deps.chat.permalink(incident.channelId, incident.headerTs).catch(() => undefined))) ??
    `https://slack.com/app_redirect?channel=${incident.channelId}`;
  return `${humanId(incident)} is being handled in Slack channel #${incident.channelName}: ${link}`;
}

function slackDelayedNote(incident: Incident): string {
  return `Firebreak recorded this page as ${humanId(incident)}, but Slack is failing (${incident.slackFailure ?? "error"}). ` +
    "The incident channel will be created automatically as soon as Slack recovers.";
}
