// Slack retries an event it thinks we missed (X-Slack-Retry-Num); the same event_id must act once.
import type { App } from "@slack/bolt";
import type { ListenerDeps } from "./slack-deps.js";

export function registerEventDedupe(app: App, deps: ListenerDeps): void {
  app.use(async ({ body, next }) => {
    const eventId = (body as { type?: string; event_id?: string }).type === "event_callback" ? (body as { event_id?: string }).event_id : undefined;
    const flows = deps();
    if (eventId && flows && !(await flows.store.deliveries.record("slack-event", eventId, { event_id: eventId }))) return;
    await next();
  });
}
