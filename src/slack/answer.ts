// Answering the person behind a Slack interaction: who they are, where they acted, and the
// interaction's response_url, read from whatever Bolt hands a listener, then delivered by the one
// answer place (incidents/answer-person.ts).
import type { RespondFn } from "@slack/bolt";
import { z } from "zod";
import { answerPerson, type AnswerTarget, type Delivered } from "../incidents/answer-person.js";
import type { Logger } from "../kernel/log.js";
import type { ChatMessage, ChatPort } from "../ports/chat.js";

/** What answering needs; available before the database is, so even "try later" reaches the person. */
export interface AnswerDeps {
  chat: ChatPort;
  log: Logger;
}

export type Answer = (message: ChatMessage | string) => Promise<Delivered>;

// Commands carry user_id/channel_id; interactions carry user.id and, on messages, channel.id.
const interaction = z.object({
  user_id: z.string().optional(),
  channel_id: z.string().optional(),
  user: z.object({ id: z.string() }).optional(),
  channel: z.object({ id: z.string() }).optional(),
});

/** The person and channel an interaction came from (undefined user for an event that has none). */
export function interactionTarget(body: unknown, respond?: RespondFn): AnswerTarget | undefined {
  const parsed = interaction.safeParse(body);
  if (!parsed.success) return undefined;
  const userId = parsed.data.user?.id ?? parsed.data.user_id;
  if (!userId) return undefined;
  return {
    userId,
    channelId: parsed.data.channel?.id ?? parsed.data.channel_id,
    // Never replaces the message clicked: the answer is for this person only.
    ...(respond && { respond: async (message: ChatMessage) => void (await respond({ response_type: "ephemeral", replace_original: false, text: message.text, ...(message.blocks && { blocks: message.blocks as never }) })) }),
  };
}

/**
 * An answer to the person behind `body`. `channelId` overrides where they acted (a modal's
 * submission names no channel, but its incident has one).
 */
export function answerTo(deps: AnswerDeps, body: unknown, respond?: RespondFn, channelId?: string | null): Answer {
  const target = interactionTarget(body, respond);
  return async (message) => {
    if (!target) {
      deps.log.error({ text: typeof message === "string" ? message : message.text }, "an answer had no person to go to");
      return undefined;
    }
    return answerPerson(deps, { ...target, ...(channelId && { channelId }) }, message);
  };
}
