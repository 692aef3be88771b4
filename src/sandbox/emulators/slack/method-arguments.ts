// The arguments each emulated method takes, as Slack's Web API OpenAPI spec lists them
// (slackapi/slack-api-specs @ bc08db49625630e3585bf2f1322128ea04f2a7f3,
// web-api/slack_web_openapi_v2.json, `parameters` of each path, `token` left out), plus the few
// documented since (each marked with its method page). A call that leaves out a required argument,
// or sends one the method does not take, is refused with `invalid_arguments`.
import { invalidArguments } from "./block-kit/block-kit-errors.js";
import type { SlackBody } from "./method-kit.js";

interface Arguments {
  required: readonly string[];
  optional: readonly string[];
}

const args = (required: string[], optional: string[] = []): Arguments => ({ required, optional });
const page = ["cursor", "limit"];

export const methodArguments: Record<string, Arguments> = {
  "auth.test": args([]),
  "users.info": args([], ["user", "include_locale"]),
  "users.lookupByEmail": args(["email"]),
  "users.list": args([], [...page, "include_locale", "team_id"]),
  "usergroups.list": args([], ["include_users", "include_count", "include_disabled", "team_id"]),
  "usergroups.users.list": args(["usergroup"], ["include_disabled", "team_id"]),
  "conversations.create": args([], ["name", "is_private", "team_id"]),
  // `force`: https://docs.slack.dev/reference/methods/conversations.invite
  "conversations.invite": args([], ["channel", "users", "force"]),
  "conversations.info": args([], ["channel", "include_locale", "include_num_members"]),
  "conversations.archive": args([], ["channel"]),
  "conversations.unarchive": args([], ["channel"]),
  "conversations.rename": args([], ["channel", "name"]),
  "conversations.setTopic": args([], ["channel", "topic"]),
  "conversations.setPurpose": args([], ["channel", "purpose"]),
  "conversations.members": args([], ["channel", ...page]),
  "conversations.history": args([], ["channel", "latest", "oldest", "inclusive", "include_all_metadata", ...page]),
  "conversations.replies": args([], ["channel", "ts", "latest", "oldest", "inclusive", "include_all_metadata", ...page]),
  "conversations.join": args([], ["channel"]),
  "conversations.list": args([], ["exclude_archived", "types", "team_id", ...page]),
  // `metadata`: https://docs.slack.dev/reference/methods/chat.postMessage (message metadata, 2022).
  "chat.postMessage": args(["channel"], [
    "as_user", "attachments", "blocks", "icon_emoji", "icon_url", "link_names", "mrkdwn", "parse", "reply_broadcast", "text", "thread_ts",
    "unfurl_links", "unfurl_media", "username", "metadata",
  ]),
  // `metadata`, `reply_broadcast`, `file_ids`: https://docs.slack.dev/reference/methods/chat.update
  "chat.update": args(["channel", "ts"], ["as_user", "attachments", "blocks", "link_names", "parse", "text", "metadata", "reply_broadcast", "file_ids"]),
  "chat.postEphemeral": args(["channel", "user"], ["as_user", "attachments", "blocks", "icon_emoji", "icon_url", "link_names", "parse", "text", "thread_ts", "username"]),
  "chat.getPermalink": args(["channel", "message_ts"]),
  "pins.add": args(["channel"], ["timestamp"]),
  "pins.remove": args(["channel"], ["timestamp"]),
  "pins.list": args(["channel"]),
  "reactions.add": args(["channel", "name", "timestamp"]),
  "reactions.remove": args(["name"], ["file", "file_comment", "channel", "timestamp"]),
  "reactions.get": args([], ["channel", "file", "file_comment", "full", "timestamp"]),
  // Newer than the spec: https://docs.slack.dev/reference/methods/bookmarks.add and
  // https://docs.slack.dev/reference/methods/bookmarks.list ("Required arguments").
  "bookmarks.add": args(["channel_id", "title", "type"], ["link", "emoji", "entity_id", "access_level", "parent_id"]),
  "bookmarks.list": args(["channel_id"]),
  // The spec marks trigger_id required; the method page (https://docs.slack.dev/reference/methods/views.open)
  // lists it as one of trigger_id or interactivity_pointer, and a call with neither is `invalid_trigger_id`.
  "views.open": args(["view"], ["trigger_id", "interactivity_pointer"]),
  "views.push": args(["view"], ["trigger_id", "interactivity_pointer"]),
  "views.update": args([], ["view_id", "external_id", "view", "hash"]),
  // Newer than the spec: https://docs.slack.dev/reference/methods/files.getUploadURLExternal and
  // https://docs.slack.dev/reference/methods/files.completeUploadExternal ("Arguments").
  "files.getUploadURLExternal": args(["filename", "length"], ["alt_txt", "snippet_type"]),
  "files.completeUploadExternal": args(["files"], ["channel_id", "channels", "thread_ts", "initial_comment", "blocks"]),
  // user_id is required too; left to the method, which answers a missing or unknown one as Slack
  // does ("invalid `user_id`", https://docs.slack.dev/reference/methods/views.publish).
  "views.publish": args(["view"], ["user_id", "hash"]),
};

/**
 * Taken by every method: WebClient built with a `teamId` (as Bolt builds it for each event) sends
 * it as `team_id` on every call (https://docs.slack.dev/tools/node-slack-sdk/reference/web-api/interfaces/WebClientOptions#teamid),
 * and org-wide tokens need it to say which workspace is meant.
 */
const EVERY_METHOD = ["team_id"];

/** Slack's `invalid_arguments` for a call with a missing or unknown argument, if it has one. */
export function argumentsError(method: string, given: Record<string, unknown>): SlackBody | undefined {
  const known = methodArguments[method];
  if (!known) return undefined;
  const allowed = new Set([...known.required, ...known.optional, ...EVERY_METHOD]);
  const issues = [
    ...known.required.filter((name) => given[name] === undefined).map((name) => ({ message: `missing required field: ${name}`, pointer: `/${name}` })),
    ...Object.keys(given).filter((name) => !allowed.has(name)).map((name) => ({ message: `unknown field: ${name}`, pointer: `/${name}` })),
  ];
  return issues.length > 0 ? invalidArguments(issues) : undefined;
}
