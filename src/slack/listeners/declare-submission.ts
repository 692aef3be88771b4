// The declare modal submitted: validate (errors go back into the modal), then declare.
import type { App } from "@slack/bolt";
import { declareFromSlack } from "../../incidents/declare-from-slack.js";
import { DECLARE_CALLBACK_ID, parseDeclareSubmission } from "../../views/slack/declare-modal.js";
import { DATABASE_UNAVAILABLE, type ListenerDeps } from "./slack-deps.js";

export function registerDeclareSubmission(app: App, deps: ListenerDeps): void {
  app.view(DECLARE_CALLBACK_ID, async ({ view, body, ack }) => {
    const flows = deps();
    if (!flows) return ack({ response_action: "errors", errors: { title: DATABASE_UNAVAILABLE } });
    const submission = parseDeclareSubmission(view);
    if (!submission.ok) return ack({ response_action: "errors", errors: submission.errors });
    // Declared before the modal closes: a crash cannot lose a declaration Slack showed as done.
    await declareFromSlack(flows, { ...submission.value, userId: body.user.id, viewId: view.id });
    await ack();
  });
}
