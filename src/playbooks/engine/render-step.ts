// Posts a step's message the first time and updates it in place afterwards. Always renders the
// step as it is now in the database, so renders that arrive late or twice show the same thing.
import { z } from "zod";
import { postOnce, postOnceKey } from "../../incidents/post-once.js";
import { DeferJob, type JobContext } from "../../jobs/job-runner.js";
import type { RunRecord } from "../../ports/store.js";
import type { WriteLedger } from "../../jobs/write-ledger.js";
import { stepMessage } from "../../views/slack/step-message.js";
import { RENDER_STEP_JOB, type EngineDeps } from "./engine-deps.js";
import { enqueueStepDetails } from "./step-details.js";
import { enqueueStepOutput, stepOutcome } from "./step-output.js";

const payloadSchema = z.object({ runId: z.number().int(), position: z.number().int() });

const ORDER_WAIT_MS = 250;

/**
 * Why this render may not post its step's first message yet, or undefined when it may. Renders are
 * jobs, one per change, and several may run at once; the first message of a run's steps is posted
 * by one render at a time, in step order: the oldest queued render of a step posts it (the others
 * wait and then update it), and not before every earlier step that has changed has its message.
 * A render that can no longer happen (its job died) holds nothing back.
 */
async function mustWait(deps: EngineDeps, run: RunRecord, position: number, jobId: number): Promise<string | undefined> {
  const queued = [...(await deps.store.jobs.list({ kind: RENDER_STEP_JOB, status: "pending" })), ...(await deps.store.jobs.list({ kind: RENDER_STEP_JOB, status: "running" }))]
    .flatMap((job) => {
      const parsed = payloadSchema.safeParse(job.payload);
      return parsed.success && parsed.data.runId === run.id ? [{ id: job.id, position: parsed.data.position }] : [];
    });
  const earlier = run.steps.find((s) => s.position < position && s.slackTs === null && s.state !== "pending" && queued.some((q) => q.position === s.position));
  if (earlier) return `step ${earlier.position + 1}'s message is posted first`;
  if (queued.some((q) => q.position === position && q.id < jobId)) return "an older render of this step posts its message";
  return undefined;
}

export function renderStepJob(deps: EngineDeps) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { runId, position } = payloadSchema.parse(payload);
    const run = await deps.store.runs.get(runId);
    const step = run?.steps[position];
    if (!run || !step) return;
    const incident = await deps.store.incidents.get(run.incidentId);
    if (!incident?.channelId) throw new Error(`INC-${run.incidentId} has no channel yet`);
    const message = stepMessage(run, step, incident.commander, deps.timezone, stepOutcome(deps.registry, run, step));
    if (step.slackTs) {
      await deps.chat.updateMessage(incident.channelId, step.slackTs, message);
      // A plan made after the message was first posted (the step was planned again) gets its details too.
      await enqueueStepDetails(deps.store, runId, step, deps.now());
      await enqueueStepOutput(deps.store, runId, step, deps.now());
      return deps.nudgeJobs();
    }
    // Step messages appear in step order and once: a step that moved quickly (a read-only check run
    // without approval) must not have the next step's message posted above its own, nor two of
    // its renders each post one. Waiting is pacing: no attempt is spent.
    const wait = await mustWait(deps, run, position, context.job.id);
    if (wait) throw new DeferJob(new Date(context.now.getTime() + ORDER_WAIT_MS), wait);
    const tag = { incident: incident.id, part: `step:${runId}:${position}` };
    // A step is rendered by several jobs (one per change, and progress), and any of them may be
    // the one whose post lost its answer: the next render, not only the same job's retry, must
    // look for that message instead of posting a second one.
    const key = postOnceKey(incident.channelId, tag);
    const sentBefore = context.writes.unconfirmed(key) ?? (await deps.store.jobs.firstWrite(RENDER_STEP_JOB, key));
    const writes: WriteLedger = { unconfirmed: (k) => (k === key ? sentBefore : context.writes.unconfirmed(k)), sending: (k) => context.writes.sending(k), prepared: (k) => context.writes.prepared(k) };
    const ts = await postOnce(deps, writes, incident.channelId, { ...message, tag });
    // The message and its details reply are recorded together: a crash after the post cannot lose the reply.
    await deps.store.transaction(async (tx) => {
      await tx.runs.setSlackTs(step.id, ts);
      await enqueueStepDetails(tx, runId, step, deps.now());
      await enqueueStepOutput(tx, runId, step, deps.now());
    });
    deps.nudgeJobs();
    // A message found from an earlier try shows the step as it was then.
    if (sentBefore) await deps.chat.updateMessage(incident.channelId, ts, message);
  };
}
