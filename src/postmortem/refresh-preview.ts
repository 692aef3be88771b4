// The post-mortem preview in the channel follows the record: every change that can alter the
// draft (a note, the impact, the root cause, a correction, a status or severity change, a
// follow-up, an event PagerDuty records, a playbook step's outcome) queues one refresh in the same transaction as the change, keyed by that change, so
// it happens once even when the job is retried, and it updates the message already posted
// rather than posting another. Before anyone asked for a preview there is nothing to refresh.
import { z } from "zod";
import type { JobHandler } from "../jobs/job-runner.js";
import { validateWith } from "../kernel/parse-json.js";
import { postmortemPreview } from "../views/slack/postmortem-views.js";
import { draftFor, type PostmortemDeps } from "./postmortem-flows.js";

export function refreshPreviewJob(deps: PostmortemDeps): JobHandler {
  return async (payload) => {
    const { incidentId } = validateWith(z.object({ incidentId: z.number().int() }), payload, "a preview refresh's payload");
    const incident = await deps.store.incidents.get(incidentId);
    const state = await deps.store.postmortems.get(incidentId);
    if (!incident?.channelId || !state.previewTs) return;
    // Drafted now, not when queued: a late or retried refresh shows the record as it is.
    const { draft } = await draftFor(deps, incident);
    await deps.chat.updateMessage(incident.channelId, state.previewTs, postmortemPreview(incident, draft, state.prUrl));
  };
}
