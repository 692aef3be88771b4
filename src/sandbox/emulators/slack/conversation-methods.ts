// conversations.*: channels, their members and their history.
// Errors and their order follow https://docs.slack.dev/reference/methods/conversations.create and siblings.
import { z } from "zod";
import { count, fail, flag, method, missingScope, ok, paginate, type MethodContext, type MethodHandler } from "./method-kit.js";
import { channelShape } from "./slack-shapes.js";
import {
  addChannel,
  channelByName,
  channelNameError,
  tsMicros,
  unixSeconds,
  visibleChannel,
  type ChannelRecord,
  type SlackMessage,
  type Workspace,
} from "./workspace-state.js";

const channelArg = z.object({ channel: z.string().optional() });
const page = { cursor: z.string().optional(), limit: count.optional() };

const isThreadReply = (m: SlackMessage) => m.thread_ts !== undefined && m.thread_ts !== m.ts;
const isMember = (workspace: Workspace, channel: ChannelRecord) => channel.members.includes(workspace.bot.userId);

/**
 * Private channels are reached through the groups:* twin of each channels:* scope: creating or
 * changing one needs groups:write, listing or reading its members groups:read, its messages
 * groups:history (https://docs.slack.dev/reference/methods/conversations.create, .../conversations.members,
 * .../conversations.history: "Required scopes"). A private channel the bot is not in does not exist
 * for it: every method answers `channel_not_found` (visibleChannel).
 */
const privateScope = (context: MethodContext, channel: ChannelRecord, scope: "groups:write" | "groups:read" | "groups:history") =>
  channel.isPrivate ? missingScope(context, scope) : undefined;

export const conversationMethods: Record<string, MethodHandler> = {
  "conversations.create": method(z.object({ name: z.string().optional(), is_private: flag.optional() }), (context, args) => {
    const { workspace, emit } = context;
    const refused = args.is_private ? missingScope(context, "groups:write") : undefined;
    if (refused) return refused;
    const name = args.name ?? "";
    const problem = channelNameError(name);
    if (problem) return fail(problem);
    // Archived channels keep their names, so they clash too.
    if (channelByName(workspace, name)) return fail("name_taken");
    const id = addChannel(workspace, { name, isPrivate: args.is_private ?? false });
    emit("channel", { action: "created", channel: id });
    const channel = workspace.channels.get(id)!;
    return ok({
      channel: { ...channelShape(workspace, channel), last_read: "0000000000.000000", latest: null, unread_count: 0, unread_count_display: 0 },
    });
  }),

  "conversations.invite": method(channelArg.extend({ users: z.string().optional(), force: flag.optional() }), (context, args) => {
    const { workspace, emit } = context;
    const channel = visibleChannel(workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    const refused = privateScope(context, channel, "groups:write");
    if (refused) return refused;
    const ids = [...new Set((args.users ?? "").split(",").map((s) => s.trim()).filter(Boolean))];
    if (ids.length === 0) return fail("no_user");
    if (channel.isArchived) return fail("is_archived");
    if (!isMember(workspace, channel)) return fail("not_in_channel");
    const errors: { user: string; ok: false; error: string }[] = [];
    const added: string[] = [];
    for (const id of ids) {
      const error = !workspace.users.has(id)
        ? "user_not_found"
        : id === workspace.bot.userId
          ? "cant_invite_self"
          : // Inviting several people of whom some are already in is not an error; one who is, is.
            channel.members.includes(id) && ids.length === 1
            ? "already_in_channel"
            : undefined;
      if (error) errors.push({ user: id, ok: false, error });
      else if (!channel.members.includes(id)) added.push(id);
    }
    // Without `force`, one bad id fails the whole call and nobody is invited.
    if (errors[0] && !(args.force && ids.length > 1)) return fail(errors[0].error, { errors });
    channel.members.push(...added);
    if (added.length > 0) emit("channel", { action: "members", channel: channel.id });
    return ok({ channel: channelShape(workspace, channel), ...(errors.length > 0 && { errors }) });
  }),

  "conversations.info": method(channelArg.extend({ include_num_members: flag.optional() }), ({ workspace }, args) => {
    const channel = visibleChannel(workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    return ok({ channel: channelShape(workspace, channel, { numMembers: args.include_num_members ?? false }) });
  }),

  "conversations.archive": method(channelArg, ({ workspace, emit }, args) => {
    const channel = visibleChannel(workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    if (channel.isArchived) return fail("already_archived");
    if (!isMember(workspace, channel)) return fail("not_in_channel");
    channel.isArchived = true;
    emit("channel", { action: "archived", channel: channel.id });
    return ok();
  }),

  "conversations.unarchive": method(channelArg, ({ workspace, emit }, args) => {
    const channel = visibleChannel(workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    if (!channel.isArchived) return fail("not_archived");
    channel.isArchived = false;
    emit("channel", { action: "unarchived", channel: channel.id });
    return ok();
  }),

  "conversations.rename": method(channelArg.extend({ name: z.string().optional() }), ({ workspace, emit }, args) => {
    const channel = visibleChannel(workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    const name = args.name ?? "";
    const problem = channelNameError(name);
    if (problem) return fail(problem);
    const holder = channelByName(workspace, name);
    if (holder && holder !== channel) return fail("name_taken");
    if (channel.isArchived) return fail("is_archived");
    if (!isMember(workspace, channel)) return fail("not_in_channel");
    if (name !== channel.name) {
      channel.previousNames.unshift(channel.name);
      channel.name = name;
      emit("channel", { action: "renamed", channel: channel.id });
    }
    return ok({ channel: channelShape(workspace, channel) });
  }),

  "conversations.setTopic": setText("topic"),
  "conversations.setPurpose": setText("purpose"),

  "conversations.members": method(channelArg.extend(page), (context, args) => {
    const channel = visibleChannel(context.workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    const refused = privateScope(context, channel, "groups:read");
    if (refused) return refused;
    const { page: members, response_metadata } = paginate(channel.members, args);
    return ok({ members, response_metadata });
  }),

  "conversations.history": method(
    channelArg.extend({ ...page, latest: z.string().optional(), oldest: z.string().optional(), inclusive: flag.optional(), include_all_metadata: flag.optional() }),
    (context, args) => {
      const { workspace } = context;
      const channel = visibleChannel(workspace, args.channel);
      if (!channel) return fail("channel_not_found");
      const refused = privateScope(context, channel, "groups:history");
      if (refused) return refused;
      if (!isMember(workspace, channel)) return fail("not_in_channel");
      const latest = args.latest ? tsMicros(args.latest) : undefined;
      const oldest = args.oldest ? tsMicros(args.oldest) : undefined;
      if (args.latest && latest === undefined) return fail("invalid_ts_latest");
      if (args.oldest && oldest === undefined) return fail("invalid_ts_oldest");
      const inRange = (m: SlackMessage) => {
        const at = tsMicros(m.ts)!;
        const inclusive = args.inclusive ?? false;
        if (latest !== undefined && (inclusive ? at > latest : at >= latest)) return false;
        if (oldest !== undefined && (inclusive ? at < oldest : at <= oldest)) return false;
        return true;
      };
      const newestFirst = channel.messages.filter((m) => !isThreadReply(m) && inRange(m)).reverse();
      const { page: selected, hasMore, response_metadata } = paginate(newestFirst, args);
      // Message metadata comes back only when asked for with include_all_metadata
      // (https://api.slack.com/methods/conversations.history, https://api.slack.com/metadata/using).
      const messages = args.include_all_metadata ? selected : selected.map(({ metadata: _hidden, ...m }) => m);
      return ok({ messages, has_more: hasMore, pin_count: channel.pins.length, channel_actions_ts: null, channel_actions_count: 0, response_metadata });
    },
  ),

  "conversations.replies": method(channelArg.extend({ ...page, ts: z.string().optional(), include_all_metadata: flag.optional() }), ({ workspace }, args) => {
    const channel = visibleChannel(workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    const parent = channel.messages.find((m) => m.ts === args.ts);
    if (!parent) return fail("thread_not_found");
    const thread = channel.messages.filter((m) => m === parent || (m.thread_ts === parent.ts && m.ts !== parent.ts));
    const { page, hasMore, response_metadata } = paginate(thread, args);
    // As in history, metadata only with include_all_metadata (https://docs.slack.dev/reference/methods/conversations.replies).
    const messages = args.include_all_metadata ? page : page.map(({ metadata: _hidden, ...m }) => m);
    return ok({ messages, has_more: hasMore, response_metadata });
  }),

  "conversations.join": method(channelArg, ({ workspace, emit }, args) => {
    const channel = visibleChannel(workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    if (channel.isArchived) return fail("is_archived");
    if (isMember(workspace, channel)) {
      return ok({ channel: channelShape(workspace, channel), warning: "already_in_channel", response_metadata: { warnings: ["already_in_channel"] } });
    }
    channel.members.push(workspace.bot.userId);
    emit("channel", { action: "members", channel: channel.id });
    return ok({ channel: channelShape(workspace, channel) });
  }),

  "conversations.list": method(z.object({ ...page, types: z.string().optional(), exclude_archived: flag.optional() }), (context, args) => {
    const { workspace } = context;
    const types = new Set((args.types ?? "public_channel").split(",").map((t) => t.trim()));
    const refused = types.has("private_channel") ? missingScope(context, "groups:read") : undefined;
    if (refused) return refused;
    const channels = [...workspace.channels.keys()]
      .map((id) => visibleChannel(workspace, id))
      .filter((c): c is ChannelRecord => c !== undefined)
      .filter((c) => types.has(c.isPrivate ? "private_channel" : "public_channel"))
      .filter((c) => !(args.exclude_archived && c.isArchived));
    const { page: selected, response_metadata } = paginate(channels, args);
    return ok({ channels: selected.map((c) => channelShape(workspace, c)), response_metadata });
  }),
};

function setText(field: "topic" | "purpose"): MethodHandler {
  return method(channelArg.extend({ [field]: z.string().optional() }), ({ workspace, emit }, args) => {
    const channel = visibleChannel(workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    const value = String((args as Record<string, unknown>)[field] ?? "");
    // Slack caps topics and purposes at 250 characters.
    if (value.length > 250) return fail("too_long");
    if (channel.isArchived) return fail("is_archived");
    if (!isMember(workspace, channel)) return fail("not_in_channel");
    channel[field] = { value, creator: workspace.bot.userId, last_set: unixSeconds(workspace) };
    emit("channel", { action: field, channel: channel.id });
    return ok({ channel: channelShape(workspace, channel) });
  });
}
