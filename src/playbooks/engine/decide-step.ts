// A person pressed a step button: check they may (on the server, whatever the message showed),
// then apply their decision. Every refusal is a sentence for them.
import { mayDecide, type StepDecision } from "../../domain/approval-policy.js";
import type { RunEvent } from "../../domain/playbook-run.js";
import type { StepButtonValue } from "../../slack/views/step-message.js";
import { applyEvent } from "./apply-event.js";
import type { EngineDeps } from "./engine-deps.js";

export interface StepDecisionInput {
  decision: StepDecision;
  userId: string;
  shown: StepButtonValue;
  reason?: string;
}

export async function decideStep(deps: EngineDeps, input: StepDecisionInput): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { shown, userId, decision } = input;
  const run = await deps.store.runs.get(shown.runId);
  const step = run?.steps[shown.position];
  if (!run || !step) return { ok: false, reason: "That playbook step no longer exists." };
  const incident = (await deps.store.incidents.get(run.incidentId))!;
  const def = run.playbook.steps[shown.position]!;
  const userGroups = await groupsOf(deps, userId, def.approval?.from ?? []);
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

/** The approver groups (firebreak.yaml) among `approvers` that the user belongs to. */
async function groupsOf(deps: EngineDeps, userId: string, approvers: readonly unknown[]): Promise<string[]> {
  const names = approvers.flatMap((a) => (typeof a === "object" && a !== null && "group" in a ? [(a as { group: string }).group] : []));
  const member: string[] = [];
  for (const name of names) {
    const group = deps.file.approver_groups[name];
    if (!group) continue;
    if (group.users?.includes(userId)) member.push(name);
    else if (group.usergroup && (await deps.chat.userGroupMembers(group.usergroup)).includes(userId)) member.push(name);
  }
  return member;
}
