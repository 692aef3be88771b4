// The one place an answer to a person is delivered: by the routes domain/answer-route.ts picks,
// each tried only if the one before it failed, so a refusal shown to someone outside the channel
// is not lost to Slack's `user_not_in_channel`. Listeners pass the interaction's response_url
// poster; jobs, which answer long after the click, have none and fall back to a DM.
import { answerRoutes, type AnswerRoute } from "../domain/answer-route.js";
import type { Logger } from "../kernel/log.js";
import type { ChatMessage, ChatPort } from "../ports/chat.js";

export interface AnswerTarget {
  userId: string;
  channelId?: string | null | undefined;
  member?: boolean | undefined;
  /** Posts to the interaction's response_url (Bolt's respond), when there is one. */
  respond?: ((message: ChatMessage) => Promise<void>) | undefined;
}

/** How the answer went out, or undefined if no route reached the person (logged as an error). */
export type Delivered = AnswerRoute["via"] | undefined;

export async function answerPerson(deps: { chat: ChatPort; log: Logger }, to: AnswerTarget, message: ChatMessage | string): Promise<Delivered> {
  const content = typeof message === "string" ? { text: message } : message;
  const routes = answerRoutes({ channelId: to.channelId, member: to.member, responseUrl: Boolean(to.respond) });
  const failures: { via: AnswerRoute["via"]; error: string }[] = [];
  for (const route of routes) {
    try {
      if (route.via === "ephemeral") await deps.chat.postEphemeral(route.channelId, to.userId, content);
      else if (route.via === "response_url") await to.respond!(content);
      else await deps.chat.postDirect(to.userId, content);
      if (failures.length > 0) deps.log.info({ userId: to.userId, via: route.via, failures }, "answer delivered by a fallback route");
      return route.via;
    } catch (error) {
      failures.push({ via: route.via, error: error instanceof Error ? error.message : String(error) });
    }
  }
  deps.log.error({ userId: to.userId, channelId: to.channelId, failures, text: content.text }, "could not deliver an answer to the person by any route");
  return undefined;
}
