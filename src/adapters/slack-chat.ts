// The chat port over Slack's WebClient. WebClient already waits out 429s (Retry-After) and
// retries 5xx; what is left is mapping Slack's `ok:false` errors to VendorError codes.
import { ErrorCode, WebClient, type WebAPICallResult } from "@slack/web-api";
import type { ChannelInfo, ChatMessage, ChatPort } from "../incidents/ports.js";
import { VendorError } from "../incidents/ports.js";
import { slackTextToPlain } from "../slack/views/mrkdwn.js";

/** Waits until a call in `bucket` may be made (Slack allows about one message a second per channel). */
export type Pace = (bucket: string) => Promise<void>;

export function createSlackChat(client: WebClient, pace: Pace = async () => undefined): ChatPort {
  let botUser: Promise<string | undefined> | undefined;
  const call = async <T extends WebAPICallResult>(method: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw toVendorError(method, error);
    }
  };

  return {
    async createChannel(name) {
      const result = await call("conversations.create", () => client.conversations.create({ name }));
      return toChannel(result.channel as RawChannel);
    },
    async findChannelByName(name) {
      let cursor: string | undefined;
      do {
        const page = await call("conversations.list", () =>
          client.conversations.list({ types: "public_channel", exclude_archived: true, limit: 1000, ...(cursor && { cursor }) }),
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
      await call("conversations.invite", () => client.conversations.invite({ channel: channelId, users: userIds.join(",") }));
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
    async postMessage(channelId, message) {
      await pace(`chat.postMessage:${channelId}`);
      const result = await call("chat.postMessage", () => client.chat.postMessage({ channel: channelId, ...asArgs(message) }));
      return { ts: result.ts! };
    },
    async updateMessage(channelId, ts, message) {
      await call("chat.update", () => client.chat.update({ channel: channelId, ts, ...asArgs(message) }));
    },
    async postEphemeral(channelId, userId, message) {
      await call("chat.postEphemeral", () => client.chat.postEphemeral({ channel: channelId, user: userId, ...asArgs(message) }));
    },
    async pin(channelId, ts) {
      try {
        await call("pins.add", () => client.pins.add({ channel: channelId, timestamp: ts }));
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
      await call("conversations.rename", () => client.conversations.rename({ channel: channelId, name }));
    },
    async archiveChannel(channelId) {
      try {
        await call("conversations.archive", () => client.conversations.archive({ channel: channelId }));
      } catch (error) {
        if (!(error instanceof VendorError && error.code === "already_archived")) throw error;
      }
    },
    async userName(userId) {
      try {
        const result = await call("users.info", () => client.users.info({ user: userId }));
        const profile = result.user?.profile;
        return profile?.display_name || profile?.real_name || result.user?.real_name || result.user?.name || undefined;
      } catch (error) {
        if (error instanceof VendorError && error.code === "user_not_found") return undefined;
        throw error;
      }
    },
    async userGroupMembers(userGroupId) {
      const result = await call("usergroups.users.list", () => client.usergroups.users.list({ usergroup: userGroupId }));
      return result.users ?? [];
    },
    async findRecentMessage(channelId, text) {
      const bot = await this.botUserId();
      const history = await call("conversations.history", () => client.conversations.history({ channel: channelId, limit: 50 }));
      return history.messages?.find((m) => m.text === text && (!bot || m.user === bot || Boolean(m.bot_id)))?.ts;
    },
  };
}

type RawChannel = { id?: string; name?: string; creator?: string; created?: number };

function toChannel(channel: RawChannel): ChannelInfo {
  return { id: channel.id!, name: channel.name!, ...(channel.creator && { creator: channel.creator }), ...(channel.created && { created: channel.created }) };
}

function asArgs(message: ChatMessage) {
  return { text: message.text, ...(message.blocks && { blocks: message.blocks as never }) };
}

export function toVendorError(method: string, error: unknown): VendorError {
  const e = error as { code?: string; data?: { error?: string }; statusCode?: number; message?: string };
  let code = "request_failed";
  if (e.code === ErrorCode.PlatformError) code = e.data?.error ?? "unknown_error";
  else if (e.code === ErrorCode.HTTPError) code = `http_${e.statusCode ?? "error"}`;
  else if (e.code === ErrorCode.RateLimitedError) code = "ratelimited";
  else if (e.code === ErrorCode.RequestError) code = "request_failed";
  return new VendorError("slack", code, `Slack ${method} failed: ${code}`, { cause: error });
}
