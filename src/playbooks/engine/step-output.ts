// What a finished step found, said two ways: one sentence in the step's message (the action's
// `summarize`, e.g. "Found 1 invalid index: orders_email_key on orders"), and the raw output in a
// thread reply under it for whoever needs the rest. The reply is posted once per attempt, the
// same way the plan's details are: a job enqueued with the render that sees the step succeeded,
// posting with postOnce so a retry after a lost answer finds the reply instead of posting again.
import { z } from "zod";
import { postOnce } from "../../incidents/post-once.js";
import type { JobContext } from "../../jobs/job-runner.js";
import { validateWith } from "../../kernel/parse-json.js";
import type { Repositories } from "../../ports/store.js";
import type { PlaybookRun, StepRun } from "../../domain/playbook-run.js";
import { hasOutput, stepOutput } from "../../views/slack/step-message.js";
import type { ActionRegistry } from "../action-registry.js";
import type { EngineDeps } from "./engine-deps.js";

export const STEP_OUTPUT_JOB = "playbook.step-output";

const payloadSchema = z.object({ runId: z.number().int(), position: z.number().int(), attempt: z.number().int() });

/**
 * The action's sentence for a succeeded step's output, or undefined (no output, an action without
 * `summarize`, or an output it cannot read — a row written by an older release); the message then
 * points to the thread alone.
 */
export function stepOutcome(registry: ActionRegistry, run: PlaybookRun, step: StepRun): string | undefined {
  if (!hasOutput(step)) return undefined;
  const action = registry.get(run.playbook.steps[step.position]?.action ?? "");
  try {
    return action?.summarize?.(step.output, step.input) || undefined;
  } catch {
    return undefined;
  }
}

/** Enqueues the output reply for a succeeded step whose message exists; a no-op once enqueued for this attempt. */
export async function enqueueStepOutput(tx: Pick<Repositories, "jobs">, runId: number, step: StepRun, now: Date): Promise<void> {
  if (!hasOutput(step)) return;
  await tx.jobs.enqueue({ kind: STEP_OUTPUT_JOB, payload: { runId, position: step.position, attempt: step.attempt }, dedupeKey: `step-output:${step.id}:${step.attempt}` }, now);
}

export function stepOutputJob(deps: EngineDeps) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { runId, position, attempt } = validateWith(payloadSchema, payload, "a step-output job's payload");
    const run = await deps.store.runs.get(runId);
    const step = run?.steps[position];
    if (!run || !step?.slackTs || step.attempt !== attempt || !hasOutput(step)) return;
    const incident = await deps.store.incidents.get(run.incidentId);
    if (!incident?.channelId) return;
    await postOnce(deps, context.writes, incident.channelId, { ...stepOutput(step), threadTs: step.slackTs, tag: { incident: incident.id, part: `step-output:${runId}:${position}:${attempt}` } });
  };
}
