// A person pressed a step button: check they may (on the server, whatever the message showed),
// then apply their decision. Every refusal is a sentence for them.
import { groupsToRecheck, mayDecide, type StepDecision } from "../../domain/approval-policy.js";
import { humanId } from "../../domain/incident.js";
import type { RunEvent } from "../../domain/playbook-run.js";
import { commanderTookOver } from "../../incidents/lifecycle/command-handover.js";
import type { StepButtonValue } from "../../views/slack/step-message.js";
import { applyEvent } from "./apply-event.js";
import { currentEligibleSet, groupsNow } from "./approver-set.js";
import type { EngineDeps } from "./engine-deps.js";
import { loadShownStep } from "./shown-step.js";

export interface StepDecisionInput {
  decision: StepDecision;
  userId: string;
  shown: StepButtonValue;
  reason?: string;
}

type Result = { ok: true } | { ok: false; reason: string };

export async function decideStep(deps: EngineDeps, input: StepDecisionInput): Promise<Result> {
  const { shown, userId, decision } = input;
  const found = await loadShownStep(deps, shown);
  if ("refusal" in found) return { ok: false, reason: found.refusal };
  const { run, step, incident, def } = found;
  // Eligibility is read from the round stored in the database; only membership of the groups
  // that made this person eligible is looked up again (someone removed since is refused).
  let userGroups: string[];
  try {
    userGroups = step.eligible ? await groupsNow(deps, userId, groupsToRecheck(step.eligible, userId), incident.id) : [];
  } catch {
    return { ok: false, reason: "Firebreak could not check your approver group membership with Slack just now, so nothing was recorded. Try again in a minute." };
  }
  const verdict = mayDecide({ decision, userId, userGroups, incident, run, step, def, shown: { version: shown.version, round: shown.round }, now: deps.now() });
  if (!verdict.ok) return verdict;
  const position = shown.position;
  const event: RunEvent =
    decision === "approve" ? { type: "approve", position, userId }
    : decision === "deny" ? { type: "deny", position, userId, reason: input.reason ?? "no reason given" }
    : decision === "retry" ? { type: "retry", position, userId }
    : decision === "skip" ? { type: "skip", position, userId }
    : { type: "abort", userId };
  const result = await applyEvent(deps, run.id, event, userId);
  return result.ok ? { ok: true } : result;
}

/**
 * "Re-request approval": asks a waiting step again, of the approvers as they are now, in a new
 * round (the old message's buttons go out of date). For the person who started the run and the
 * commander — but not a commander who took command themselves: otherwise taking command and
 * re-requesting would make anyone an approver of a step that was already waiting.
 */
export async function rerequestApproval(deps: EngineDeps, input: { userId: string; shown: StepButtonValue }): Promise<Result> {
  const { shown, userId } = input;
  const found = await loadShownStep(deps, shown);
  if ("refusal" in found) return { ok: false, reason: found.refusal };
  const { run, step, incident, def } = found;
  if (incident.status === "resolved") return { ok: false, reason: `${humanId(incident)} is resolved, so its playbook steps can no longer be changed.` };
  if (step.version !== shown.version || step.round !== shown.round) {
    return { ok: false, reason: "This message is out of date: the step has changed since it was shown. Look at the updated message below." };
  }
  if (run.state !== "running" || step.state !== "awaiting_approval") return { ok: false, reason: `“${def.title}” is not waiting for approval, so there is nothing to re-request.` };
  const starter = userId === run.requestedBy;
  const commander = userId === incident.commander;
  if (!starter && !commander) {
    return { ok: false, reason: `Only <@${run.requestedBy}>, who started the run, or the incident commander${incident.commander ? ` (<@${incident.commander}>)` : ""} can re-request approval for “${def.title}”.` };
  }
  if (!starter && (await commanderTookOver(deps.store, incident))) {
    return { ok: false, reason: `You took command yourself, so you cannot re-request approval for a step that was already waiting. Ask <@${run.requestedBy}>, who started the run, or wait for the request to expire.` };
  }
  let eligible;
  try {
    eligible = await currentEligibleSet(deps, def, incident.commander, incident.id);
  } catch {
    return { ok: false, reason: "Firebreak could not look up the approver groups with Slack just now, so nothing was re-requested. Try again in a minute." };
  }
  const result = await applyEvent(deps, run.id, { type: "rerequest", position: shown.position, userId, eligible, commander: incident.commander }, userId);
  return result.ok ? { ok: true } : result;
}
