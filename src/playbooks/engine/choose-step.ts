// A person chose a value for a waiting step (a `choice` param) from what an earlier step found.
// The choice is an event like any other: applied once (a second choice, or one from an out-of-date
// message, is refused), saved with its timeline entry, and followed by planning the step with it.
import { choiceOffer } from "../../domain/step-choice.js";
import { eligiblePeople } from "../../domain/approval-policy.js";
import { humanId } from "../../domain/incident.js";
import type { StepChoiceValue } from "../../views/slack/step-message.js";
import { applyEvent } from "./apply-event.js";
import { currentEligibleSet } from "./approver-set.js";
import type { EngineDeps } from "./engine-deps.js";
import { loadShownStep } from "./shown-step.js";

type Result = { ok: true } | { ok: false; reason: string };

export async function chooseForStep(deps: EngineDeps, input: { userId: string; shown: StepChoiceValue }): Promise<Result> {
  const { shown, userId } = input;
  const found = await loadShownStep(deps, shown);
  if ("refusal" in found) return { ok: false, reason: found.refusal };
  const { run, step, incident, def } = found;
  if (incident.status === "resolved") return { ok: false, reason: `${humanId(incident)} is resolved, so its playbook steps can no longer be changed.` };
  if (run.state !== "running") return { ok: false, reason: `This playbook run has ${run.state === "aborted" ? "been aborted" : run.state}.` };
  if (step.version !== shown.version || step.round !== shown.round || step.state !== "choosing") {
    return { ok: false, reason: `This choice was already made or the step has moved on: “${def.title}” is ${step.state.replace("_", " ")} now. Look at its updated message.` };
  }
  // Choosing decides what the step will act on, so it belongs to the people who run it: the
  // person who started the run, the commander, or someone who may approve the step.
  if (userId !== run.requestedBy && userId !== incident.commander) {
    let approvers: string[] = [];
    try {
      approvers = def.approval ? eligiblePeople(await currentEligibleSet(deps, def, incident.commander, incident.id)) : [];
    } catch {
      return { ok: false, reason: "Firebreak could not check the approver groups with Slack just now, so nothing was chosen. Try again in a minute." };
    }
    if (!approvers.includes(userId)) {
      return { ok: false, reason: `Only <@${run.requestedBy}>, who started the run, the incident commander${incident.commander ? ` (<@${incident.commander}>)` : ""} or someone who may approve “${def.title}” can choose for it.` };
    }
  }
  const value = choiceOffer(run, shown.position)?.values[shown.choice];
  if (value === undefined) return { ok: false, reason: "That option is not one Firebreak offered; choose again from the step's message." };
  const result = await applyEvent(deps, run.id, { type: "choose", position: shown.position, userId, value }, userId);
  return result.ok ? { ok: true } : result;
}
