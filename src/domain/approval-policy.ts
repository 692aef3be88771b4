// Who may decide on a step. Checked on the server for every click; the answer to a refused
// click is a sentence for the person who clicked, saying why.
//
// Approvers are fixed when approval is requested: the eligible set (the commander at that
// moment, the approver groups' members, the named users) is stored with the approval round. A
// person who becomes commander afterwards is not in it, so taking command cannot approve a step
// that is already waiting. The set is an upper bound: someone eligible only through a group who
// has since left that group is refused. A new round (expiry, "Re-request approval") recomputes it.
import { stepEffect, type ActionPlan } from "./action-plan.js";
import type { Incident } from "./incident.js";
import type { PlaybookRun, StepRun } from "./playbook-run.js";
import type { PlaybookStep } from "./playbook-schema.js";

export type StepDecision = "approve" | "deny" | "retry" | "skip" | "abort";

/** Who could approve one approval round, as it was when the round was requested. */
export interface EligibleSet {
  /** The incident commander at request time, when the step lists `commander`. */
  commander: string | null;
  /** Users the step names (`users:`). */
  users: string[];
  /** Each approver group the step lists, with its members at request time. */
  groups: { name: string; members: string[] }[];
}

/** The eligible set for `def` now: `groupMembers` holds each listed group's current members. */
export function eligibleSet(def: PlaybookStep, commander: string | null, groupMembers: Readonly<Record<string, readonly string[]>>): EligibleSet {
  const from = def.approval?.from ?? [];
  return {
    commander: from.includes("commander") ? commander : null,
    users: [...new Set(from.flatMap((a) => (typeof a === "object" && "users" in a ? a.users : [])))],
    groups: from.flatMap((a) => (typeof a === "object" && "group" in a ? [{ name: a.group, members: [...new Set(groupMembers[a.group] ?? [])] }] : [])),
  };
}

/** Everyone in the set, once each. */
export function eligiblePeople(set: EligibleSet): string[] {
  return [...new Set([...(set.commander ? [set.commander] : []), ...set.users, ...set.groups.flatMap((g) => g.members)])];
}

/** The stored groups through which `userId` was eligible; the caller checks which they are still in. */
export function groupsToRecheck(set: EligibleSet, userId: string): string[] {
  return set.groups.filter((g) => g.members.includes(userId)).map((g) => g.name);
}

/**
 * In the stored set, and still in it: eligibility as commander or named user stands (a commander
 * who handed over stays eligible for requests made while they commanded); through a group only
 * while they are still a member of one of the groups that made them eligible (`groupsNow`).
 */
export function isEligible(set: EligibleSet, userId: string, groupsNow: readonly string[]): boolean {
  if (set.commander === userId || set.users.includes(userId)) return true;
  return set.groups.some((g) => g.members.includes(userId) && groupsNow.includes(g.name));
}

export interface DecisionRequest {
  decision: StepDecision;
  userId: string;
  /** Names of the approver groups (firebreak.yaml) the user belongs to now. */
  userGroups: readonly string[];
  incident: Pick<Incident, "id" | "status" | "commander">;
  run: PlaybookRun;
  step: StepRun;
  def: PlaybookStep;
  /** The step version and approval round the clicked message showed. */
  shown: { version: number; round: number };
  now: Date;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

export function mayDecide(request: DecisionRequest): Verdict {
  const { decision, userId, incident, run, step, def, now } = request;
  const refuse = (reason: string): Verdict => ({ ok: false, reason });
  if (incident.status === "resolved") return refuse(`INC-${incident.id} is resolved, so its playbook steps can no longer be changed.`);
  if (run.state !== "running" && decision !== "retry") return refuse(`This playbook run has ${run.state === "aborted" ? "been aborted" : run.state}; start it again with \`/incident playbook\` if it is still needed.`);
  if (request.shown.version !== step.version || request.shown.round !== step.round) {
    return refuse("This message is out of date: the step has changed since it was shown. Look at the updated message below and decide there.");
  }
  const allowed = mayAct(request);
  if (!allowed.ok) return allowed;
  if (decision === "approve" || decision === "deny") {
    if (step.state !== "awaiting_approval") return refuse(`“${def.title}” is not waiting for approval (it is ${step.state.replace("_", " ")}).`);
    if (step.approvalExpiresAt && now >= step.approvalExpiresAt) return refuse("This approval request has expired; it is being asked again in a new message.");
  }
  if (decision === "approve") {
    if (stepEffect(def.reversible, step.plan) === "irreversible" && userId === run.requestedBy) {
      return refuse(`“${def.title}” cannot be undone, so someone other than the person who started the run (<@${run.requestedBy}>) must approve it.`);
    }
    if (step.approvals.some((a) => a.userId === userId && a.decision === "approve")) {
      const left = step.requiredApprovals - step.approvals.filter((a) => a.decision === "approve").length;
      return refuse(`You have already approved “${def.title}”; it needs ${left} more approval${left === 1 ? "" : "s"} from someone else.`);
    }
  }
  if ((decision === "retry" || decision === "skip") && !["interrupted", "failed"].includes(step.state) && !(decision === "skip" && step.state === "awaiting_approval")) {
    return refuse(`“${def.title}” is ${step.state.replace("_", " ")}; only an interrupted or failed step can be ${decision === "retry" ? "run again" : "skipped"}.`);
  }
  return { ok: true };
}

/**
 * Approve and deny belong to the stored eligible set of the round shown. Running a step again
 * that needed approval (retry, once it has a plan) belongs to the same set: it repeats what they
 * approved. Skipping a step or aborting the run stops things, so the incident commander and the
 * person who started the run may do it too.
 */
function mayAct({ decision, userId, userGroups, incident, run, step, def }: DecisionRequest): Verdict {
  const set = step.eligible ?? null;
  const inSet = set !== null && isEligible(set, userId, userGroups);
  const title = `“${def.title}”`;
  if (decision === "approve" || decision === "deny") {
    if (set === null) return { ok: false, reason: `Nobody's approval was recorded for ${title} when it was asked; press *Re-request approval* on its message to ask again.` };
    if (inSet) return { ok: true };
    return { ok: false, reason: `Only ${describeEligible(set, incident.commander)} can ${decision} ${title}.${whyNot(set, userId, incident.commander)}` };
  }
  if (decision === "retry" && def.approval && step.plan !== null && set !== null) {
    return inSet ? { ok: true } : { ok: false, reason: `Only ${describeEligible(set, incident.commander)} can run ${title} again: it repeats what they approved.${whyNot(set, userId, incident.commander)}` };
  }
  if (inSet || userId === incident.commander || userId === run.requestedBy) return { ok: true };
  const approvers = set ? describeEligible({ ...set, commander: set.commander === incident.commander ? null : set.commander }, incident.commander) : "nobody";
  const who = [...(approvers === "nobody" ? [] : [approvers]), `the incident commander${incident.commander ? ` (<@${incident.commander}>)` : ""}`, "the person who started the run"];
  return { ok: false, reason: `Only ${who.join(" or ")} can ${decision} ${title}.` };
}

function whyNot(set: EligibleSet, userId: string, commander: string | null): string {
  if (userId === commander && set.commander !== userId) {
    return " Approvers were fixed when approval was requested, before you took command; the person who started the run or a commander handed command can press *Re-request approval* to ask again.";
  }
  if (set.groups.some((g) => g.members.includes(userId))) return " You are no longer in the approver group that made you eligible.";
  return "";
}

/** The eligible set in words, for messages and refusals. */
export function describeEligible(set: EligibleSet, commanderNow: string | null): string {
  const who: string[] = [];
  if (set.commander) who.push(set.commander === commanderNow ? `the incident commander (<@${set.commander}>)` : `<@${set.commander}> (commander when approval was requested)`);
  if (set.users.length > 0) who.push(set.users.map((u) => `<@${u}>`).join(", "));
  for (const group of set.groups) {
    const shown = group.members.slice(0, 8).map((u) => `<@${u}>`).join(", ");
    const more = group.members.length > 8 ? ` and ${group.members.length - 8} more` : "";
    who.push(group.members.length > 0 ? `members of ${group.name} (${shown}${more})` : `members of ${group.name} (nobody)`);
  }
  return who.join(" or ") || "nobody";
}

/**
 * When nobody can approve a step but the person who started the run, and it is irreversible (so
 * they may not approve it themselves) — or nobody at all can — the plain sentence that says so
 * and names the fix; undefined when someone can approve.
 */
export function unreachableApproval(set: EligibleSet, def: PlaybookStep, plan: ActionPlan | null, requestedBy: string, required: number): string | undefined {
  const people = eligiblePeople(set);
  const others = stepEffect(def.reversible, plan) !== "irreversible" ? people : people.filter((u) => u !== requestedBy);
  if (others.length >= required) return undefined;
  const who = people.length === 0 ? "Nobody can approve this step" : others.length === 0 ? `Nobody but <@${requestedBy}>, who started the run, can approve this step, and it cannot be undone, so they may not approve it themselves` : `Only ${others.length} of the ${required} approvals this step needs can be given`;
  return `${who}. Add an approver (to the approver group in firebreak.yaml or its Slack user group), or hand over command with \`/incident commander @someone\`, then press *Re-request approval*.`;
}

/** Who the playbook lists, before any request (the set is not known yet). */
export function describeApprovers(def: PlaybookStep, commander: string | null): string {
  const who = (def.approval?.from ?? []).map((a) =>
    a === "commander" ? `the incident commander${commander ? ` (<@${commander}>)` : ""}` : "group" in a ? `members of ${a.group}` : a.users.map((u) => `<@${u}>`).join(", "),
  );
  return who.join(" or ") || "nobody";
}
