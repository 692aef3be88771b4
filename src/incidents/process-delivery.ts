// Deliveries are recorded by the webhook routes and processed here, from the database, so an
// accepted page survives a crash between the 2xx and the work.
import { z } from "zod";
import type { JobContext } from "../jobs/job-runner.js";
import { pagerdutyEnvelopeSchema, toPageEvent } from "../sources/pagerduty.js";
import { datadogPayloadSchema, toAlertEvent } from "../sources/datadog.js";
import type { IncidentDeps } from "./deps.js";
import { recordDatadogAlert } from "./record-datadog-alert.js";
import { pagedService, recordPagerdutyEvent, type PageOutcome } from "./record-pagerduty-event.js";
import { validateWith } from "../kernel/parse-json.js";
import { escalationPolicy } from "./invite-responders.js";
import { prefetchOnCall } from "./oncall-prefetch.js";

export { DATADOG_DELIVERY_JOB, PAGERDUTY_DELIVERY_JOB } from "./delivery-jobs.js";

const payloadSchema = z.object({ deliveryId: z.string() });

export function processDeliveryJob(deps: IncidentDeps, source: "pagerduty" | "datadog") {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { deliveryId } = validateWith(payloadSchema, payload, "a delivery job's payload");
    // Handed over by the webhook that recorded it, the job has the body already.
    const body = context.carried ?? (await deps.store.deliveries.get(source, deliveryId))?.body;
    if (body === undefined) throw new Error(`delivery ${source}/${deliveryId} is missing`);
    let result: PageOutcome;
    if (source === "pagerduty") {
      const event = toPageEvent(pagerdutyEnvelopeSchema.parse(body));
      // A page that may open a channel: who is on call is asked for beside recording it, once
      // the transaction's first statement is on its way (the request's own work then fills that wait).
      if (event.kind === "incident.triggered" && deps.paging) {
        const { paging } = deps;
        const service = pagedService(event);
        const policy = escalationPolicy(deps, { pagerdutyEscalationPolicyId: event.escalationPolicyId, services: service ? [service] : [] });
        if (policy) setImmediate(() => prefetchOnCall(paging, policy));
      }
      result = await recordPagerdutyEvent(deps, event);
    } else result = await recordDatadogAlert(deps, toAlertEvent(datadogPayloadSchema.parse(body)));
    const log = context.log.child({ deliveryId, source });
    if (result.outcome === "ignored") log.info({ reason: result.reason }, "delivery ignored");
    else log.info({ incidentId: result.incident.id, outcome: result.outcome }, "delivery processed");
  };
}
