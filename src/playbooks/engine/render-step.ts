// Posts a step's message the first time and updates it in place afterwards. Always renders the
// step as it is now in the database, so renders that arrive late or twice show the same thing.
import { z } from "zod";
import type { JobContext } from "../../jobs/job-runner.js";
import { stepMessage } from "../../slack/views/step-message.js";
import type { EngineDeps } from "./engine-deps.js";

const payloadSchema = z.object({ runId: z.number().int(), position: z.number().int() });

export function renderStepJob(deps: EngineDeps) {
  return async (payload: unknown, _context: JobContext): Promise<void> => {
    const { runId, position } = payloadSchema.parse(payload);
    const run = await deps.store.runs.get(runId);
    const step = run?.steps[position];
    if (!run || !step) return;
    const incident = await deps.store.incidents.get(run.incidentId);
    if (!incident?.channelId) throw new Error(`INC-${run.incidentId} has no channel yet`);
    const message = stepMessage(run, step, incident.commander, deps.timezone);
    if (step.slackTs) await deps.chat.updateMessage(incident.channelId, step.slackTs, message);
    else {
      const { ts } = await deps.chat.postMessage(incident.channelId, message);
      await deps.store.runs.setSlackTs(step.id, ts);
    }
  };
}
