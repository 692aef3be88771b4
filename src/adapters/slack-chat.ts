// The chat port over Slack's WebClient, and Slack's `ok:false` errors mapped to VendorError codes.
// Reads and writes go through two clients: a read may be retried in the call, a write never is.
import { ErrorCode, WebClient, type Logger as SlackLogger, type WebAPICallResult } from "@slack/web-api";
import type { ChannelInfo, ChatMessage, ChatPort, MessageTag } from "../ports/chat.js";
import { VendorError } from "../ports/vendor-error.js";
import { slackTextToPlain } from "../ports/chat-text.js";
import { createHttpFetch } from "./http-fetch.js";

/** Waits until a call in `bucket` may be made (Slack allows about one message a second per channel). */
export type Pace = (bucket: string) => Promise<void>;

export interface SlackClients {
  reads: WebClient;
  writes: WebClient;
}

/** The metadata event type of every message Firebreak tags (https://api.slack.com/metadata/using). */
export const MESSAGE_EVENT_TYPE = "firebreak_incident_message";

export function createSlackClients(token: string, options: { apiUrl?: string; timeoutMs?: number; logger?: SlackLogger } = {}): SlackClients {
  const common = { ...(options.apiUrl && { slackApiUrl: options.apiUrl }), ...(options.logger && { logger: options.logger }), timeout: options.timeoutMs ?? 10_000, fetch: createHttpFetch() };
  return {
    // A read changes nothing, so the client may repeat it over a brief blip and wait out a 429.
    reads: new WebClient(token, { ...common, retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2_000 } }),
    // Slack can perform a write and still answer 500, time out or drop the connection; repeating
    // it in the call would make a second channel or message. The durable job retries instead,
    // looking first (jobs/write-ledger.ts), and waits out a 429's Retry-After between attempts
    // rather than holding a worker (Slack does not perform a rate-limited call:
    // https://docs.slack.dev/apis/web-api/rate-limits).
    writes: new WebClient(token, { ...common, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }),
  };
}

/** The pace bucket of posts into one channel: Slack allows about one message a second in each (https://docs.slack.dev/reference/methods/chat.postMessage, "Rate limiting"). */
const postBucket = (channelId: string) => `chat.postMessage:${channelId}`;

export function createSlackChat(clients: SlackClients, pace: Pace = async () => undefined): ChatPort {
  const { reads: client, writes } = clients;
  let botUser: Promise<string | undefined> | undefined;
  const call = async <T extends WebAPICallResult>(method: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw toVendorError(method, error);
    }
  };

  return {
    async createChannel(name, options = {}) {
      const result = await call("conversations.create", () => writes.conversations.create({ name, ...(options.private && { is_private: true }) }));
      return toChannel(result.channel as RawChannel);
    },
    async findChannelByName(name, options = {}) {
      let cursor: string | undefined;
      do {
        const page = await call("conversations.list", () =>
          // A private incident's channel is listed to the bot because it created it (and so is a member).
          client.conversations.list({ types: options.private ? "private_channel" : "public_channel", exclude_archived: true, limit: 1000, ...(cursor && { cursor }) }),
        );
        const found = (page.channels as RawChannel[] | undefined)?.find((c) => c.name === name);
        if (found) return toChannel(found);
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return undefined;
    },
    botUserId() {
      botUser ??= client.auth.test().then(
        (r) => r.user_id,
        () => {
          botUser = undefined;
          return undefined;
        },
      );
      return botUser;
    },
    async invite(channelId, userIds) {
      await call("conversations.invite", () => writes.conversations.invite({ channel: channelId, users: userIds.join(",") }));
    },
    async lookupUserByEmail(email) {
      try {
        const result = await call("users.lookupByEmail", () => client.users.lookupByEmail({ email }));
        return result.user?.id;
      } catch (error) {
        if (error instanceof VendorError && error.code === "users_not_found") return undefined;
        throw error;
      }
    },
    takePostSlot: (channelId) => pace(postBucket(channelId)),
    async postMessage(channelId, message, options = {}) {
      if (!options.slotTaken) await pace(postBucket(channelId));
      const result = await call("chat.postMessage", () => writes.chat.postMessage({ channel: channelId, ...asArgs(message) }));
      return { ts: result.ts! };
    },
    async updateMessage(channelId, ts, message) {
      await call("chat.update", () => writes.chat.update({ channel: channelId, ts, ...asArgs(message) }));
    },
    async postEphemeral(channelId, userId, message) {
      await call("chat.postEphemeral", () => writes.chat.postEphemeral({ channel: channelId, user: userId, ...asArgs(message) }));
    },
    async postDirect(userId, message) {
      // A user's ID as the channel opens the bot's DM with them if it isn't open already; chat:write
      // is all it needs (https://docs.slack.dev/reference/methods/chat.postMessage, "Channels").
      await call("chat.postMessage", () => writes.chat.postMessage({ channel: userId, ...asArgs(message) }));
    },
    async pin(channelId, ts) {
      try {
        await call("pins.add", () => writes.pins.add({ channel: channelId, timestamp: ts }));
      } catch (error) {
        if (!(error instanceof VendorError && error.code === "already_pinned")) throw error;
      }
    },
    async permalink(channelId, ts) {
      const result = await call("chat.getPermalink", () => client.chat.getPermalink({ channel: channelId, message_ts: ts }));
      return result.permalink;
    },
    async message(channelId, ts) {
      // conversations.replies finds a message whether or not it is in a thread.
      const result = await call("conversations.replies", () => client.conversations.replies({ channel: channelId, ts, limit: 1, inclusive: true }));
      const found = result.messages?.find((m) => m.ts === ts);
      return found && { ts, text: slackTextToPlain(found.text ?? ""), ...(found.user && { user: found.user }) };
    },
    async reactionCount(channelId, ts, name) {
      const result = await call("reactions.get", () => client.reactions.get({ channel: channelId, timestamp: ts }));
      return result.message?.reactions?.find((r) => r.name === name)?.count ?? 0;
    },
    async renameChannel(channelId, name) {
      await call("conversations.rename", () => writes.conversations.rename({ channel: channelId, name }));
    },
    async archiveChannel(channelId) {
      try {
        await call("conversations.archive", () => writes.conversations.archive({ channel: channelId }));
      } catch (error) {
        if (!(error instanceof VendorError && error.code === "already_archived")) throw error;
      }
    },
    async userName(userId) {
      try {
        const result = await call("users.info", () => client.users.info({ user: userId }));
        const profile = result.user?.profile;
        // The full name first: a post-mortem is read outside Slack, where "cora" (a handle) says less than "Cora Commander".
        return profile?.real_name || result.user?.real_name || profile?.display_name || result.user?.name || undefined;
      } catch (error) {
        if (error instanceof VendorError && error.code === "user_not_found") return undefined;
        throw error;
      }
    },
    async channelMembers(channelId) {
      const members: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await call("conversations.members", () => client.conversations.members({ channel: channelId, limit: 1000, ...(cursor && { cursor }) }));
        members.push(...(page.members ?? []));
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return members;
    },
    async userGroupMembers(userGroupId) {
      const result = await call("usergroups.users.list", () => client.usergroups.users.list({ usergroup: userGroupId }));
      return result.users ?? [];
    },
    async addBookmark(channelId, bookmark) {
      await call("bookmarks.add", () =>
        writes.bookmarks.add({ channel_id: channelId, type: "link", title: bookmark.title, link: bookmark.link, ...(bookmark.emoji && { emoji: bookmark.emoji }) }),
      );
    },
    async bookmarkLinks(channelId) {
      const result = await call("bookmarks.list", () => client.bookmarks.list({ channel_id: channelId }));
      return (result.bookmarks ?? []).map((b) => b.link).filter((link): link is string => typeof link === "string");
    },
    async findTaggedMessage(channelId, tag, since, threadTs) {
      const bot = await this.botUserId();
      // Metadata comes back only with include_all_metadata (https://api.slack.com/methods/conversations.history);
      // `oldest` bounds the read to the time of the write, however busy the channel has been since.
      // History holds no thread replies; a reply is looked for in its thread
      // (https://docs.slack.dev/reference/methods/conversations.replies).
      const oldest = slackTs(since);
      let cursor: string | undefined;
      do {
        const args = { channel: channelId, oldest, include_all_metadata: true, limit: 200, ...(cursor && { cursor }) };
        const page = threadTs
          ? await call("conversations.replies", () => client.conversations.replies({ ...args, ts: threadTs }))
          : await call("conversations.history", () => client.conversations.history(args));
        const found = page.messages?.find((m) => isTagged(m.metadata, tag) && (!bot || m.user === bot || Boolean(m.bot_id)));
        if (found?.ts) return found.ts;
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return undefined;
    },
  };
}

type RawChannel = { id?: string; name?: string; creator?: string; created?: number };

function toChannel(channel: RawChannel): ChannelInfo {
  return { id: channel.id!, name: channel.name!, ...(channel.creator && { creator: channel.creator }), ...(channel.created && { created: channel.created }) };
}

function asArgs(message: ChatMessage) {
  return {
    text: message.text,
    ...(message.blocks && { blocks: message.blocks as never }),
    ...(message.threadTs && { thread_ts: message.threadTs }),
    ...(message.tag && { metadata: { event_type: MESSAGE_EVENT_TYPE, event_payload: { incident: message.tag.incident, part: message.tag.part } } }),
  };
}

function isTagged(metadata: { event_type?: string; event_payload?: Record<string, unknown> } | undefined, tag: MessageTag): boolean {
  return metadata?.event_type === MESSAGE_EVENT_TYPE && metadata.event_payload?.incident === tag.incident && metadata.event_payload?.part === tag.part;
}

/** A Date as a Slack timestamp ("seconds.micros"), built from integers: ts values are never floats. */
function slackTs(at: Date): string {
  const ms = Math.max(0, at.getTime());
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, "0")}`;
}

export function toVendorError(method: string, error: unknown): VendorError {
  const e = error as { code?: string; data?: { error?: string }; statusCode?: number; message?: string };
  let code = "request_failed";
  if (e.code === ErrorCode.PlatformError) code = e.data?.error ?? "unknown_error";
  else if (e.code === ErrorCode.HTTPError) code = `http_${e.statusCode ?? "error"}`;
  else if (e.code === ErrorCode.RateLimitedError) code = "ratelimited";
  else if (e.code === ErrorCode.RequestError) code = "request_failed";
  const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
  const wait = e.code === ErrorCode.RateLimitedError && typeof retryAfter === "number" ? { retryAfterMs: retryAfter * 1000 } : {};
  return new VendorError("slack", code, `Slack ${method} failed: ${code}`, { cause: error, ...wait });
}
