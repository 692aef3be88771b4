// One message per playbook step, updated in place as the step moves: what will run (the exact
// plan), its risk, who may approve, the approvals so far, progress, and the buttons that apply.
import type { KnownBlock } from "@slack/types";
import { stepEffect, type StepEffect } from "../../domain/action-plan.js";
import { describeApprovers, describeEligible, unreachableApproval } from "../../domain/approval-policy.js";
import type { PlaybookRun, StepRun, StepState } from "../../domain/playbook-run.js";
import { formatClock } from "../../domain/time-format.js";
import { button } from "./buttons.js";
import { escapeMrkdwn, userMention } from "./mrkdwn.js";
import { clipPlain, escapeAndClip, OPTION_TEXT, SECTION_TEXT } from "./text-limits.js";
import { choiceOffer, MAX_CHOICES } from "../../domain/step-choice.js";
import type { Rendered } from "./incident-header.js";

export const STEP_ACTIONS = { choose: "step_choose", approve: "step_approve", deny: "step_deny", rerequest: "step_rerequest", retry: "step_retry", skip: "step_skip", abort: "run_abort" } as const;

/** What a button carries: the step and the version/round the person saw. */
export interface StepButtonValue {
  runId: number;
  position: number;
  version: number;
  round: number;
}

/** What an option of the choice select carries: the step as shown, and which offered value (by place, so any value fits Slack's 150-character option value). */
export interface StepChoiceValue extends StepButtonValue {
  choice: number;
}

const badge: Record<StepState, string> = {
  pending: ":white_circle: pending",
  choosing: ":point_down: waiting for a choice",
  preparing: ":hourglass_flowing_sand: planning",
  awaiting_approval: ":raised_hand: waiting for approval",
  ready: ":arrow_forward: approved, starting",
  running: ":gear: running",
  succeeded: ":white_check_mark: succeeded",
  failed: ":x: failed",
  denied: ":no_entry: denied",
  interrupted: ":warning: interrupted — outcome unknown",
  skipped: ":fast_forward: skipped",
  cancelled: ":heavy_minus_sign: cancelled",
  rolling_back: ":rewind: rolling back",
  rolled_back: ":leftwards_arrow_with_hook: rolled back",
};

/**
 * `outcome` is the action's one-sentence summary of a succeeded step's output (its `summarize`);
 * the raw output goes to a thread reply (stepOutput), so the channel reads a sentence, not JSON.
 */
export function stepMessage(run: PlaybookRun, step: StepRun & { progress?: string | null }, commander: string | null, timeZone: string, outcome?: string): Rendered {
  const def = run.playbook.steps[step.position]!;
  const total = run.steps.length;
  const title = `Step ${step.position + 1}/${total} · ${def.title}`;
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: `*${escapeMrkdwn(title)}*  ${badge[step.state]}\n_${escapeMrkdwn(run.playbook.title)}_ · \`${def.action}\`` } },
  ];
  if (step.state === "choosing") blocks.push(...choiceBlocks(run, step));
  if (step.plan) {
    // Compact: the summary and the one statement or object change that matters; the raw SQL,
    // JSON and queries go to a thread reply under this message (stepDetails), posted once.
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Plan:* ${escapeAndClip(step.plan.summary, SECTION_TEXT - 10)}` } });
    if (step.plan.change) blocks.push({ type: "section", text: { type: "mrkdwn", text: codeBlock(step.plan.change) } });
    const details = step.plan.details.length > 0 ? " · :thread: Details in thread" : "";
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `${riskLine(run, step)}${details}` }] });
  }
  if (def.approval && (step.state === "awaiting_approval" || step.approvals.length > 0)) {
    const given = step.approvals.filter((a) => a.decision === "approve").map((a) => userMention(a.userId));
    const expires = step.state === "awaiting_approval" && step.approvalExpiresAt ? ` · expires ${formatClock(step.approvalExpiresAt, timeZone)}` : "";
    const reason = def.approval.reason ? `\n${escapeMrkdwn(def.approval.reason)}` : "";
    // Who may approve is the set stored with this round, not whoever commands now.
    const who = step.eligible ? describeEligible(step.eligible, commander) : describeApprovers(def, commander);
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `*Approvals ${given.length}/${step.requiredApprovals}*${given.length ? `: ${given.join(", ")}` : ""} · may approve: ${who}${expires}${reason}`.slice(0, 3000) }],
    });
    const stuck = step.state === "awaiting_approval" && step.eligible ? unreachableApproval(step.eligible, def, step.plan, run.requestedBy, step.requiredApprovals) : undefined;
    if (stuck) blocks.push({ type: "section", text: { type: "mrkdwn", text: `:warning: ${stuck}` } });
  }
  if (step.state === "running" && step.progress) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `:hourglass: ${escapeMrkdwn(step.progress)}` }] });
  if (step.error) blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Why:* ${escapeAndClip(step.error, 2900)}` } });
  if (hasOutput(step)) {
    const said = outcome ? `*Result:* ${escapeAndClip(outcome, SECTION_TEXT - 100)} · ` : "";
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `${said}:thread: Output in thread` }] });
  }
  const buttons = buttonsFor(run, step, stepEffect(def.reversible, step.plan));
  if (buttons.length > 0) blocks.push({ type: "actions", block_id: `step_${run.id}_${step.position}`, elements: buttons });
  return { text: `${title}: ${step.state.replace("_", " ")}`, blocks };
}

const codeBlock = (text: string) => "```" + (text.length > 2800 ? `${text.slice(0, 2800)}\n…` : text).replaceAll("```", "ʼʼʼ") + "```";

/** The thread reply under a step's message: every detail of its plan, as the action described it. */
export function stepDetails(run: PlaybookRun, step: StepRun): Rendered {
  const details = step.plan?.details ?? [];
  const blocks: KnownBlock[] = [
    // Under the step's own message, which names it: the step's number is enough here.
    { type: "context", elements: [{ type: "mrkdwn", text: `:thread: Plan details for step ${step.position + 1}` }] },
    ...details.slice(0, 40).map((detail): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text: detail.kind === "text" ? escapeAndClip(detail.text, SECTION_TEXT) : codeBlock(detail.text) } })),
  ];
  return { text: `Plan details for step ${step.position + 1}`, blocks };
}

/** Whether a step has an output to summarize and to put in its thread: a succeeded step whose action returned something. */
export const hasOutput = (step: Pick<StepRun, "state" | "output">): boolean => step.state === "succeeded" && step.output !== null && step.output !== undefined;

/** The thread reply under a succeeded step's message: its raw output, for whoever needs more than the summary. */
export function stepOutput(step: StepRun): Rendered {
  const output = JSON.stringify(step.output, null, 2);
  const blocks: KnownBlock[] = [
    { type: "context", elements: [{ type: "mrkdwn", text: `:thread: Output of step ${step.position + 1}` }] },
    { type: "section", text: { type: "mrkdwn", text: codeBlock(escapeMrkdwn(output)) } },
  ];
  return { text: `Output of step ${step.position + 1}`, blocks };
}

/** A waiting choice: what the earlier step found, in a select, or a plain word that it found nothing. */
function choiceBlocks(run: PlaybookRun, step: StepRun): KnownBlock[] {
  const offer = choiceOffer(run, step.position);
  if (!offer) return [];
  const name = offer.param.name;
  const source = escapeMrkdwn(offer.sourceTitle);
  if (offer.values.length === 0) {
    return [{ type: "section", text: { type: "mrkdwn", text: `:information_source: “${source}” found no ${escapeMrkdwn(name)} to choose from, so this step has nothing to act on. End the run below.` } }];
  }
  const shown = offer.values.slice(0, MAX_CHOICES);
  const more = offer.values.length > shown.length ? ` (the first ${shown.length} of ${offer.values.length})` : "";
  const why = offer.param.description ? `\n${escapeAndClip(offer.param.description, 1000)}` : "";
  const base = { runId: run.id, position: step.position, version: step.version, round: step.round };
  return [
    { type: "section", text: { type: "mrkdwn", text: `*Choose ${escapeMrkdwn(name)}* from what “${source}” found${more}; the step is planned with your choice and then shown for approval.${why}` } },
    {
      type: "actions",
      block_id: `choose_${run.id}_${step.position}`,
      elements: [
        {
          type: "static_select",
          action_id: STEP_ACTIONS.choose,
          placeholder: { type: "plain_text", text: clipPlain(`Choose ${name}`, 150) },
          options: shown.map((value, choice) => ({ text: { type: "plain_text", text: clipPlain(value, OPTION_TEXT) }, value: JSON.stringify({ ...base, choice } satisfies StepChoiceValue) })),
        },
      ],
    },
  ];
}

function riskLine(run: PlaybookRun, step: StepRun): string {
  const def = run.playbook.steps[step.position]!;
  const parts = [effectLabel[stepEffect(def.reversible, step.plan)]];
  if (def.approval && step.requiredApprovals > def.approval.count) parts.push(":clock3: peak hours: one more approval");
  if (step.plan?.risk.blastRadius) parts.push(`blast radius: ${step.plan.risk.blastRadius.count} ${step.plan.risk.blastRadius.unit}`);
  parts.push(def.idempotent ? "safe to re-run" : "not safe to re-run");
  return parts.join(" · ");
}

const effectLabel: Record<StepEffect, string> = { "read-only": ":mag: read-only", reversible: "reversible", irreversible: ":warning: *irreversible*" };

/** The buttons that can still act: none on a finished or aborted run, and only Retry on a failed one. */
function buttonsFor(run: PlaybookRun, step: StepRun, effect: StepEffect) {
  if (run.state === "succeeded" || run.state === "aborted") return [];
  const value = JSON.stringify({ runId: run.id, position: step.position, version: step.version, round: step.round } satisfies StepButtonValue);
  const sure = (text: string) => ({ confirm: { title: "Are you sure?", text } });
  if (run.state === "running" && step.state === "choosing") {
    const found = (choiceOffer(run, step.position)?.values.length ?? 0) > 0;
    return [button(found ? "Abort run" : "End run", STEP_ACTIONS.abort, value, { ...(found && { style: "danger" as const }) })];
  }
  if (run.state === "running" && step.state === "awaiting_approval") {
    return [
      button("Approve", STEP_ACTIONS.approve, value, { style: "primary", ...(effect === "irreversible" && sure("This step cannot be undone. Approve it to run exactly the plan above.")) }),
      button("Deny", STEP_ACTIONS.deny, value, { style: "danger" }),
      button("Re-request approval", STEP_ACTIONS.rerequest, value),
    ];
  }
  if (step.state === "interrupted" || (step.state === "failed" && !run.steps.some((s) => s.position > step.position && !["pending", "cancelled"].includes(s.state)))) {
    return [
      button("Retry", STEP_ACTIONS.retry, value, { style: "primary", ...(step.state === "interrupted" && sure("Its outcome is unknown: running it again may do it twice. Check first.")) }),
      ...(run.state === "running" ? [button("Skip", STEP_ACTIONS.skip, value), button("Abort run", STEP_ACTIONS.abort, value, { style: "danger" })] : []),
    ];
  }
  return [];
}
