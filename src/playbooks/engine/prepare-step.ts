// Makes a step concrete before anyone approves it: renders its templates, checks the result
// against the action's input schema, and asks the action for its dry-run plan. What approvers
// see is exactly what will run, because the resolved input is stored with the plan.
import { z } from "zod";
import { isPeakHours } from "../../domain/peak-hours.js";
import type { JobContext } from "../../jobs/job-runner.js";
import { actionContext } from "./action-context.js";
import { applyEvent } from "./apply-event.js";
import { currentEligibleSet } from "./approver-set.js";
import type { EngineDeps } from "./engine-deps.js";
import { resolveWith, stepScope } from "./step-scope.js";
import { validateWith } from "../../kernel/parse-json.js";

const payloadSchema = z.object({ runId: z.number().int(), position: z.number().int() });

export function prepareStepJob(deps: EngineDeps) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { runId, position } = validateWith(payloadSchema, payload, "a prepare-step job's payload");
    const run = await deps.store.runs.get(runId);
    const step = run?.steps[position];
    if (!run || step?.state !== "preparing") return; // already prepared by an earlier attempt
    const incident = (await deps.store.incidents.get(run.incidentId))!;
    const def = run.playbook.steps[position]!;
    const action = deps.registry.get(def.action);
    const log = context.log.child({ runId, stepId: def.id });
    // Outside the try: if Slack cannot say who is in a group now, the job is tried again later
    // rather than the step failing.
    const eligible = def.approval ? await currentEligibleSet(deps, def, incident.commander, incident.id) : undefined;
    let event;
    try {
      if (!action) throw new Error(`the action "${def.action}" is not available in this Firebreak (is its integration configured?)`);
      const rendered = resolveWith(def.with, stepScope(run, incident, position - 1));
      const parsed = action.input.safeParse(rendered);
      if (!parsed.success) throw new Error(`its input is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ")}`);
      const controller = new AbortController();
      const plan = await action.plan(parsed.data, actionContext(log, deps.now, controller.signal, undefined, run.incidentId));
      const limit = deps.file.blast_radius[def.action];
      const touched = plan.risk.blastRadius;
      if (limit !== undefined && touched && touched.count > limit) {
        throw new Error(`it would touch ${touched.count} ${touched.unit}, over the limit of ${limit} set for ${def.action} in firebreak.yaml (blast_radius); nothing was run`);
      }
      event = { type: "prepared" as const, position, input: parsed.data, plan, peakHours: isPeakHours(deps.now(), deps.file.peak_hours, deps.timezone), ...(eligible && { eligible }) };
    } catch (error) {
      event = { type: "prepare_failed" as const, position, error: `Could not plan it: ${error instanceof Error ? error.message : String(error)}` };
    }
    const result = await applyEvent(deps, runId, event);
    if (!result.ok) log.warn({ reason: result.reason }, "prepared step was not recorded");
  };
}
