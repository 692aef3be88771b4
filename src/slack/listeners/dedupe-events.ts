// In Socket Mode, Slack events arrive through Bolt rather than our HTTP receiver (which records
// them before answering); they are recorded here the same way, once per event_id.
import type { App } from "@slack/bolt";
import { recordSlackEvent } from "../../incidents/lifecycle/pin-events.js";
import type { ListenerDeps } from "./slack-deps.js";

export function registerEventDedupe(app: App, deps: ListenerDeps): void {
  app.use(async ({ body, next }) => {
    const envelope = body as { type?: string; event_id?: string; event?: unknown };
    if (envelope.type !== "event_callback" || !envelope.event_id) return next();
    const flows = deps();
    if (!flows) throw new Error("database unavailable; Slack will retry this event");
    await recordSlackEvent(flows, envelope.event_id, envelope.event);
  });
}
