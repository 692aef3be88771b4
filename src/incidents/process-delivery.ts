// Deliveries are recorded by the webhook routes and processed here, from the database, so an
// accepted page survives a crash between the 2xx and the work.
import { z } from "zod";
import type { JobContext } from "../jobs/job-runner.js";
import { pagerdutyEnvelopeSchema, toPageEvent } from "../sources/pagerduty.js";
import { datadogPayloadSchema, toAlertEvent } from "../sources/datadog.js";
import type { IncidentDeps } from "./deps.js";
import { recordDatadogAlert } from "./record-datadog-alert.js";
import { recordPagerdutyEvent, type PageOutcome } from "./record-pagerduty-event.js";
import { validateWith } from "../kernel/parse-json.js";

export { DATADOG_DELIVERY_JOB, PAGERDUTY_DELIVERY_JOB } from "./delivery-jobs.js";

const payloadSchema = z.object({ deliveryId: z.string() });

export function processDeliveryJob(deps: IncidentDeps, source: "pagerduty" | "datadog") {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { deliveryId } = validateWith(payloadSchema, payload, "a delivery job's payload");
    const delivery = await deps.store.deliveries.get(source, deliveryId);
    if (!delivery) throw new Error(`delivery ${source}/${deliveryId} is missing`);
    const result: PageOutcome =
      source === "pagerduty"
        ? await recordPagerdutyEvent(deps, toPageEvent(pagerdutyEnvelopeSchema.parse(delivery.body)))
        : await recordDatadogAlert(deps, toAlertEvent(datadogPayloadSchema.parse(delivery.body)));
    const log = context.log.child({ deliveryId, source });
    if (result.outcome === "ignored") log.info({ reason: result.reason }, "delivery ignored");
    else log.info({ incidentId: result.incident.id, outcome: result.outcome }, "delivery processed");
  };
}
