// Change markers on Datadog dashboards for declarations, resolutions and executed playbook
// steps. Enqueued in the same transaction as the change they mark, posted by a durable job, so a
// Datadog outage delays a marker but never loses it (nor holds up the incident).
import { z } from "zod";
import type { DatadogEvent, DatadogPort } from "../ports/metrics-events.js";
import type { Repositories } from "../ports/store.js";
import type { JobContext } from "../jobs/job-runner.js";
import { validateWith } from "../kernel/parse-json.js";

export const DATADOG_MARKER_JOB = "datadog.marker";

/** Queues a marker (only when Datadog is configured: `markers` true). */
export async function enqueueMarker(tx: Repositories, markers: boolean, now: Date, event: DatadogEvent, dedupeKey: string): Promise<void> {
  if (!markers) return;
  await tx.jobs.enqueue({ kind: DATADOG_MARKER_JOB, payload: { ...event, dateHappened: (event.dateHappened ?? now).toISOString() }, dedupeKey: `marker:${dedupeKey}`, maxAttempts: 30 }, now);
}

const payloadSchema = z.object({
  title: z.string(),
  text: z.string(),
  tags: z.array(z.string()),
  alertType: z.enum(["info", "success", "warning", "error"]).optional(),
  aggregationKey: z.string().optional(),
  dateHappened: z.coerce.date(),
});

export function datadogMarkerJob(datadog: DatadogPort) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const event = validateWith(payloadSchema, payload, "a Datadog marker job's payload");
    // Datadog refuses events more than 18 hours old; a marker that late has no place on a graph.
    if (context.now.getTime() - event.dateHappened.getTime() > 17 * 3_600_000) {
      context.log.warn({ title: event.title }, "dropping a Datadog marker that could not be posted within 17 hours");
      return;
    }
    await datadog.postEvent(event);
  };
}
