import { z } from "zod";
import { commanderTookOver } from "../../incidents/lifecycle/command-handover.js";
import type { JobContext } from "../../jobs/job-runner.js";
import { applyEvent } from "./apply-event.js";
import { currentEligibleSet } from "./approver-set.js";
import type { EngineDeps } from "./engine-deps.js";
import { validateWith } from "../../kernel/parse-json.js";

const payloadSchema = z.object({ runId: z.number().int(), position: z.number().int(), round: z.number().int() });

/**
 * An approval request nobody answered in time is asked again (and says so on the timeline), of
 * the approvers as they are now: like any new request, its eligible set is computed afresh, except
 * that a commander who took command themselves is not put in it.
 */
export function expireApprovalJob(deps: EngineDeps) {
  return async (payload: unknown, _context: JobContext): Promise<void> => {
    const { runId, position, round } = validateWith(payloadSchema, payload, "an expire-approval job's payload");
    const run = await deps.store.runs.get(runId);
    const step = run?.steps[position];
    if (!run || step?.state !== "awaiting_approval" || step.round !== round) return; // already decided
    const incident = (await deps.store.incidents.get(run.incidentId))!;
    // Someone who took command themselves never becomes an approver of a step that was already
    // waiting, not even by outwaiting its request: the commander slot keeps the earlier commander.
    const commander = (await commanderTookOver(deps.store, incident)) ? (step.eligible?.commander ?? null) : incident.commander;
    const eligible = await currentEligibleSet(deps, run.playbook.steps[position]!, commander, incident.id);
    await applyEvent(deps, runId, { type: "approval_expired", position, round, eligible, commander });
  };
}
