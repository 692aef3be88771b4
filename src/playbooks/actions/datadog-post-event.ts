// Posts a Datadog event, typically a change marker ("traffic moved to the backup cluster") that
// dashboards overlay on the graphs people are watching, so a dip can be matched to its cause.
import { z } from "zod";
import type { DatadogEvent, DatadogPort, EventAlertType } from "../../ports/metrics-events.js";
import { defineAction, type ActionDefinition } from "../action-registry.js";

const alertTypes = ["info", "success", "warning", "error"] as const satisfies readonly EventAlertType[];

/** Added to every event Firebreak posts, so its markers can be found and overlaid as a set. */
export const SOURCE_TAG = "source:firebreak";

export const postEventInput = z.strictObject({
  title: z.string().trim().min(1).max(500),
  // Datadog keeps the first 4000 characters; failing the check beats a silently cut marker.
  text: z.string().max(4000).describe('Shown under the title; markdown when wrapped in "%%% \\n" … "\\n %%%".'),
  tags: z.array(z.string().trim().min(1).max(200)).max(100).default([]).describe('Datadog tags such as "service:api"; source:firebreak is always added.'),
  alert_type: z.enum(alertTypes).default("info"),
});

export type PostEventInput = z.output<typeof postEventInput>;

export function postEventAction(datadog: Pick<DatadogPort, "postEvent">): ActionDefinition {
  return defineAction({
    name: "datadog.event",
    description: "Post an event to Datadog, for instance a change marker to overlay on dashboards.",
    input: postEventInput,
    outputs: ["id"],
    plan: async (input) => ({
      summary: `Post the Datadog event "${input.title}"`,
      details: [{ kind: "http", text: `POST /api/v1/events\n${JSON.stringify(datadogEventBody(eventOf(input)), null, 2)}` }],
      risk: { irreversible: false },
    }),
    run: async (input, ctx) => datadog.postEvent(eventOf(input), ctx.signal),
    summarize: ({ id }, input) => `Posted the Datadog event "${input.title}" (id ${id})`,
  });
}

function eventOf(input: PostEventInput): DatadogEvent {
  const tags = input.tags.includes(SOURCE_TAG) ? input.tags : [...input.tags, SOURCE_TAG];
  return { title: input.title, text: input.text, tags, alertType: input.alert_type };
}

/**
 * The JSON body of POST /api/v1/events for an event, keys in the order the official client
 * writes them; the integration tests hold the adapter to it, so a plan shows what is sent.
 */
export function datadogEventBody(event: DatadogEvent): Record<string, unknown> {
  return {
    ...(event.aggregationKey && { aggregation_key: event.aggregationKey }),
    ...(event.alertType && { alert_type: event.alertType }),
    ...(event.dateHappened && { date_happened: Math.floor(event.dateHappened.getTime() / 1000) }),
    tags: event.tags,
    text: event.text,
    title: event.title,
  };
}
