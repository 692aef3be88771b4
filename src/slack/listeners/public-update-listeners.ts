// Approve / Deny on a public update's plan message. Thin: parse the button, hand the decision to
// the flow (which checks who may, and decides once), tell the person privately if it was refused.
import type { App, BlockButtonAction } from "@slack/bolt";
import { z } from "zod";
import { CodedError } from "../../kernel/errors.js";
import { tryParseJsonWith } from "../../kernel/parse-json.js";
import { decidePublicUpdate } from "../../incidents/public-updates/public-update-flows.js";
import { PUBLIC_UPDATE_ACTIONS } from "../../views/slack/public-update-message.js";
import { answerTo, type AnswerDeps } from "../answer.js";
import { DATABASE_UNAVAILABLE, type ListenerDeps } from "./slack-deps.js";

const buttonValue = z.object({ id: z.number().int().positive() });
const STALE = "This button is not one Firebreak can read (the message may be from an older version). Ask again with `/incident update`.";

export function registerPublicUpdateListeners(app: App, deps: ListenerDeps, answers: AnswerDeps): void {
  for (const [actionId, decision] of [[PUBLIC_UPDATE_ACTIONS.approve, "approve"], [PUBLIC_UPDATE_ACTIONS.deny, "deny"]] as const) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond }) => {
      const flows = deps();
      if (!flows) throw new CodedError("not_ready", DATABASE_UNAVAILABLE);
      const shown = tryParseJsonWith(buttonValue, action.value, "a public update button's value");
      // Decided before Slack hears back, so a crash cannot lose a click it saw accepted.
      const result = shown ? await decidePublicUpdate(flows, { id: shown.id, decision, userId: body.user.id }) : { ok: false as const, reason: STALE };
      await ack();
      if (!result.ok) await answerTo(answers, body, respond)(`:no_entry_sign: ${result.reason}`);
    });
  }
}
