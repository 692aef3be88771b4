// The thread reply under a step's message that holds its plan's details (raw SQL, JSON patches,
// gate queries), so the channel shows only the change that matters. Posted once per plan: the
// job is enqueued in the same transaction that records the step's message (or on any later
// render), keyed by the step and its plan's details, and posts with postOnce, so a retry after a
// lost answer finds the reply instead of posting a second one.
import { createHash } from "node:crypto";
import { z } from "zod";
import { postOnce } from "../../incidents/post-once.js";
import type { JobContext } from "../../jobs/job-runner.js";
import { validateWith } from "../../kernel/parse-json.js";
import type { Repositories } from "../../ports/store.js";
import type { StepRun } from "../../domain/playbook-run.js";
import { stepDetails } from "../../views/slack/step-message.js";
import type { EngineDeps } from "./engine-deps.js";

export const STEP_DETAILS_JOB = "playbook.step-details";

const payloadSchema = z.object({ runId: z.number().int(), position: z.number().int(), plan: z.string() });

/** Which plan's details a reply shows: a re-planned step (after a retry) gets a reply of its own, the same plan never a second. */
const planKey = (step: Pick<StepRun, "plan">) => createHash("sha256").update(JSON.stringify(step.plan?.details ?? [])).digest("hex").slice(0, 16);

/** Enqueues the reply for a step whose message exists and whose plan has details; a no-op once enqueued for this plan. */
export async function enqueueStepDetails(tx: Pick<Repositories, "jobs">, runId: number, step: StepRun, now: Date): Promise<void> {
  if (!step.plan || step.plan.details.length === 0) return;
  const plan = planKey(step);
  await tx.jobs.enqueue({ kind: STEP_DETAILS_JOB, payload: { runId, position: step.position, plan }, dedupeKey: `step-details:${step.id}:${plan}` }, now);
}

export function stepDetailsJob(deps: EngineDeps) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { runId, position, plan } = validateWith(payloadSchema, payload, "a step-details job's payload");
    const run = await deps.store.runs.get(runId);
    const step = run?.steps[position];
    // A step planned again since has its own job for its new plan.
    if (!run || !step?.slackTs || planKey(step) !== plan) return;
    const incident = await deps.store.incidents.get(run.incidentId);
    if (!incident?.channelId) return;
    await postOnce(deps, context.writes, incident.channelId, { ...stepDetails(run, step), threadTs: step.slackTs, tag: { incident: incident.id, part: `step-details:${runId}:${position}:${plan}` } });
  };
}
