// How an answer reaches the person who asked, in order of preference. An ephemeral message in
// the channel is where they are looking, but Slack delivers one only to a member
// (`user_not_in_channel` otherwise: https://docs.slack.dev/reference/methods/chat.postEphemeral#errors);
// the interaction's response_url reaches them wherever they clicked, for 30 minutes and five
// posts (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses); a
// direct message always reaches them, and is the only way once there is no interaction to answer
// (a job's result). Membership is learnt by trying, which costs nothing when they are a member.

export type AnswerRoute = { via: "ephemeral"; channelId: string } | { via: "response_url" } | { via: "dm" };

export interface AnswerContext {
  /** The channel the person acted in, if any. */
  channelId?: string | null | undefined;
  /** Whether they are a member of it, when known (false skips the ephemeral). */
  member?: boolean | undefined;
  /** Whether the interaction carried a response_url that may still be posted to. */
  responseUrl: boolean;
}

/** The routes to try, best first; each is tried only if the one before it failed. */
export function answerRoutes(context: AnswerContext): AnswerRoute[] {
  const routes: AnswerRoute[] = [];
  if (context.channelId && context.member !== false) routes.push({ via: "ephemeral", channelId: context.channelId });
  if (context.responseUrl) routes.push({ via: "response_url" });
  routes.push({ via: "dm" });
  return routes;
}
