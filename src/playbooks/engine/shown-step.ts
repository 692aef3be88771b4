// What a person's click on a step message refers to, read back from the database: the run, the
// step as it is now, its definition and its incident. Every step action starts here, so a step
// that no longer exists is answered the same way wherever it was clicked.
import type { Incident } from "../../domain/incident.js";
import type { PlaybookRun, StepRun } from "../../domain/playbook-run.js";
import type { PlaybookStep } from "../../domain/playbook-schema.js";
import type { EngineDeps } from "./engine-deps.js";

export interface ShownStep {
  run: PlaybookRun;
  step: StepRun;
  def: PlaybookStep;
  incident: Incident;
}

export async function loadShownStep(deps: Pick<EngineDeps, "store">, shown: { runId: number; position: number }): Promise<ShownStep | { refusal: string }> {
  const run = await deps.store.runs.get(shown.runId);
  const step = run?.steps[shown.position];
  if (!run || !step) return { refusal: "That playbook step no longer exists." };
  const incident = (await deps.store.incidents.get(run.incidentId))!;
  return { run, step, def: run.playbook.steps[shown.position]!, incident };
}
