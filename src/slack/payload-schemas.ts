// What Bolt and our listeners dereference in each Slack payload, checked once the signature has
// passed and before either sees the body: a signed but malformed request (`actions: null`, a
// `view` that is a string) gets a 400 with the reason, not a 500 from a TypeError deep in Bolt.
// Only what a payload type always carries is required; what Slack leaves out stays optional
// (`message` is absent from block_actions sent from modals and App Home; global shortcuts carry
// no channel). References:
// https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
// https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
// https://api.slack.com/reference/interaction-payloads/shortcuts
// https://docs.slack.dev/interactivity/implementing-slash-commands
// https://docs.slack.dev/apis/events-api/
import { z } from "zod";

const record = z.record(z.string(), z.unknown());
const withId = z.object({ id: z.string() });
/** A key that must be absent: Bolt decides a payload's kind by which keys exist, before `type`. */
const absent = z.never().optional();

/** Bolt reads `event` first, then `command`, then `name`, then `actions` (its getTypeAndConversation). */
const notAnotherKind = { event: absent, command: absent, name: absent };

const interaction = z.object({
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  // null when the app is installed org-wide; Bolt then reads user.team_id.
  team: withId.nullish(),
  enterprise: withId.nullish(),
  // Bolt reads channel.id whenever `channel` is present, so present means an object with an id.
  channel: withId.optional(),
  trigger_id: z.string().optional(),
  ...notAnotherKind,
});

const view = z.object({
  id: z.string(),
  callback_id: z.string(),
  // Slack sends "" when the app set none.
  private_metadata: z.string().optional(),
  state: z.object({ values: z.record(z.string(), z.record(z.string(), record)) }).optional(),
  blocks: z.array(z.object({ block_id: z.string().optional() })).optional(),
  app_installed_team_id: z.string().optional(),
});

const action = z.object({
  action_id: z.string(),
  block_id: z.string().optional(),
  type: z.string(),
  value: z.string().optional(),
  // Deselecting a static select's option sends null (block_actions payload reference).
  selected_option: z.object({ value: z.string() }).nullish(),
});

export const interactionSchemas = {
  block_actions: interaction.extend({
    actions: z.array(action).min(1),
    container: record.optional(),
    message: record.optional(),
    view: record.optional(),
  }),
  // Firebreak's modals read private_metadata, state and blocks; every submitted view has them.
  view_submission: interaction.extend({
    actions: absent,
    view: view.required({ private_metadata: true, state: true, blocks: true }),
  }),
  view_closed: interaction.extend({ actions: absent, view, is_cleared: z.boolean().optional() }),
  shortcut: interaction.extend({ actions: absent, callback_id: z.string(), trigger_id: z.string() }),
  message_action: interaction.extend({
    actions: absent,
    callback_id: z.string(),
    trigger_id: z.string(),
    channel: withId,
    message: z.object({ ts: z.string(), text: z.string().optional(), user: z.string().optional() }),
    message_ts: z.string().optional(),
  }),
  block_suggestion: interaction.extend({ action_id: z.string(), block_id: z.string(), value: z.string() }),
} as const;

export type InteractionType = keyof typeof interactionSchemas;

/** Slash commands are form fields, so every value is a string; these are the ones always sent. */
export const commandSchema = z.object({
  command: z.string(),
  text: z.string(),
  user_id: z.string(),
  channel_id: z.string(),
  team_id: z.string(),
  trigger_id: z.string(),
  event: absent,
});

export const eventCallbackSchema = z.object({
  event_id: z.string(),
  event: z.object({ type: z.string() }),
  team_id: z.string().optional(),
});

export const urlVerificationSchema = z.object({ challenge: z.string() });

/** The schema for a parsed Slack body, by its `type` (or `command` for slash commands), if Firebreak handles it. */
export function slackPayloadSchema(body: Record<string, unknown>): { kind: string; schema: z.ZodType } | undefined {
  const type = body.type;
  if (type === "url_verification") return { kind: type, schema: urlVerificationSchema };
  if (type === "event_callback") return { kind: type, schema: eventCallbackSchema };
  if (typeof type === "string" && Object.hasOwn(interactionSchemas, type)) return { kind: type, schema: interactionSchemas[type as InteractionType] };
  if (type === undefined && body.command !== undefined) return { kind: "command", schema: commandSchema };
  return undefined;
}

/** One line naming the first field that is wrong, e.g. "actions: expected array, received null". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.join(".") || "body";
  const message = /received undefined$/.test(issue.message) ? "is missing" : issue.message.replace(/^Invalid input: /, "");
  return `${path} ${message}`;
}
