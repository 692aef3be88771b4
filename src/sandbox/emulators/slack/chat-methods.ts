// chat.*: posting, updating, ephemeral messages and permalinks.
// Response shapes follow test/fixtures/slack/web-api/chat.postMessage.200.ok.json.
import { z } from "zod";
import { invalidBlocks } from "./block-kit/block-kit-errors.js";
import { MAX_MESSAGE_TEXT } from "./block-kit/limits.js";
import { slackLength, validateBlocks } from "./block-kit/validate-blocks.js";
import { attachments, blocks, fail, flag, json, method, ok, type MethodContext, type MethodHandler, type SlackBody } from "./method-kit.js";
import { directMessage, findMessage, visibleChannel, type ChannelRecord, type SlackMessage, type Workspace } from "./workspace-state.js";

const content = {
  text: z.string().optional(),
  blocks: blocks.optional(),
  attachments: attachments.optional(),
};

type Content = { text?: string | undefined; blocks?: Record<string, unknown>[] | undefined; attachments?: Record<string, unknown>[] | undefined };

/**
 * The content error Slack would give, if any: `no_text`, `msg_too_long` past 40,000 characters
 * of top-level text, and `invalid_blocks` for blocks that break Block Kit's rules for messages
 * (https://docs.slack.dev/reference/methods/chat.postMessage#errors). A lenient emulator checks
 * only that each block has a type.
 */
function contentError({ strict }: MethodContext, args: Content): SlackBody | undefined {
  if (!args.text && !args.blocks?.length && !args.attachments?.length) return fail("no_text");
  if (args.text && slackLength(args.text) > MAX_MESSAGE_TEXT) return fail("msg_too_long");
  if (!args.blocks) return undefined;
  if (!strict) return args.blocks.some((b) => typeof b.type !== "string") ? fail("invalid_blocks") : undefined;
  const issues = validateBlocks(args.blocks, "message", "/blocks");
  return issues.length > 0 ? invalidBlocks(issues) : undefined;
}

/**
 * Firebreak's bot has chat:write without chat:write.public, so like any such app it may post only
 * where it is a member: elsewhere Slack answers `not_in_channel`
 * (https://docs.slack.dev/reference/methods/chat.postMessage#errors, https://docs.slack.dev/reference/scopes/chat.write.public).
 */
const notMember = ({ workspace, strict }: MethodContext, channel: ChannelRecord) => strict && !channel.members.includes(workspace.bot.userId);

export const chatMethods: Record<string, MethodHandler> = {
  "chat.postMessage": method(
    z.object({
      channel: z.string().optional(),
      ...content,
      thread_ts: z.string().optional(),
      reply_broadcast: flag.optional(),
      username: z.string().optional(),
      metadata: json(z.record(z.string(), z.unknown())).optional(),
    }),
    (context, args) => {
      const { workspace } = context;
      const channel = visibleChannel(workspace, args.channel) ?? dmChannel(workspace, args.channel);
      if (!channel) return fail("channel_not_found");
      if (channel.isArchived) return fail("is_archived");
      if (notMember(context, channel)) return fail("not_in_channel");
      const problem = contentError(context, args);
      if (problem) return problem;
      const message = postAsBot(context, channel, {
        text: args.text ?? "",
        ...(args.username !== undefined && { username: args.username }),
        ...(args.blocks && { blocks: args.blocks }),
        ...(args.attachments && { attachments: args.attachments }),
        ...(args.metadata && { metadata: args.metadata }),
      }, args.thread_ts);
      return ok({ channel: channel.id, ts: message.ts, message });
    },
  ),

  "chat.update": method(z.object({ channel: z.string().optional(), ts: z.string().optional(), ...content }), (context, args) => {
    const { workspace, emit } = context;
    const channel = visibleChannel(workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    const message = args.ts ? findMessage(channel, args.ts) : undefined;
    if (!message) return fail("message_not_found");
    // A bot may edit only what it posted.
    if (message.bot_id !== workspace.bot.botId) return fail("cant_update_message");
    if (channel.isArchived) return fail("is_archived");
    if (notMember(context, channel)) return fail("not_in_channel");
    const problem = contentError(context, args);
    if (problem) return problem;
    const previous = structuredClone(message);
    // Fields left out keep their value: an update with only text keeps the blocks.
    if (args.text !== undefined) message.text = args.text;
    if (args.blocks !== undefined) message.blocks = args.blocks;
    if (args.attachments !== undefined) message.attachments = args.attachments;
    message.edited = { user: workspace.bot.userId, ts: workspace.nextTs() };
    emit("update", { channel: channel.id, message, previous });
    return ok({ channel: channel.id, ts: message.ts, text: message.text, message });
  }),

  "chat.postEphemeral": method(
    z.object({ channel: z.string().optional(), user: z.string().optional(), thread_ts: z.string().optional(), ...content }),
    (context, args) => {
      const { workspace, emit } = context;
      const channel = visibleChannel(workspace, args.channel);
      if (!channel) return fail("channel_not_found");
      if (!args.user || !workspace.users.has(args.user)) return fail("user_not_found");
      if (notMember(context, channel)) return fail("not_in_channel");
      if (!channel.members.includes(args.user)) return fail("user_not_in_channel");
      if (channel.isArchived) return fail("is_archived");
      const problem = contentError(context, args);
      if (problem) return problem;
      const ephemeral = {
        channel: channel.id,
        user: args.user,
        message_ts: workspace.nextTs(),
        text: args.text,
        blocks: args.blocks,
        attachments: args.attachments,
        thread_ts: args.thread_ts,
      };
      workspace.ephemerals.push(ephemeral);
      emit("ephemeral", ephemeral);
      return ok({ message_ts: ephemeral.message_ts });
    },
  ),

  "chat.getPermalink": method(z.object({ channel: z.string().optional(), message_ts: z.string().optional() }), ({ workspace }, args) => {
    const channel = visibleChannel(workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    const message = args.message_ts ? findMessage(channel, args.message_ts) : undefined;
    if (!message) return fail("message_not_found");
    return ok({ channel: channel.id, permalink: permalink(workspace, channel.id, message) });
  }),
};

/** A user's ID (`U…`/`W…`) or the ID of an open DM (`D…`) as chat.postMessage's channel: the bot's DM with them. */
function dmChannel(workspace: Workspace, id: string | undefined): ChannelRecord | undefined {
  if (!id) return undefined;
  if (/^[UW]/.test(id)) return directMessage(workspace, id);
  return [...workspace.ims.values()].find((im) => im.id === id);
}

/** Slack's permalink format: the ts without its dot, and the thread for a reply. */
export function permalink(workspace: Workspace, channelId: string, message: SlackMessage): string {
  const base = `https://${workspace.team.domain}.slack.com/archives/${channelId}/p${message.ts.replace(".", "")}`;
  const reply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
  return reply ? `${base}?thread_ts=${message.thread_ts}&cid=${channelId}` : base;
}

/** A message from the bot, as Slack stores and announces it: in the channel (or a thread), then a message event. */
export function postAsBot(
  { workspace, emit }: Pick<MethodContext, "workspace" | "emit">,
  channel: ChannelRecord,
  content: Omit<SlackMessage, "type" | "ts" | "user" | "team" | "bot_id" | "app_id" | "bot_profile">,
  threadTs?: string,
): SlackMessage {
  const { bot } = workspace;
  const message: SlackMessage = {
    type: "message",
    ts: workspace.nextTs(),
    user: bot.userId,
    team: workspace.team.id,
    bot_id: bot.botId,
    app_id: bot.appId,
    bot_profile: { id: bot.botId, app_id: bot.appId, name: workspace.users.get(bot.userId)!.name, deleted: false, team_id: workspace.team.id },
    ...content,
  };
  if (threadTs) attachToThread(channel, message, threadTs);
  channel.messages.push(message);
  emit("message", { channel: channel.id, message });
  return message;
}

/**
 * A reply to a reply joins the parent's thread, as in Slack. A thread_ts that names no message
 * is still accepted and stored as given; the parent's counters change only when it exists.
 */
export function attachToThread(channel: ChannelRecord, message: SlackMessage, threadTs: string) {
  let parent = findMessage(channel, threadTs);
  if (parent?.thread_ts && parent.thread_ts !== parent.ts) parent = findMessage(channel, parent.thread_ts);
  message.thread_ts = parent?.ts ?? threadTs;
  if (!parent) return;
  const replyUsers = new Set([...(parent.reply_users ?? []), message.user]);
  Object.assign(parent, {
    thread_ts: parent.ts,
    reply_count: (parent.reply_count ?? 0) + 1,
    reply_users: [...replyUsers],
    reply_users_count: replyUsers.size,
    latest_reply: message.ts,
  });
}

/** A message typed by a person, for the sandbox and for tests that need a human's message. */
export function postAsUser(workspace: Workspace, channelId: string, user: string, text: string, threadTs?: string): SlackMessage {
  const channel = workspace.channels.get(channelId);
  if (!channel) throw new Error(`Unknown channel ${channelId}.`);
  if (!workspace.users.has(user)) throw new Error(`Unknown user ${user}.`);
  const message: SlackMessage = { type: "message", ts: workspace.nextTs(), text, user, team: workspace.team.id };
  if (threadTs) attachToThread(channel, message, threadTs);
  channel.messages.push(message);
  return message;
}
