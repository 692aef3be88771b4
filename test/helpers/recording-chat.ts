// A chat port that records what would have been posted (flow tests without a Slack emulator).
import type { ChatMessage, ChatPort } from "../../src/ports/chat.js";

export function recordingChat(): ChatPort & { posted: { channel: string; ts: string; message: ChatMessage }[]; ephemeral: { channel: string; user: string; text: string }[] } {
  const posted: { channel: string; ts: string; message: ChatMessage }[] = [];
  const ephemeral: { channel: string; user: string; text: string }[] = [];
  let n = 0;
  return {
    posted,
    ephemeral,
    createChannel: async (name) => ({ id: `C${++n}`, name }),
    findChannelByName: async () => undefined,
    channelMembers: async () => [],
    botUserId: async () => "UBOT",
    invite: async () => undefined,
    lookupUserByEmail: async () => undefined,
    postMessage: async (channel, message) => {
      const ts = `1700000000.${String(++n).padStart(6, "0")}`;
      posted.push({ channel, ts, message });
      return { ts };
    },
    takePostSlot: async () => undefined,
    updateMessage: async (channel, ts, message) => {
      const existing = posted.find((p) => p.ts === ts);
      if (existing) existing.message = message;
    },
    postEphemeral: async (channel, user, message) => void ephemeral.push({ channel, user, text: message.text }),
    // A DM is the bot's conversation with the person: recorded as a post to their user id.
    postDirect: async (user, message) => void posted.push({ channel: user, ts: `1700000000.${String(++n).padStart(6, "0")}`, message }),
    pin: async () => undefined,
    permalink: async () => undefined,
    userGroupMembers: async () => [],
    userName: async () => undefined,
    message: async () => undefined,
    reactionCount: async () => 0,
    renameChannel: async () => undefined,
    archiveChannel: async () => undefined,
    findTaggedMessage: async () => undefined,
    addBookmark: async () => undefined,
    bookmarkLinks: async () => [],
  };
}
