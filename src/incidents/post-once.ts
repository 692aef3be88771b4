// Posting a message exactly once, whatever Slack answers. Slack takes no idempotency key, and a
// chat.postMessage can land and still answer 500, time out or lose its connection; so the
// message carries metadata naming its incident and part, and a retry first reads the channel's
// history since the first try for a message of ours with that tag
// (https://api.slack.com/metadata/using, https://api.slack.com/methods/conversations.history).
import { writeOnce, type WriteLedger } from "../jobs/write-ledger.js";
import type { IncidentDeps } from "./deps.js";
import type { ChatMessage, MessageTag } from "../ports/chat.js";

/** Slack's clock and ours may disagree; a look for an earlier write starts this much before it. */
export const CLOCK_MARGIN_MS = 5 * 60_000;

/** The ledger key of a tagged post, for callers that also consult other jobs' ledgers. */
export const postOnceKey = (channelId: string, tag: MessageTag) => `chat.postMessage:${channelId}:${tag.part}`;

/** Posts a tagged message unless an earlier try whose answer was lost already did; its ts either way. */
export function postOnce(deps: Pick<IncidentDeps, "chat">, writes: WriteLedger, channelId: string, message: ChatMessage & { tag: MessageTag }): Promise<string> {
  return writeOnce(
    writes,
    postOnceKey(channelId, message.tag),
    (since) => deps.chat.findTaggedMessage(channelId, message.tag, new Date(since.getTime() - CLOCK_MARGIN_MS), message.threadTs),
    async () => (await deps.chat.postMessage(channelId, message)).ts,
  );
}
