// A playbook run as a state machine. `decide` is pure: given the run and an event it returns the
// next run, the timeline entries that record the change, and the commands to carry out. The
// engine persists all three in one transaction before anything acts, so a crash at any line
// leaves either the old state or the new one — never an action without its record.
import type { ActionPlan } from "./action-plan.js";
import { describeEligible, type EligibleSet } from "./approval-policy.js";
import type { Playbook, PlaybookStep } from "./playbook-schema.js";
import { choiceOffer, pendingChoice } from "./step-choice.js";

export const stepStates = [
  "pending", // not reached yet
  "choosing", // it waits for a person to choose a param from an earlier step's output
  "preparing", // its inputs are being resolved and its dry-run plan made
  "awaiting_approval",
  "ready", // approved (or needs no approval): a worker may claim it
  "running",
  "succeeded",
  "failed",
  "denied",
  "interrupted", // its worker died mid-step and it is not idempotent: a person decides
  "skipped",
  "cancelled", // the run stopped before reaching it
  "rolling_back", // its rollback action is ready to be claimed
  "rolled_back",
] as const;
export type StepState = (typeof stepStates)[number];

export const runStates = ["running", "succeeded", "failed", "aborted"] as const;
export type RunState = (typeof runStates)[number];

export interface Approval {
  userId: string;
  decision: "approve" | "deny";
  reason: string | null;
  at: Date;
}

export interface StepRun {
  id: number;
  position: number;
  stepId: string;
  state: StepState;
  /** Increases each time approval is (re-)requested; a click carries the round it was shown. */
  round: number;
  attempt: number;
  input: unknown;
  plan: ActionPlan | null;
  requiredApprovals: number;
  approvals: Approval[];
  approvalExpiresAt: Date | null;
  /** Who may approve the current round, fixed when it was requested (absent before any request). */
  eligible?: EligibleSet | null;
  output: unknown;
  error: string | null;
  version: number;
}

export interface PlaybookRun {
  id: number;
  incidentId: number;
  playbook: Playbook;
  params: Record<string, unknown>;
  state: RunState;
  requestedBy: string;
  version: number;
  steps: StepRun[];
}

export type RunEvent =
  | { type: "start" }
  | { type: "prepared"; position: number; input: unknown; plan: ActionPlan; peakHours: boolean; /** Who may approve, if the step needs approval. */ eligible?: EligibleSet }
  | { type: "prepare_failed"; position: number; error: string }
  | { type: "choose"; position: number; userId: string; value: string }
  | { type: "approve"; position: number; userId: string }
  | { type: "deny"; position: number; userId: string; reason: string }
  | { type: "approval_expired"; position: number; round: number; /** The eligible set recomputed now. */ eligible: EligibleSet; commander: string | null }
  | { type: "rerequest"; position: number; userId: string; eligible: EligibleSet; commander: string | null }
  | { type: "succeeded"; position: number; output: unknown }
  | { type: "failed"; position: number; error: string }
  | { type: "lease_expired"; position: number }
  | { type: "rollback_succeeded"; position: number }
  | { type: "rollback_failed"; position: number; error: string }
  | { type: "retry"; position: number; userId: string }
  | { type: "skip"; position: number; userId: string }
  | { type: "abort"; userId: string };

export type RunCommand =
  | { type: "prepare"; position: number }
  | { type: "execute"; position: number }
  | { type: "render"; position: number }
  | { type: "expire_approval"; position: number; round: number; at: Date };

export interface TimelineNote {
  kind: string;
  actor: string | null;
  text: string;
}

export interface Decision {
  run: PlaybookRun;
  timeline: TimelineNote[];
  commands: RunCommand[];
}

export const APPROVAL_TTL_MS = 15 * 60_000;

export class InvalidTransition extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidTransition";
  }
}

export function decide(run: PlaybookRun, event: RunEvent, now: Date): Decision {
  const d: Decision = { run: { ...run, steps: run.steps.map((s) => ({ ...s, approvals: [...s.approvals] })) }, timeline: [], commands: [] };
  // A step already running when its run stopped still reports what happened to it.
  const reports = ["succeeded", "failed", "lease_expired", "rollback_succeeded", "rollback_failed"];
  // A failed run may be revived by retrying its failed step; an aborted or finished one may not.
  if (run.state !== "running" && !reports.includes(event.type) && !(event.type === "retry" && run.state === "failed")) {
    throw new InvalidTransition(`the run has ${run.state === "aborted" ? "been aborted" : run.state}`);
  }
  if (event.type === "start") {
    if (d.run.steps.some((s) => s.state !== "pending")) throw new InvalidTransition("the run has already started");
    note(d, "playbook", run.requestedBy, `Playbook “${run.playbook.title}” started by <@${run.requestedBy}>`);
    activate(d, 0);
    return d;
  }
  if (event.type === "abort") {
    note(d, "playbook", event.userId, `Playbook “${run.playbook.title}” aborted by <@${event.userId}>`);
    stopRun(d, "aborted");
    return d;
  }
  const step = d.run.steps[event.position];
  if (!step) throw new InvalidTransition(`the run has no step ${event.position + 1}`);
  const def = run.playbook.steps[event.position]!;
  const expect = (...states: StepState[]) => {
    if (!states.includes(step.state)) throw new InvalidTransition(`“${def.title}” is ${describeState(step.state)} now, so this no longer applies`);
  };

  switch (event.type) {
    case "prepared": {
      expect("preparing");
      step.input = event.input;
      step.plan = event.plan;
      if (event.plan.noop) return failStep(d, step, def, `Nothing was done: ${event.plan.noop}`);
      if (!def.approval) {
        setState(d, step, "ready");
        d.commands.push({ type: "execute", position: step.position });
        return d;
      }
      const extra = def.risky && event.peakHours ? 1 : 0;
      const eligible = event.eligible ?? { commander: null, users: [], groups: [] };
      requestApproval(d, step, def.approval.count + extra, now, eligible);
      const from = event.eligible ? ` from ${describeEligible(eligible, eligible.commander)}` : "";
      note(d, "approval-request", null, `Approval requested for “${def.title}”: ${step.plan?.summary ?? def.action} — needs ${step.requiredApprovals}${extra > 0 ? " (one more because it is peak hours)" : ""}${from}`);
      return d;
    }
    case "choose": {
      expect("choosing");
      const offer = choiceOffer(run, event.position);
      if (!offer) throw new InvalidTransition(`“${def.title}” has nothing to choose`);
      // Only what the earlier step found can be chosen: the select shows nothing else.
      if (!offer.values.includes(event.value)) throw new InvalidTransition(`“${event.value}” is not one of the values “${offer.sourceTitle}” found`);
      d.run.params = { ...run.params, [offer.param.name]: event.value };
      note(d, "choice", event.userId, `<@${event.userId}> chose ${offer.param.name} ${event.value} for “${def.title}”`);
      setState(d, step, "preparing");
      d.commands.push({ type: "prepare", position: step.position });
      return d;
    }
    case "prepare_failed":
      expect("preparing");
      return failStep(d, step, def, event.error);
    case "approve": {
      expect("awaiting_approval");
      if (step.approvals.some((a) => a.userId === event.userId && a.decision === "approve")) {
        throw new InvalidTransition("you have already approved this step");
      }
      step.approvals.push({ userId: event.userId, decision: "approve", reason: null, at: now });
      const given = step.approvals.filter((a) => a.decision === "approve").length;
      note(d, "approval", event.userId, `<@${event.userId}> approved “${def.title}” (${given}/${step.requiredApprovals})`);
      if (given >= step.requiredApprovals) {
        setState(d, step, "ready");
        d.commands.push({ type: "execute", position: step.position });
      } else bump(d, step);
      return d;
    }
    case "deny":
      expect("awaiting_approval");
      step.approvals.push({ userId: event.userId, decision: "deny", reason: event.reason, at: now });
      step.error = `Denied by <@${event.userId}>: ${event.reason}`;
      note(d, "denial", event.userId, `<@${event.userId}> denied “${def.title}”: ${event.reason}`);
      setState(d, step, "denied");
      stopRun(d, "failed");
      return d;
    case "approval_expired":
      if (step.state !== "awaiting_approval" || step.round !== event.round) return d; // already decided: nothing to do
      requestApproval(d, step, step.requiredApprovals, now, event.eligible);
      note(d, "approval-expired", null, `Approval for “${def.title}” expired unanswered; asked again of ${describeEligible(event.eligible, event.commander)}`);
      return d;
    case "rerequest":
      expect("awaiting_approval");
      requestApproval(d, step, step.requiredApprovals, now, event.eligible);
      note(d, "approval-request", event.userId, `<@${event.userId}> re-requested approval for “${def.title}”; may approve now: ${describeEligible(event.eligible, event.commander)}`);
      return d;
    case "succeeded":
      expect("running");
      step.output = event.output;
      step.error = null;
      setState(d, step, "succeeded");
      note(d, "step", null, `Step “${def.title}” succeeded${approvers(step)}`);
      if (d.run.state === "running") activate(d, step.position + 1);
      return d;
    case "failed":
      expect("running");
      return failStep(d, step, def, event.error);
    case "lease_expired":
      expect("running");
      if (def.idempotent && d.run.state === "running") {
        note(d, "step", null, `Step “${def.title}” lost its worker; it is idempotent, so it runs again`);
        setState(d, step, "ready");
        d.commands.push({ type: "execute", position: step.position });
      } else {
        step.error = "The worker running this step stopped before reporting; whether it took effect is unknown.";
        note(d, "step", null, `Step “${def.title}” was interrupted: its outcome is unknown, waiting for a decision`);
        setState(d, step, "interrupted");
      }
      return d;
    case "retry":
      expect("interrupted", "failed");
      if (run.steps.some((s) => s.position > step.position && s.state !== "pending" && s.state !== "cancelled")) {
        throw new InvalidTransition("later steps have already moved on");
      }
      note(d, "step", event.userId, `<@${event.userId}> chose to run “${def.title}” again`);
      d.run.state = "running";
      step.error = null;
      if (step.plan === null) {
        // It failed before it had a plan, so nobody approved anything yet: plan (and ask) again.
        setState(d, step, "preparing");
        d.commands.push({ type: "prepare", position: step.position });
      } else {
        setState(d, step, "ready");
        d.commands.push({ type: "execute", position: step.position });
      }
      return d;
    case "skip":
      expect("interrupted", "failed", "awaiting_approval");
      note(d, "step", event.userId, `<@${event.userId}> skipped “${def.title}”`);
      setState(d, step, "skipped");
      activate(d, step.position + 1);
      return d;
    case "rollback_succeeded":
      expect("rolling_back");
      setState(d, step, "rolled_back");
      note(d, "rollback", null, `Rolled back “${def.title}”`);
      startNextRollback(d, step.position - 1);
      return d;
    case "rollback_failed":
      expect("rolling_back");
      step.error = `Rollback failed: ${event.error}`;
      setState(d, step, "failed");
      note(d, "rollback", null, `Rollback of “${def.title}” failed: ${event.error}; the remaining rollbacks were not run`);
      return d;
  }
}

function activate(d: Decision, position: number) {
  const step = d.run.steps[position];
  if (!step) {
    d.run.state = "succeeded";
    note(d, "playbook", null, `Playbook “${d.run.playbook.title}” completed`);
    return;
  }
  // A step that needs a person's choice from an earlier step's output waits for it, unplanned.
  if (pendingChoice(d.run, position)) {
    setState(d, step, "choosing");
    return;
  }
  setState(d, step, "preparing");
  d.commands.push({ type: "prepare", position });
}

/** A new approval round: earlier approvals and buttons no longer count, and `eligible` decides it. */
function requestApproval(d: Decision, step: StepRun, required: number, now: Date, eligible: EligibleSet) {
  step.round += 1;
  step.approvals = [];
  step.eligible = eligible;
  step.requiredApprovals = required;
  step.approvalExpiresAt = new Date(now.getTime() + APPROVAL_TTL_MS);
  // A step asked again is already waiting; its version still moves, so the new round is saved,
  // its message re-rendered, and the old message's buttons are out of date.
  const again = step.state === "awaiting_approval";
  setState(d, step, "awaiting_approval");
  if (again) bump(d, step);
  d.commands.push({ type: "expire_approval", position: step.position, round: step.round, at: step.approvalExpiresAt });
}

function failStep(d: Decision, step: StepRun, def: PlaybookStep, error: string): Decision {
  step.error = error;
  setState(d, step, "failed");
  note(d, "step", null, `Step “${def.title}” failed: ${error}`);
  if (d.run.state !== "running") return d;
  if (def.on_failure === "continue") activate(d, step.position + 1);
  else if (def.on_failure === "rollback") {
    d.run.state = "failed";
    cancelPending(d);
    startNextRollback(d, step.position);
  } else stopRun(d, "failed");
  return d;
}

/**
 * Rolls back in reverse, one step at a time: completed steps, and the failed step itself, since
 * a step that failed (a traffic shift that timed out, say) may still have taken effect.
 */
function startNextRollback(d: Decision, from: number) {
  for (let position = from; position >= 0; position--) {
    const step = d.run.steps[position]!;
    const def = d.run.playbook.steps[position]!;
    const undoable = step.state === "succeeded" || (step.state === "failed" && position === from);
    if (def.rollback && undoable) {
      setState(d, step, "rolling_back");
      d.commands.push({ type: "execute", position });
      return;
    }
  }
}

function stopRun(d: Decision, state: RunState) {
  d.run.state = state;
  cancelPending(d);
}

function cancelPending(d: Decision) {
  for (const step of d.run.steps) {
    if (["pending", "choosing", "preparing", "awaiting_approval", "ready"].includes(step.state)) setState(d, step, "cancelled");
  }
}

function setState(d: Decision, step: StepRun, state: StepState) {
  if (step.state === state) return;
  step.state = state;
  bump(d, step);
}

function bump(d: Decision, step: StepRun) {
  step.version += 1;
  if (!d.commands.some((c) => c.type === "render" && c.position === step.position)) d.commands.push({ type: "render", position: step.position });
}

function note(d: Decision, kind: string, actor: string | null, text: string) {
  d.timeline.push({ kind, actor, text });
}

function approvers(step: StepRun): string {
  const who = step.approvals.filter((a) => a.decision === "approve").map((a) => `<@${a.userId}>`);
  return who.length > 0 ? ` (approved by ${who.join(", ")})` : "";
}

const stateWords: Record<StepState, string> = {
  pending: "not reached yet",
  choosing: "waiting for a choice",
  preparing: "being planned",
  awaiting_approval: "waiting for approval",
  ready: "approved and about to run",
  running: "already running",
  succeeded: "done",
  failed: "failed",
  denied: "denied",
  interrupted: "interrupted",
  skipped: "skipped",
  cancelled: "cancelled",
  rolling_back: "being rolled back",
  rolled_back: "rolled back",
};

export const describeState = (state: StepState) => stateWords[state];
