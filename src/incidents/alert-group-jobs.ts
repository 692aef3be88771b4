// Jobs of the alert group sources: process a recorded delivery (from the database, so an
// accepted notification survives a crash between the 202 and the work), and post the resolve
// suggestion once the incident's channel exists.
import { z } from "zod";
import { DeferJob, type JobContext, type JobHandler } from "../jobs/job-runner.js";
import { validateWith } from "../kernel/parse-json.js";
import { resolveSuggestion } from "../views/slack/resolve-suggestion.js";
import type { AlertGroupEvent, AlertSource } from "../sources/alert-group.js";
import { alertmanagerPayloadSchema, alertmanagerToGroup } from "../sources/alertmanager.js";
import { genericPayloadSchema, genericToGroup } from "../sources/generic.js";
import { grafanaPayloadSchema, grafanaToGroup } from "../sources/grafana.js";
import type { AlertSourcesConfig } from "../kernel/config-file.js";
import { ALERTMANAGER_DELIVERY_JOB, GENERIC_DELIVERY_JOB, GRAFANA_DELIVERY_JOB } from "./delivery-jobs.js";
import type { IncidentDeps } from "./deps.js";
import { postOnce } from "./post-once.js";
import { recordAlertGroup, SUGGEST_RESOLVE_JOB, type AlertGroupSettings } from "./record-alert-group.js";

const deliveryPayload = z.object({ deliveryId: z.string() });
const suggestPayload = z.object({ incidentId: z.number().int(), entryId: z.number().int() });

/** How long to wait for the incident's channel before looking again. */
const CHANNEL_WAIT_MS = 5_000;

const toGroup: Record<AlertSource, (body: unknown, receivedAt: Date) => AlertGroupEvent> = {
  alertmanager: (body, at) => alertmanagerToGroup(alertmanagerPayloadSchema.parse(body), at),
  grafana: (body, at) => grafanaToGroup(grafanaPayloadSchema.parse(body), at),
  generic: (body, at) => genericToGroup(genericPayloadSchema.parse(body), at),
};

export function alertGroupJobs(deps: IncidentDeps, sources: AlertSourcesConfig): Record<string, JobHandler> {
  const labels = { service_label: "service", severity_label: "severity", severity_map: {}, default_severity: "SEV3" } as const;
  const settings: Record<AlertSource, AlertGroupSettings> = {
    alertmanager: sources.alertmanager,
    grafana: sources.grafana,
    generic: { ...labels, resolve_suggestion: sources.generic.resolve_suggestion },
  };
  const processDelivery = (source: AlertSource): JobHandler => async (payload: unknown, context: JobContext) => {
    const { deliveryId } = validateWith(deliveryPayload, payload, "a delivery job's payload");
    const delivery = await deps.store.deliveries.get(source, deliveryId);
    if (!delivery) throw new Error(`delivery ${source}/${deliveryId} is missing`);
    const result = await recordAlertGroup(deps, settings[source], toGroup[source](delivery.body, delivery.receivedAt), deliveryId);
    const log = context.log.child({ deliveryId, source });
    if (result.outcome === "ignored") log.info({ reason: result.reason }, "delivery ignored");
    else log.info({ incidentId: result.incident.id, outcome: result.outcome }, "delivery processed");
  };
  return {
    [ALERTMANAGER_DELIVERY_JOB]: processDelivery("alertmanager"),
    [GRAFANA_DELIVERY_JOB]: processDelivery("grafana"),
    [GENERIC_DELIVERY_JOB]: processDelivery("generic"),
    [SUGGEST_RESOLVE_JOB]: async (payload, context) => {
      const { incidentId, entryId } = validateWith(suggestPayload, payload, "a resolve suggestion job's payload");
      const incident = await deps.store.incidents.get(incidentId);
      const entry = await deps.store.timeline.get(entryId);
      if (!incident || !entry || incident.status === "resolved") return;
      if (!incident.channelId || !incident.headerTs) throw new DeferJob(new Date(deps.now().getTime() + CHANNEL_WAIT_MS), "waiting for the incident's channel");
      await postOnce(deps, context.writes, incident.channelId, { ...resolveSuggestion(incident, entry.text), tag: { incident: incident.id, part: `resolve-suggestion:${entryId}` } });
    },
  };
}
