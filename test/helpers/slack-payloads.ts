// Slack request bodies built from Slack's published examples (test/fixtures/slack), with only the
// fields a scenario needs changed.
import { readFileSync } from "node:fs";
import { signedSlackRequest } from "./slack-requests.js";

const commandExample = readFileSync("test/fixtures/slack/slash-command/implementing-slash-commands-doc.body.txt", "utf8");
const viewSubmission = JSON.parse(readFileSync("test/fixtures/slack/interactivity/view_submission.json", "utf8"));
const messageAction = JSON.parse(readFileSync("test/fixtures/slack/interactivity/message_action.json", "utf8"));
const reactionAdded = JSON.parse(readFileSync("test/fixtures/slack/events/event_callback.reaction_added.json", "utf8"));

export function slashCommand(signingSecret: string, fields: { text: string; userId: string; channelId: string; command?: string; triggerId?: string }): RequestInit {
  const form = new URLSearchParams(commandExample);
  form.set("command", fields.command ?? "/incident");
  form.set("text", fields.text);
  form.set("user_id", fields.userId);
  form.set("channel_id", fields.channelId);
  form.set("trigger_id", fields.triggerId ?? `${Date.now()}.738474920.8088930838d88f008e0`);
  return signedSlackRequest({ body: form.toString(), signingSecret, contentType: "application/x-www-form-urlencoded" });
}

export function interaction(signingSecret: string, payload: unknown): RequestInit {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return signedSlackRequest({ body, signingSecret, contentType: "application/x-www-form-urlencoded" });
}

export function viewSubmitted(view: { id: string; callback_id?: string; private_metadata?: string }, userId: string, values: unknown) {
  return {
    ...structuredClone(viewSubmission),
    user: { ...viewSubmission.user, id: userId },
    view: { ...viewSubmission.view, ...view, state: { values } },
  };
}

/** A message shortcut; `triggerId` comes from the Slack emulator's issueTrigger() when the bot will open a modal. */
export function messageShortcut(callbackId: string, userId: string, channelId: string, message: { ts: string; text: string; user: string }, triggerId?: string) {
  return {
    ...structuredClone(messageAction),
    callback_id: callbackId,
    user: { ...messageAction.user, id: userId },
    channel: { ...messageAction.channel, id: channelId },
    message: { ...messageAction.message, ...message },
    message_ts: message.ts,
    ...(triggerId && { trigger_id: triggerId }),
  };
}

export function reactionEvent(eventId: string, fields: { user: string; channel: string; ts: string; reaction?: string }) {
  const body = structuredClone(reactionAdded);
  body.event_id = eventId;
  body.event = { ...body.event, user: fields.user, reaction: fields.reaction ?? "pushpin", item: { type: "message", channel: fields.channel, ts: fields.ts } };
  return body;
}

const blockActions = JSON.parse(readFileSync("test/fixtures/slack/interactivity/block_actions.button.json", "utf8"));

/**
 * A button click as Slack sends it (block_actions), on a message in a channel. When the bot is to
 * open a modal, pass a `triggerId` from the Slack emulator's issueTrigger(): it refuses others.
 */
export function buttonClick(fields: { actionId: string; value: string; userId: string; channelId: string; messageTs?: string; triggerId?: string }) {
  const body = structuredClone(blockActions);
  body.user = { ...body.user, id: fields.userId };
  body.channel = { ...body.channel, id: fields.channelId };
  body.container = { type: "message", message_ts: fields.messageTs ?? "1548261231.000200", channel_id: fields.channelId, is_ephemeral: false };
  body.message = { ...body.message, ts: fields.messageTs ?? body.message.ts };
  body.trigger_id = fields.triggerId ?? `${Date.now()}.333649436676.d8c1bb837935619ccad0f624c448ffb3`;
  body.actions = [{ ...body.actions[0], action_id: fields.actionId, block_id: "b", value: fields.value }];
  return body;
}

/** A choice in a static select menu (block_actions), as Slack sends it. */
export function selectChoice(fields: { actionId: string; value: string; userId: string; channelId: string; triggerId?: string }) {
  const body = buttonClick({ ...fields, value: "" });
  body.actions = [{ type: "static_select", action_id: fields.actionId, block_id: "b", selected_option: { text: { type: "plain_text", text: "x" }, value: fields.value }, action_ts: "1548426417.840180" }];
  return body;
}

/**
 * What Slack sends when someone types into an external_select in a modal (block_suggestion). No
 * vendor example is published as a file; the fields are those of Slack's BlockSuggestion payload
 * (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select;
 * the same fields as @slack/bolt's BlockSuggestion type), the rest taken from the view_submission example.
 */
export function blockSuggestion(fields: { actionId: string; blockId: string; value: string; userId: string; view: { id: string; callback_id?: string; private_metadata?: string } }) {
  const base = structuredClone(viewSubmission);
  return {
    type: "block_suggestion",
    user: { ...base.user, id: fields.userId },
    container: { type: "view", view_id: fields.view.id },
    api_app_id: base.api_app_id,
    token: base.token,
    action_id: fields.actionId,
    block_id: fields.blockId,
    value: fields.value,
    team: base.team,
    view: { ...base.view, ...fields.view },
  };
}
