// What the flows need from Slack. The adapter (adapters/slack-chat.ts) implements it over Slack's
// Web API; tests point it at the Slack emulator.

export interface ChatMessage {
  text: string;
  blocks?: unknown[];
  /** Posts the message as a reply in the thread of this message. */
  threadTs?: string;
  /** Marks the message as this incident's `part` (sent as Slack message metadata), so it can be found again. */
  tag?: MessageTag;
}

/** Which of Firebreak's messages this is: an incident and the part it plays ("header", "announcement", ...). */
export interface MessageTag {
  incident: number;
  part: string;
}

export interface ChannelInfo {
  id: string;
  name: string;
  creator?: string;
  created?: number;
}

export interface ChatPort {
  /** Throws VendorError("slack", "name_taken") when the name is in use (by a public or a private channel). */
  createChannel(name: string, options?: { private?: boolean }): Promise<ChannelInfo>;
  /** Who is in the channel now (conversations.members; a private channel only answers its members, the bot among them). */
  channelMembers(channelId: string): Promise<string[]>;
  /** Looks among public channels, or among private ones the bot is in (`private`: needs groups:read). */
  findChannelByName(name: string, options?: { private?: boolean }): Promise<ChannelInfo | undefined>;
  botUserId(): Promise<string | undefined>;
  invite(channelId: string, userIds: string[]): Promise<void>;
  lookupUserByEmail(email: string): Promise<string | undefined>;
  /** Paced to Slack's one message a second per channel, unless `slotTaken`: the caller holds the slot (takePostSlot). */
  postMessage(channelId: string, message: ChatMessage, options?: { slotTaken?: boolean }): Promise<{ ts: string }>;
  /**
   * Takes the channel's next message slot (the pace postMessage keeps), for a caller about to post
   * the first message into a channel it has just created: nobody else knows the channel yet, so
   * the slot is free at once, and taking it beside the post keeps later posts a second behind it.
   */
  takePostSlot(channelId: string): Promise<void>;
  updateMessage(channelId: string, ts: string, message: ChatMessage): Promise<void>;
  postEphemeral(channelId: string, userId: string, message: ChatMessage): Promise<void>;
  /** A direct message from the bot to the person (Slack opens the conversation on first use). */
  postDirect(userId: string, message: ChatMessage): Promise<void>;
  pin(channelId: string, ts: string): Promise<void>;
  permalink(channelId: string, ts: string): Promise<string | undefined>;
  /** One message (a thread reply too) with its text as written (unescaped), or undefined if it is gone. */
  message(channelId: string, ts: string): Promise<{ ts: string; user?: string; text: string } | undefined>;
  /** How many people have reacted to the message with `name`. */
  reactionCount(channelId: string, ts: string, name: string): Promise<number>;
  renameChannel(channelId: string, name: string): Promise<void>;
  archiveChannel(channelId: string): Promise<void>;
  /** A person's display name, or undefined if Slack does not know them. */
  userName(userId: string): Promise<string | undefined>;
  /** Members of a Slack user group (S…). */
  userGroupMembers(userGroupId: string): Promise<string[]>;
  /**
   * The ts of the bot's message tagged `tag` posted in the channel (or, with `threadTs`, in that
   * thread) since `since`, if any: what a write whose answer was lost may have left behind.
   */
  findTaggedMessage(channelId: string, tag: MessageTag, since: Date, threadTs?: string): Promise<string | undefined>;
  /** Adds a link to the channel's bookmarks (bookmarks.add). */
  addBookmark(channelId: string, bookmark: { title: string; link: string; emoji?: string }): Promise<void>;
  /** The links bookmarked in the channel (bookmarks.list): what an add whose answer was lost may have left. */
  bookmarkLinks(channelId: string): Promise<string[]>;
}

/** Firebreak's App Home tab (views.publish): one view per person, replaced whole each time. */
export interface HomeTabPort {
  publishHome(userId: string, view: { type: "home"; blocks: unknown[] }): Promise<void>;
}
