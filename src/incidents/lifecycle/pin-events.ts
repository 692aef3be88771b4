// 📌 on a message in an incident channel puts the message on the timeline at the time it was
// written, with its author; taking the last 📌 off removes it again.
import { z } from "zod";
import type { JobContext } from "../../jobs/job-runner.js";
import type { IncidentDeps } from "../deps.js";
import { addMessage, removePin } from "./record-notes.js";
import { validateWith } from "../../kernel/parse-json.js";
import { slackTsToDate } from "../../ports/chat-text.js";
import { recordMembershipChange } from "../private-access.js";

export const SLACK_EVENT_JOB = "slack.event";
const PIN = "pushpin";

const reactionEvent = z.object({
  type: z.enum(["reaction_added", "reaction_removed"]),
  user: z.string(),
  reaction: z.string(),
  item: z.object({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() }),
});

export function slackEventJob(deps: IncidentDeps) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { eventId, event: raw } = validateWith(z.object({ eventId: z.string(), event: z.unknown() }), payload, "a Slack event job's payload");
    if (await recordMembershipChange(deps, eventId, raw)) return;
    const parsed = reactionEvent.safeParse(raw);
    if (!parsed.success) return; // an event type Firebreak does not act on
    const event = parsed.data;
    if (event.reaction !== PIN || event.item.type !== "message" || !event.item.channel || !event.item.ts) return;
    const incident = await deps.store.incidents.byChannel(event.item.channel);
    if (!incident) return;
    const sourceKey = `pin:${event.item.channel}:${event.item.ts}`;
    if (event.type === "reaction_removed") {
      // Someone else's 📌 keeps it on the timeline.
      if ((await deps.chat.reactionCount(event.item.channel, event.item.ts, PIN)) > 0) return;
      await removePin(deps, incident, sourceKey, event.user);
      return;
    }
    const message = await deps.chat.message(event.item.channel, event.item.ts);
    if (!message) {
      context.log.info({ ts: event.item.ts }, "pinned message is gone; nothing to add");
      return;
    }
    await addMessage(deps, incident, { at: slackTsToDate(event.item.ts), text: message.text, author: message.user ?? null, kind: "pin", addedBy: event.user, sourceKey });
  };
}

export { slackTsToDate };

/** Records a Slack event once, with the job that processes it; false for a repeat (retry). */
export async function recordSlackEvent(deps: Pick<IncidentDeps, "store" | "now" | "nudge">, eventId: string, event: unknown): Promise<boolean> {
  const recorded = await deps.store.transaction(async (tx) => {
    if (!(await tx.deliveries.record("slack-event", eventId, { event_id: eventId }))) return false;
    await tx.jobs.enqueue({ kind: SLACK_EVENT_JOB, payload: { eventId, event }, dedupeKey: `slack-event:${eventId}` }, deps.now());
    return true;
  });
  if (recorded) deps.nudge();
  return recorded;
}
