// The emulated workspace: users, user groups, channels and what was posted in them, held in
// memory. Records are stored in Slack's own field names so methods can answer without mapping.
import { createHash } from "node:crypto";

/** A message as conversations.history returns it. `ts` is a string; it is never read as a float. */
export interface SlackMessage {
  type: "message";
  ts: string;
  text: string;
  user: string;
  team: string;
  bot_id?: string;
  app_id?: string;
  bot_profile?: { id: string; app_id: string; name: string; deleted: boolean; team_id: string };
  username?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  reply_users_count?: number;
  latest_reply?: string;
  reactions?: { name: string; users: string[]; count: number }[];
  edited?: { user: string; ts: string };
  pinned_to?: string[];
  /** Files shared with the message (files.completeUploadExternal). */
  files?: unknown[];
}

export interface UserRecord {
  id: string;
  name: string;
  realName: string;
  email: string | undefined;
  isBot: boolean;
  botId: string | undefined;
  tz: string;
}

export interface UserGroupRecord {
  id: string;
  handle: string;
  name: string;
  users: string[];
}

export interface ChannelText {
  value: string;
  creator: string;
  last_set: number;
}

export interface PinRecord {
  ts: string;
  created: number;
  createdBy: string;
}

export interface ChannelRecord {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  /** Unix seconds, as Slack reports `created`. */
  created: number;
  creator: string;
  members: string[];
  topic: ChannelText;
  purpose: ChannelText;
  previousNames: string[];
  /** Every message posted to the channel, thread replies included, in ts order. */
  messages: SlackMessage[];
  pins: PinRecord[];
  /** Channel bookmarks (bookmarks.add), in the order they were added. */
  bookmarks: BookmarkRecord[];
}

/** A link bookmark, with the fields of bookmarks.add's documented response. */
export interface BookmarkRecord {
  id: string;
  channel_id: string;
  title: string;
  link: string;
  emoji: string | null;
  icon_url: string | null;
  type: "link";
  entity_id: null;
  date_created: number;
  date_updated: number;
  rank: string;
  last_updated_by_user_id: string;
  last_updated_by_team_id: string;
  shortcut_id: null;
  app_id: null;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  message_ts: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
  thread_ts: string | undefined;
}

/** A response_url handed out with an interaction: who it answers, and how much of it is used. */
export interface ResponseUrlRecord {
  user: string;
  channel: string | undefined;
  issuedAtMs: number;
  uses: number;
}

/** What the bot posted to a response_url, as the person it answers sees it. */
export interface ResponsePost {
  url: string;
  user: string;
  channel: string | undefined;
  at: number;
  text: string | undefined;
  blocks: unknown[] | undefined;
  response_type: "ephemeral" | "in_channel";
  replace_original: boolean;
  delete_original: boolean;
}

/** A modal view as views.open returns it. */
export type SlackView = Record<string, unknown> & {
  id: string;
  hash: string;
  root_view_id: string;
  previous_view_id: string | null;
  external_id: string;
  state: { values: Record<string, unknown> };
};

export interface TriggerRecord {
  issuedAtMs: number;
  /** A trigger opens one view; using it again is `exchanged_trigger_id`. */
  exchanged: boolean;
}

export interface WorkspaceIdentity {
  teamId: string;
  teamName: string;
  teamDomain: string;
  botName: string;
}

export interface Workspace {
  team: { id: string; name: string; domain: string };
  bot: { userId: string; botId: string; appId: string };
  users: Map<string, UserRecord>;
  userGroups: Map<string, UserGroupRecord>;
  channels: Map<string, ChannelRecord>;
  ephemerals: EphemeralMessage[];
  /** The bot's direct-message conversations (`D…`), by the user they are with. */
  ims: Map<string, ChannelRecord>;
  /** Every response_url handed out, by its path. */
  responseUrls: Map<string, ResponseUrlRecord>;
  responses: ResponsePost[];
  views: Map<string, SlackView>;
  /** Each person's published App Home view (views.publish), by user id. */
  homeViews: Map<string, SlackView>;
  /** Every trigger_id handed out with an interaction, by when it was issued (the workspace clock). */
  triggers: Map<string, TriggerRecord>;
  /** Sequential ids (`U…`, `C…`, `V…`) so runs are reproducible. */
  nextId(prefix: string): string;
  /** A message timestamp later than every earlier one in the workspace. */
  nextTs(): string;
  nowMs(): number;
}

export function createWorkspace(identity: WorkspaceIdentity, now: () => number): Workspace {
  let counter = 0;
  let lastMicros = 0;
  const nextId = (prefix: string) => `${prefix}0${(++counter).toString(36).toUpperCase().padStart(8, "0")}`;
  const bot = { userId: nextId("U"), botId: nextId("B"), appId: nextId("A") };
  const workspace: Workspace = {
    team: { id: identity.teamId, name: identity.teamName, domain: identity.teamDomain },
    bot,
    users: new Map(),
    userGroups: new Map(),
    channels: new Map(),
    ephemerals: [],
    ims: new Map(),
    responseUrls: new Map(),
    responses: [],
    views: new Map(),
    homeViews: new Map(),
    triggers: new Map(),
    nextId,
    nextTs() {
      // Integer microseconds: two posts in the same millisecond still get distinct, ordered ts.
      const micros = Math.max(Math.floor(now() * 1000), lastMicros + 1);
      lastMicros = micros;
      return formatTs(micros);
    },
    nowMs: now,
  };
  workspace.users.set(bot.userId, {
    id: bot.userId,
    name: identity.botName,
    realName: identity.botName,
    email: undefined,
    isBot: true,
    botId: bot.botId,
    tz: "UTC",
  });
  return workspace;
}

export function formatTs(micros: number): string {
  return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, "0")}`;
}

/** Orders two ts strings by their integer parts; undefined for anything not shaped like a ts. */
export function tsMicros(ts: string): number | undefined {
  const match = /^(\d{1,12})\.(\d{6})$/.exec(ts);
  return match ? Number(match[1]) * 1_000_000 + Number(match[2]) : undefined;
}

export const unixSeconds = (workspace: Workspace) => Math.floor(workspace.nowMs() / 1000);

export interface UserSeed {
  name: string;
  email?: string;
  realName?: string;
  isBot?: boolean;
  tz?: string;
}

export function addUser(workspace: Workspace, seed: UserSeed): string {
  const id = workspace.nextId("U");
  workspace.users.set(id, {
    id,
    name: seed.name,
    realName: seed.realName ?? seed.name,
    email: seed.email,
    isBot: seed.isBot ?? false,
    botId: seed.isBot ? workspace.nextId("B") : undefined,
    tz: seed.tz ?? "UTC",
  });
  return id;
}

export interface ChannelSeed {
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  members?: string[];
  /** Whether the bot is a member; true unless said otherwise. */
  botIsMember?: boolean;
  topic?: string;
  purpose?: string;
  creator?: string;
}

export function addChannel(workspace: Workspace, seed: ChannelSeed): string {
  const problem = channelNameError(seed.name);
  if (problem) throw new Error(`Channel name "${seed.name}" is not valid: ${problem}`);
  if (channelByName(workspace, seed.name)) throw new Error(`A channel named "${seed.name}" already exists.`);
  const creator = seed.creator ?? workspace.bot.userId;
  const members = new Set(seed.members ?? []);
  if (seed.botIsMember ?? true) members.add(workspace.bot.userId);
  for (const member of members) {
    if (!workspace.users.has(member)) throw new Error(`Unknown user ${member}; add it with addUser first.`);
  }
  const id = workspace.nextId("C");
  const now = unixSeconds(workspace);
  const text = (value: string | undefined): ChannelText => (value ? { value, creator, last_set: now } : { value: "", creator: "", last_set: 0 });
  workspace.channels.set(id, {
    id,
    name: seed.name,
    isPrivate: seed.isPrivate ?? false,
    isArchived: seed.isArchived ?? false,
    created: now,
    creator,
    members: [...members],
    topic: text(seed.topic),
    purpose: text(seed.purpose),
    previousNames: [],
    messages: [],
    pins: [],
    bookmarks: [],
  });
  return id;
}

export interface UserGroupSeed {
  handle: string;
  name?: string;
  users: string[];
}

export function addUserGroup(workspace: Workspace, seed: UserGroupSeed): string {
  for (const user of seed.users) {
    if (!workspace.users.has(user)) throw new Error(`Unknown user ${user}; add it with addUser first.`);
  }
  const id = workspace.nextId("S");
  workspace.userGroups.set(id, { id, handle: seed.handle, name: seed.name ?? seed.handle, users: [...seed.users] });
  return id;
}

/** Slack's channel-name rules, in the order Slack reports them. */
export function channelNameError(name: string): "invalid_name_required" | "invalid_name_maxlength" | "invalid_name_specials" | undefined {
  if (name.length === 0) return "invalid_name_required";
  if (name.length > 80) return "invalid_name_maxlength";
  if (!/^[a-z0-9_-]+$/.test(name)) return "invalid_name_specials";
  return undefined;
}

export function channelByName(workspace: Workspace, name: string): ChannelRecord | undefined {
  for (const channel of workspace.channels.values()) if (channel.name === name) return channel;
  return undefined;
}

/**
 * The channel as the bot sees it: a private channel the bot is not in does not exist for it,
 * which is why Slack answers `channel_not_found` rather than a permission error.
 */
export function visibleChannel(workspace: Workspace, id: unknown): ChannelRecord | undefined {
  if (typeof id !== "string") return undefined;
  const channel = workspace.channels.get(id);
  if (!channel) return undefined;
  if (channel.isPrivate && !channel.members.includes(workspace.bot.userId)) return undefined;
  return channel;
}

/**
 * The bot's DM with `userId`, opened on first use: chat.postMessage takes a user's ID as its
 * channel and opens the direct message if it isn't open already, with no scope beyond chat:write
 * (https://docs.slack.dev/reference/methods/chat.postMessage, "Channels"). Undefined for an
 * unknown user or the bot itself.
 */
export function directMessage(workspace: Workspace, userId: string): ChannelRecord | undefined {
  const user = workspace.users.get(userId);
  if (!user || user.id === workspace.bot.userId) return undefined;
  let im = workspace.ims.get(userId);
  if (!im) {
    const empty: ChannelText = { value: "", creator: "", last_set: 0 };
    im = { id: workspace.nextId("D"), name: userId, isPrivate: true, isArchived: false, created: unixSeconds(workspace), creator: workspace.bot.userId, members: [workspace.bot.userId, userId], topic: empty, purpose: { ...empty }, previousNames: [], messages: [], pins: [], bookmarks: [] };
    workspace.ims.set(userId, im);
  }
  return im;
}

export function findMessage(channel: ChannelRecord, ts: string): SlackMessage | undefined {
  return channel.messages.find((m) => m.ts === ts);
}

/**
 * A trigger_id for an interaction the workspace is about to deliver, in Slack's documented form
 * ("12345.98765.abcd2358fdea", https://docs.slack.dev/reference/methods/views.open), remembered
 * with its issue time so views.open can tell a fresh trigger from a stale one.
 */
export function issueTrigger(workspace: Workspace): string {
  const issuedAtMs = workspace.nowMs();
  const serial = workspace.triggers.size + 1;
  const id = `${Math.floor(issuedAtMs / 1000)}.${serial}.${createHash("sha1").update(`${workspace.team.id}:${serial}:${issuedAtMs}`).digest("hex").slice(0, 32)}`;
  workspace.triggers.set(id, { issuedAtMs, exchanged: false });
  return id;
}
