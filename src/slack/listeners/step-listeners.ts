// Approve / Deny / Retry / Skip / Abort on a step message. Thin: parse the button, hand the
// decision to the engine, tell the person privately if it was refused (in the channel if they are
// in it, else by the click's response_url: an approver need not have joined the channel).
import type { App, BlockButtonAction, BlockStaticSelectAction } from "@slack/bolt";
import { chooseForStep } from "../../playbooks/engine/choose-step.js";
import { z } from "zod";
import type { StepDecision } from "../../domain/approval-policy.js";
import { decideStep, rerequestApproval } from "../../playbooks/engine/decide-step.js";
import { DENY_REASON_CALLBACK, denyModal, readDenyReason } from "../../views/slack/playbook-views.js";
import { STEP_ACTIONS } from "../../views/slack/step-message.js";
import { noticeModal, openThenFill } from "./open-modal.js";
import { DATABASE_UNAVAILABLE, type ListenerDeps } from "./slack-deps.js";
import { tryParseJsonWith } from "../../kernel/parse-json.js";
import { CodedError } from "../../kernel/errors.js";
import { answerTo, type AnswerDeps } from "../answer.js";

const buttonValue = z.object({ runId: z.number().int(), position: z.number().int().min(0), version: z.number().int(), round: z.number().int() });
const choiceValue = buttonValue.extend({ choice: z.number().int().min(0) });
const STALE = "This button is not one Firebreak can read (the message may be from an older version). Use the latest step message in the channel.";

const OUTSIDE_CHANNEL = "Step buttons work on the step's message in the incident channel, or in Firebreak's App Home.";

/** App Home shows a waiting step's Approve and Deny (views/slack/home-view.ts): a click there has no channel. */
const fromHome = (body: unknown) => (body as { view?: { type?: string } }).view?.type === "home";

export function registerStepListeners(app: App, deps: ListenerDeps, answers: AnswerDeps): void {
  const decisions: [string, StepDecision][] = [
    [STEP_ACTIONS.approve, "approve"],
    [STEP_ACTIONS.retry, "retry"],
    [STEP_ACTIONS.skip, "skip"],
    [STEP_ACTIONS.abort, "abort"],
  ];
  for (const [actionId, decision] of decisions) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond }) => {
      const flows = deps();
      const channelId = body.channel?.id ?? (fromHome(body) ? "home" : undefined);
      // Not recorded: the person is told why, and can press again.
      if (!channelId || !flows) throw new CodedError(flows ? "invalid_payload" : "not_ready", flows ? OUTSIDE_CHANNEL : DATABASE_UNAVAILABLE);
      const shown = tryParseJsonWith(buttonValue, action.value, "a step button's value");
      // The decision is saved before Slack hears back, so a crash cannot lose a click it saw accepted.
      const result = shown ? await decideStep(flows.engine, { decision, userId: body.user.id, shown: shown }) : { ok: false as const, reason: STALE };
      await ack();
      if (!result.ok) await answerTo(answers, body, respond)(`:no_entry_sign: ${result.reason}`);
    });
  }

  // A value chosen from an earlier step's output: recorded before Slack hears back, like a click.
  app.action<BlockStaticSelectAction>(STEP_ACTIONS.choose, async ({ ack, body, action, respond }) => {
    const flows = deps();
    const channelId = body.channel?.id;
    if (!channelId || !flows) throw new CodedError(flows ? "invalid_payload" : "not_ready", flows ? OUTSIDE_CHANNEL : DATABASE_UNAVAILABLE);
    const shown = tryParseJsonWith(choiceValue, action.selected_option.value, "a step choice's value");
    const result = shown ? await chooseForStep(flows.engine, { userId: body.user.id, shown }) : { ok: false as const, reason: STALE };
    await ack();
    if (!result.ok) await answerTo(answers, body, respond)(`:no_entry_sign: ${result.reason}`);
  });

  app.action<BlockButtonAction>(STEP_ACTIONS.rerequest, async ({ ack, body, action, respond }) => {
    const flows = deps();
    const channelId = body.channel?.id;
    if (!channelId || !flows) throw new CodedError(flows ? "invalid_payload" : "not_ready", flows ? OUTSIDE_CHANNEL : DATABASE_UNAVAILABLE);
    const shown = tryParseJsonWith(buttonValue, action.value, "a step button's value");
    const result = shown ? await rerequestApproval(flows.engine, { userId: body.user.id, shown: shown }) : { ok: false as const, reason: STALE };
    await ack();
    if (!result.ok) await answerTo(answers, body, respond)(`:no_entry_sign: ${result.reason}`);
  });

  app.action<BlockButtonAction>(STEP_ACTIONS.deny, async ({ ack, body, action, client, respond }) => {
    await ack();
    const shown = tryParseJsonWith(buttonValue, action.value, "a step button's value");
    if (!shown) return void (await answerTo(answers, body, respond)(STALE));
    // The step's title is in the database; the trigger_id lasts 3 s, so the modal opens first.
    await openThenFill(client, body.trigger_id, noticeModal("Deny step", ":hourglass_flowing_sand: Reading the step…"), async () => {
      const flows = deps();
      const run = await flows?.store.runs.get(shown.runId);
      const def = run?.playbook.steps[shown.position];
      return def ? denyModal(action.value ?? "", def.title) : flows ? STALE : DATABASE_UNAVAILABLE;
    });
  });

  app.view(DENY_REASON_CALLBACK, async ({ ack, view, body }) => {
    const flows = deps();
    const shown = tryParseJsonWith(buttonValue, view.private_metadata, "the deny modal's metadata");
    const reason = readDenyReason(view.state);
    if (reason.length < 3) return ack({ response_action: "errors", errors: { reason: "Say why, so the timeline records it (at least a few words)." } });
    if (!flows || !shown) return ack({ response_action: "errors", errors: { reason: flows ? STALE : DATABASE_UNAVAILABLE } });
    const result = await decideStep(flows.engine, { decision: "deny", userId: body.user.id, shown: shown, reason });
    if (!result.ok) return ack({ response_action: "errors", errors: { reason: result.reason } });
    await ack();
  });
}
