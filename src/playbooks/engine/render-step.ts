// Posts a step's message the first time and updates it in place afterwards. Always renders the
// step as it is now in the database, so renders that arrive late or twice show the same thing.
import { z } from "zod";
import { postOnce, postOnceKey } from "../../incidents/post-once.js";
import type { JobContext } from "../../jobs/job-runner.js";
import type { WriteLedger } from "../../jobs/write-ledger.js";
import { stepMessage } from "../../views/slack/step-message.js";
import { RENDER_STEP_JOB, type EngineDeps } from "./engine-deps.js";

const payloadSchema = z.object({ runId: z.number().int(), position: z.number().int() });

export function renderStepJob(deps: EngineDeps) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { runId, position } = payloadSchema.parse(payload);
    const run = await deps.store.runs.get(runId);
    const step = run?.steps[position];
    if (!run || !step) return;
    const incident = await deps.store.incidents.get(run.incidentId);
    if (!incident?.channelId) throw new Error(`INC-${run.incidentId} has no channel yet`);
    const message = stepMessage(run, step, incident.commander, deps.timezone);
    if (step.slackTs) return deps.chat.updateMessage(incident.channelId, step.slackTs, message);
    const tag = { incident: incident.id, part: `step:${runId}:${position}` };
    // A step is rendered by several jobs (one per change, and progress), and any of them may be
    // the one whose post lost its answer: the next render, not only the same job's retry, must
    // look for that message instead of posting a second one.
    const key = postOnceKey(incident.channelId, tag);
    const earlier = context.writes.unconfirmed(key) ?? (await deps.store.jobs.firstWrite(RENDER_STEP_JOB, key));
    const writes: WriteLedger = { unconfirmed: (k) => (k === key ? earlier : context.writes.unconfirmed(k)), sending: (k) => context.writes.sending(k) };
    const ts = await postOnce(deps, writes, incident.channelId, { ...message, tag });
    await deps.store.runs.setSlackTs(step.id, ts);
    // A message found from an earlier try shows the step as it was then.
    if (earlier) await deps.chat.updateMessage(incident.channelId, ts, message);
  };
}
