// What a step's `with` templates can see: the run's params, the incident, and the outputs of
// the steps before it (and, for verify and rollback, of the step itself).
import type { Incident } from "../../domain/incident.js";
import type { PlaybookRun } from "../../domain/playbook-run.js";
import { incidentScope, renderValue, type TemplateScope } from "../templates.js";

export function stepScope(run: PlaybookRun, incident: Incident, upTo: number): TemplateScope {
  const steps: Record<string, { output: unknown }> = {};
  for (const step of run.steps.slice(0, upTo + 1)) {
    if (step.state === "succeeded" || step.position === upTo) steps[step.stepId] = { output: step.output };
  }
  return { params: run.params, incident: incidentScope(incident), steps };
}

/** Renders every template in a `with` block. */
export function resolveWith(values: Record<string, unknown>, scope: TemplateScope): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, renderValue(value, scope)]));
}
