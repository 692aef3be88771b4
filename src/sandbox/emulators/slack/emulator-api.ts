// The emulator's public surface: its options, what it holds as tests and the sandbox see it,
// and the calls that inspect and steer it.
import type { EventName, Listener, RecordedCall } from "./emulator-events.js";
import type { FailureSpec } from "./failure-injection.js";
import type { UploadedFile } from "./file-methods.js";
import type { RateLimitSettings, RateLimitViolation } from "./rate-limits.js";
import type { SocketModeServer } from "./socket-mode-server.js";
import type { BookmarkRecord, ChannelSeed, ChannelText, EphemeralMessage, ResponsePost, SlackMessage, SlackView, UserGroupSeed, UserSeed } from "./workspace-state.js";

export interface SlackEmulatorOptions {
  /** Bot token(s) the emulator accepts; all act as the same bot user. Default "xoxb-firebreak-emulator". */
  botToken?: string | readonly string[];
  /** The app-level token (xapp-…) that opens Socket Mode connections. Default "xapp-1-firebreak-emulator". */
  appToken?: string;
  /** How long a Socket Mode events_api envelope waits for its ack before it is sent again (default 3 s, as Slack). */
  socketModeAckTimeoutMs?: number;
  botName?: string;
  /** Scopes granted to the bot token, sent back in `X-OAuth-Scopes`. Default: a broad incident-bot set. */
  botScopes?: readonly string[];
  teamId?: string;
  teamName?: string;
  /** Used in permalinks and auth.test's url: https://<domain>.slack.com/. */
  teamDomain?: string;
  /** Added to every call before it is answered. */
  latencyMs?: number;
  /** Refuse calls over Slack's limits with 429 + Retry-After. Violations are recorded either way. */
  enforceRateLimits?: boolean;
  rateLimits?: Partial<RateLimitSettings>;
  /** Clock for message ts, channel `created`, recorded `at`, rate-limit windows and trigger expiry. */
  now?: () => number;
  /**
   * Check every call as Slack does (default true): Block Kit per surface, missing or unknown
   * arguments, trigger_ids only as issued by issueTrigger() and only within 3 s, posting only
   * where the bot is a member. false keeps the older, lenient checks of shape alone.
   */
  strict?: boolean;
}

/** A channel as the emulator holds it. */
export interface ChannelSnapshot {
  id: string;
  name: string;
  is_private: boolean;
  is_archived: boolean;
  created: number;
  creator: string;
  members: string[];
  topic: ChannelText;
  purpose: ChannelText;
  previous_names: string[];
}

export interface PinSnapshot {
  ts: string;
  created: number;
  created_by: string;
  message: SlackMessage | undefined;
}

export interface SlackEmulator {
  /** Listens on 127.0.0.1; `url` ends in /api/ and is what WebClient's `slackApiUrl` takes. */
  start(port?: number): Promise<{ url: string }>;
  stop(): Promise<void>;
  readonly url: string | undefined;
  readonly botToken: string;
  readonly appToken: string;
  /** Socket Mode: envelopes to send the app over its WebSocket, its acks, disconnects and drops. */
  readonly socketMode: SocketModeServer;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;

  addUser(seed: UserSeed): string;
  addChannel(seed: ChannelSeed): string;
  addUserGroup(seed: UserGroupSeed): string;
  /** A message typed by a person (not the bot), announced as a "message" event. */
  postAsUser(channelId: string, userId: string, text: string, options?: { threadTs?: string }): SlackMessage;
  /**
   * A trigger_id for an interaction payload (a click, a command, a shortcut) about to be sent to
   * the bot, valid for views.open or views.push once and for 3 s by the emulator's clock.
   */
  issueTrigger(): string;
  /**
   * A response_url for an interaction `user` is about to make (in `channel`, if any), served by
   * the emulator: up to five posts within 30 minutes, each recorded in responses().
   */
  issueResponseUrl(to: { user: string; channel?: string; kind?: "actions" | "commands" }): string;
  /** Fills a modal's `state.values`, as a person typing into it would. */
  setViewState(viewId: string, values: Record<string, unknown>): void;

  /** The user as users.info returns it. */
  user(id: string): Record<string, unknown> | undefined;
  channel(id: string): ChannelSnapshot | undefined;
  channelByName(name: string): ChannelSnapshot | undefined;
  /** Every message in the channel, thread replies included, oldest first. */
  messages(channelId: string): SlackMessage[];
  /** Files started with files.getUploadURLExternal: their bytes once uploaded, where they were shared once completed. */
  files(): UploadedFile[];
  /** A thread's parent and its replies, oldest first. */
  thread(channelId: string, threadTs: string): SlackMessage[];
  ephemerals(channelId?: string): EphemeralMessage[];
  /** What the bot posted to response_urls, for everyone or for one user. */
  responses(userId?: string): ResponsePost[];
  /** The bot's direct messages to a user (chat.postMessage with their ID as the channel), oldest first. */
  directMessages(userId: string): SlackMessage[];
  pins(channelId: string): PinSnapshot[];
  /** The channel's bookmarks, as bookmarks.list returns them. */
  bookmarks(channelId: string): BookmarkRecord[];
  views(): SlackView[];
  view(id: string): SlackView | undefined;
  /** The App Home view last published for the user (views.publish), if any. */
  homeView(userId: string): SlackView | undefined;

  failNext(method: string, spec?: FailureSpec): void;
  failAll(method: string, spec?: FailureSpec): void;
  clearFailures(): void;
  setLatency(ms: number): void;

  calls(method?: string): RecordedCall[];
  clearCalls(): void;
  rateLimitViolations(): RateLimitViolation[];
  /** Back to the seed workspace (the bot alone), with no calls, failures or violations. */
  reset(): void;

  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
}
