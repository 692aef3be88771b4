// Vendor webhooks: verify on the raw body, parse, record the delivery and its processing job in
// one transaction, answer. The work happens after, from the database (see process-delivery).
import type { DeliveryJob, InboundDelivery } from "../ports/store.js";
import type { Store } from "../ports/store.js";
import type { Config } from "../kernel/config.js";
import { CodedError } from "../kernel/errors.js";
import { DATADOG_DELIVERY_JOB, PAGERDUTY_DELIVERY_JOB } from "../incidents/process-delivery.js";
import { parseDatadogBody, toAlertEvent } from "../sources/datadog.js";
import { pagerdutySubject, parsePagerdutyBody } from "../sources/pagerduty.js";
import { verifyDatadogSecret } from "./datadog-auth.js";
import { verifyPagerdutySignature } from "./pagerduty-signature.js";
import { isDataError, storable } from "./storable.js";
import type { HttpRequest, HttpResponse, Routes } from "./server.js";
import type { JobHandOff } from "../jobs/job-runner.js";

export interface WebhookDeps {
  config: Pick<Config, "pagerduty" | "datadog">;
  /** The store once it is open; undefined while the database is down (→ 503 so vendors retry). */
  store: () => Store | undefined;
  now: () => Date;
  nudge: () => void;
  /** The job runner, once it runs here: a delivery's job is recorded claimed by it and started at once. */
  handOff?: () => JobHandOff | undefined;
}

export function webhookRoutes(deps: WebhookDeps): Routes {
  const routes: Routes = {};
  const { pagerduty, datadog } = deps.config;
  routes["/webhooks/pagerduty"] = {
    POST: pagerduty
      ? async (req) => {
          const rawBody = await req.body();
          verifyPagerdutySignature({ rawBody, header: header(req, "x-pagerduty-signature"), secrets: pagerduty.webhookSecrets });
          const text = rawBody.toString();
          const envelope = storable(parsePagerdutyBody(text), text);
          const deliveryId = header(req, "x-webhook-id") ?? envelope.event.id;
          const delivery = { source: "pagerduty", deliveryId, body: envelope, subject: pagerdutySubject(envelope) };
          // A page is started at once, in this process; PagerDuty's later events about it (an
          // acknowledgement, a note) wait for a worker's claim, so one arriving on its trigger's
          // heels does not race it and retry.
          const startNow = envelope.event.event_type === "incident.triggered";
          return accept(deps, req, delivery, { kind: PAGERDUTY_DELIVERY_JOB, dedupeKey: `pagerduty-event:${envelope.event.id}` }, { startNow });
        }
      : off("PagerDuty", "PAGERDUTY_TOKEN, PAGERDUTY_FROM_EMAIL and PAGERDUTY_WEBHOOK_SECRETS"),
  };
  routes["/webhooks/datadog"] = {
    POST: datadog
      ? async (req) => {
          verifyDatadogSecret({ headers: req.headers, secret: datadog.webhookSecret });
          const text = (await req.body()).toString();
          const payload = storable(parseDatadogBody(text), text);
          const { dedupeKey } = toAlertEvent(payload);
          return accept(deps, req, { source: "datadog", deliveryId: dedupeKey, body: payload, subject: null }, { kind: DATADOG_DELIVERY_JOB, dedupeKey: `datadog-event:${dedupeKey}` });
        }
      : off("Datadog", "DATADOG_API_KEY, DATADOG_APP_KEY and DATADOG_WEBHOOK_SECRET"),
  };
  return routes;
}

export async function accept(
  deps: Pick<WebhookDeps, "store" | "now" | "nudge" | "handOff">,
  req: HttpRequest,
  delivery: InboundDelivery,
  job: DeliveryJob,
  /** Whether this process starts the job itself, claimed, as soon as it is recorded (the default). */
  { startNow = true }: { startNow?: boolean } = {},
): Promise<HttpResponse> {
  const store = deps.store();
  if (!store) throw new CodedError("not_ready", "Firebreak's database is not reachable yet; retry shortly.");
  const slot = startNow ? deps.handOff?.()?.claim(job.kind) : undefined;
  const { recorded, claimed } = await store.deliveries
    .recordWithJob(delivery, { ...job, ...(slot && { claimedBy: { owner: slot.owner, leaseMs: slot.leaseMs } }) }, deps.now())
    .catch((error: unknown) => {
      slot?.release();
      if (isDataError(error)) throw new CodedError("invalid_payload", "The delivery holds data that cannot be stored.", { cause: error });
      throw new CodedError("not_ready", "Firebreak could not record the delivery; retry shortly.", { cause: error });
    });
  req.log.info({ source: delivery.source, deliveryId: delivery.deliveryId, duplicate: !recorded }, recorded ? "delivery recorded" : "duplicate delivery ignored");
  // The job is given the body it would otherwise read back from the delivery.
  if (claimed) slot!.run(claimed, { carried: delivery.body });
  else {
    slot?.release();
    if (recorded) deps.nudge();
  }
  return { status: 202, body: { ok: true, duplicate: !recorded } };
}

export function off(vendor: string, settings: string) {
  return async (): Promise<HttpResponse> => {
    throw new CodedError("integration_off", `The ${vendor} integration is off; set ${settings} to turn it on.`);
  };
}

export function header(req: HttpRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
