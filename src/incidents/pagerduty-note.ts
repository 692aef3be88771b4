// Notes on the PagerDuty incident, so responders who start from the page find the channel (or
// learn that Slack is down and the channel is on its way).
import { z } from "zod";
import { humanId, type Incident } from "../domain/incident.js";
import type { JobContext } from "../jobs/job-runner.js";
import type { IncidentDeps } from "./deps.js";

export const PAGERDUTY_NOTE_JOB = "incident.pagerduty-note";

const payloadSchema = z.object({ incidentId: z.number().int(), reason: z.enum(["channel-ready", "slack-delayed"]) });

export function pagerdutyNoteJob(deps: IncidentDeps) {
  return async (payload: unknown, _context: JobContext): Promise<void> => {
    const { incidentId, reason } = payloadSchema.parse(payload);
    const incident = await deps.store.incidents.get(incidentId);
    if (!incident?.pagerdutyIncidentId || !deps.paging) return;
    const sourceKey = `pagerduty:note:${reason}`;
    if (await deps.store.timeline.findBySourceKey(incidentId, sourceKey)) return;
    const content = reason === "channel-ready" ? await channelReadyNote(deps, incident) : slackDelayedNote(incident);
    if (!content) return;
    await deps.paging.addNote(incident.pagerdutyIncidentId, content);
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
