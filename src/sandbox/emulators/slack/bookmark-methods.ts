// bookmarks.add and bookmarks.list: the links in a channel's header.
// https://docs.slack.dev/reference/methods/bookmarks.add — `link` is the only type it accepts;
// a link must begin with http:// or https:// (`invalid_link`); an unknown type is
// `invalid_bookmark_type`; an emoji goes as `:name:` (`invalid_emoji`). The answer is
// `{ ok, bookmark }` with the fields of the method page's example.
// https://docs.slack.dev/reference/methods/bookmarks.list — `{ ok, bookmarks }`.
// Both act only in a channel the bot can see (`channel_not_found`) and is a member of
// (`not_in_channel`). Missing or unknown arguments are `invalid_arguments` (method-arguments.ts).
import { z } from "zod";
import { fail, method, ok, type MethodHandler } from "./method-kit.js";
import { unixSeconds, visibleChannel, type BookmarkRecord, type ChannelRecord, type Workspace } from "./workspace-state.js";

const EMOJI = /^:[a-z0-9_+'-]+:$/;

/** The channel a bookmark call may act in, or Slack's error for it. */
function memberChannel(workspace: Workspace, id: string): ChannelRecord | ReturnType<typeof fail> {
  const channel = visibleChannel(workspace, id);
  if (!channel) return fail("channel_not_found");
  if (!channel.members.includes(workspace.bot.userId)) return fail("not_in_channel");
  return channel;
}

const isChannel = (value: ChannelRecord | ReturnType<typeof fail>): value is ChannelRecord => !("ok" in value);

export const bookmarkMethods: Record<string, MethodHandler> = {
  "bookmarks.add": method(
    z.object({ channel_id: z.string(), title: z.string(), type: z.string(), link: z.string().optional(), emoji: z.string().optional() }).loose(),
    ({ workspace, emit }, args) => {
      const channel = memberChannel(workspace, args.channel_id);
      if (!isChannel(channel)) return channel;
      if (args.type !== "link") return fail("invalid_bookmark_type");
      if (!args.link || !/^https?:\/\//i.test(args.link)) return fail("invalid_link");
      if (args.emoji !== undefined && args.emoji !== "" && !EMOJI.test(args.emoji)) return fail("invalid_emoji");
      const bookmark: BookmarkRecord = {
        id: workspace.nextId("Bk"),
        channel_id: channel.id,
        title: args.title,
        link: args.link,
        emoji: args.emoji || null,
        icon_url: null,
        type: "link",
        entity_id: null,
        date_created: unixSeconds(workspace),
        date_updated: 0,
        // Slack's ranks are opaque strings that sort in the header's order.
        rank: String.fromCharCode(97 + Math.min(channel.bookmarks.length, 25)),
        last_updated_by_user_id: workspace.bot.userId,
        last_updated_by_team_id: workspace.team.id,
        shortcut_id: null,
        app_id: null,
      };
      channel.bookmarks.push(bookmark);
      emit("bookmark", { action: "added", channel: channel.id, bookmark: structuredClone(bookmark) });
      return ok({ bookmark });
    },
  ),

  "bookmarks.list": method(z.object({ channel_id: z.string() }).loose(), ({ workspace }, args) => {
    const channel = memberChannel(workspace, args.channel_id);
    if (!isChannel(channel)) return channel;
    return ok({ bookmarks: channel.bookmarks });
  }),
};
