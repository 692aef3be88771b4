// pins.* and reactions.*: what people attach to a message.
import { z } from "zod";
import { fail, flag, method, ok, type MethodHandler, type SlackBody } from "./method-kit.js";
import { findMessage, unixSeconds, visibleChannel, type ChannelRecord, type SlackMessage, type Workspace } from "./workspace-state.js";

const item = z.object({ channel: z.string().optional(), timestamp: z.string().optional() });

// Emoji names go without colons; ":white_check_mark:" is refused, as Slack does.
const EMOJI_NAME = /^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/;

type Target = { channel: ChannelRecord; message: SlackMessage };

/** The channel and message an item argument names, or the error Slack gives for it. */
function target(workspace: Workspace, args: z.output<typeof item>): Target | SlackBody {
  const channel = visibleChannel(workspace, args.channel);
  if (!channel) return fail("channel_not_found");
  if (!args.timestamp) return fail("no_item_specified");
  const message = findMessage(channel, args.timestamp);
  if (!message) return fail("message_not_found");
  return { channel, message };
}

const isError = (value: Target | SlackBody): value is SlackBody => "ok" in value;

export const pinAndReactionMethods: Record<string, MethodHandler> = {
  "pins.add": method(item, ({ workspace, emit }, args) => {
    const found = target(workspace, args);
    if (isError(found)) return found;
    const { channel, message } = found;
    if (channel.pins.some((p) => p.ts === message.ts)) return fail("already_pinned");
    channel.pins.push({ ts: message.ts, created: unixSeconds(workspace), createdBy: workspace.bot.userId });
    message.pinned_to = [channel.id];
    emit("pin", { action: "added", channel: channel.id, ts: message.ts, user: workspace.bot.userId });
    return ok();
  }),

  "pins.remove": method(item, ({ workspace, emit }, args) => {
    const found = target(workspace, args);
    if (isError(found)) return found;
    const { channel, message } = found;
    const index = channel.pins.findIndex((p) => p.ts === message.ts);
    if (index < 0) return fail("no_pin");
    channel.pins.splice(index, 1);
    delete message.pinned_to;
    emit("pin", { action: "removed", channel: channel.id, ts: message.ts, user: workspace.bot.userId });
    return ok();
  }),

  "pins.list": method(z.object({ channel: z.string().optional() }), ({ workspace }, args) => {
    const channel = visibleChannel(workspace, args.channel);
    if (!channel) return fail("channel_not_found");
    const items = [...channel.pins].reverse().map((pin) => ({
      type: "message",
      created: pin.created,
      created_by: pin.createdBy,
      channel: channel.id,
      message: findMessage(channel, pin.ts),
    }));
    return ok({ items });
  }),

  "reactions.add": method(item.extend({ name: z.string().optional() }), ({ workspace, emit }, args) => {
    const found = target(workspace, args);
    if (isError(found)) return found;
    const name = args.name ?? "";
    if (!EMOJI_NAME.test(name)) return fail("invalid_name");
    const { channel, message } = found;
    const user = workspace.bot.userId;
    const reactions = (message.reactions ??= []);
    let reaction = reactions.find((r) => r.name === name);
    if (reaction?.users.includes(user)) return fail("already_reacted");
    if (!reaction) reactions.push((reaction = { name, users: [], count: 0 }));
    reaction.users.push(user);
    reaction.count = reaction.users.length;
    emit("reaction", { action: "added", channel: channel.id, ts: message.ts, name, user });
    return ok();
  }),

  "reactions.remove": method(item.extend({ name: z.string().optional() }), ({ workspace, emit }, args) => {
    const found = target(workspace, args);
    if (isError(found)) return found;
    const { channel, message } = found;
    const name = args.name ?? "";
    const user = workspace.bot.userId;
    const reaction = message.reactions?.find((r) => r.name === name);
    if (!reaction?.users.includes(user)) return fail("no_reaction");
    reaction.users = reaction.users.filter((u) => u !== user);
    reaction.count = reaction.users.length;
    message.reactions = message.reactions!.filter((r) => r.count > 0);
    if (message.reactions.length === 0) delete message.reactions;
    emit("reaction", { action: "removed", channel: channel.id, ts: message.ts, name, user });
    return ok();
  }),

  "reactions.get": method(item.extend({ full: flag.optional() }), ({ workspace }, args) => {
    const found = target(workspace, args);
    if (isError(found)) return found;
    return ok({ type: "message", channel: found.channel.id, message: found.message });
  }),
};
