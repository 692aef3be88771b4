// Message shortcut "Declare incident": the modal, prefilled from the message.
import type { App, MessageShortcut } from "@slack/bolt";
import { DECLARE_SHORTCUT } from "../../views/slack/slack-surface.js";
import { declareModal } from "../../views/slack/declare-modal.js";
import { slackTextToPlain } from "../../views/slack/mrkdwn.js";
import { answerTo, type AnswerDeps } from "../answer.js";
import { DATABASE_UNAVAILABLE, type ListenerDeps } from "./slack-deps.js";

export function registerDeclareShortcut(app: App, deps: ListenerDeps, answers: AnswerDeps): void {
  app.shortcut<MessageShortcut>({ callback_id: DECLARE_SHORTCUT.callbackId, type: "message_action" }, async ({ shortcut, ack, client, body, respond }) => {
    await ack();
    const text = slackTextToPlain(shortcut.message.text ?? "");
    const firstLine = text.split("\n")[0]?.trim() ?? "";
    if (!deps()) return void (await answerTo(answers, body, respond)(DATABASE_UNAVAILABLE));
    await client.views.open({
      trigger_id: shortcut.trigger_id,
      view: declareModal(
        { title: firstLine.slice(0, 150), description: text },
        { channelId: shortcut.channel.id, sourceMessageUrl: `https://slack.com/app_redirect?channel=${shortcut.channel.id}&message_ts=${shortcut.message_ts}` },
      ),
    });
  });
}
