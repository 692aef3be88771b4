// Who may decide on a step. Checked on the server for every click; the answer to a refused
// click is a sentence for the person who clicked, saying why.
import type { Incident } from "./incident.js";
import type { PlaybookRun, StepRun } from "./playbook-run.js";
import type { PlaybookStep } from "../playbooks/playbook-schema.js";

export type StepDecision = "approve" | "deny" | "retry" | "skip" | "abort";

export interface DecisionRequest {
  decision: StepDecision;
  userId: string;
  /** Names of the firebreak.yaml approver groups the user belongs to. */
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
  if (!mayApprove(request)) return refuse(`Only ${describeApprovers(def, incident.commander, decision)} can ${decision} “${def.title}”.`);
  if (decision === "approve" || decision === "deny") {
    if (step.state !== "awaiting_approval") return refuse(`“${def.title}” is not waiting for approval (it is ${step.state.replace("_", " ")}).`);
    if (step.approvalExpiresAt && now >= step.approvalExpiresAt) return refuse("This approval request has expired; it is being asked again in a new message.");
  }
  if (decision === "approve") {
    if (!def.reversible && userId === run.requestedBy) {
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
 * Approve and deny belong to exactly the approvers the playbook lists. Deciding what happens to
 * an interrupted or failed step (retry, skip) or to the run (abort) is also open to the incident
 * commander and to whoever started the run.
 */
function mayApprove({ decision, userId, userGroups, incident, run, def }: DecisionRequest): boolean {
  const listed = (def.approval?.from ?? []).some((a) =>
    a === "commander" ? userId === incident.commander : "group" in a ? userGroups.includes(a.group) : a.users.includes(userId),
  );
  if (decision === "approve" || decision === "deny") return listed;
  return listed || userId === incident.commander || userId === run.requestedBy;
}

export function describeApprovers(def: PlaybookStep, commander: string | null, decision: StepDecision = "approve"): string {
  const commanderText = `the incident commander${commander ? ` (<@${commander}>)` : ""}`;
  const who = (def.approval?.from ?? []).map((a) =>
    a === "commander" ? commanderText : "group" in a ? `members of ${a.group}` : a.users.map((u) => `<@${u}>`).join(", "),
  );
  if (decision !== "approve" && decision !== "deny") {
    if (!who.includes(commanderText)) who.push(commanderText);
    who.push("the person who started the run");
  }
  return who.join(" or ") || "nobody";
}
