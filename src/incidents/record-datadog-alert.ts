// A Datadog monitor notification applied to the incident record: Triggered declares (or joins
// the monitor's open incident), Recovered and the rest become timeline entries.
import { humanId } from "../domain/incident.js";
import { severityFromDatadogPriority } from "../domain/severity.js";
import type { DatadogAlertEvent } from "../sources/datadog.js";
import { declareIncident } from "./declare-incident.js";
import type { IncidentDeps } from "./deps.js";
import type { PageOutcome } from "./record-pagerduty-event.js";

const TRIGGERS = new Set(["Triggered", "Re-Triggered"]);

export async function recordDatadogAlert(deps: IncidentDeps, event: DatadogAlertEvent): Promise<PageOutcome> {
  const sourceKey = `datadog:${event.dedupeKey}`;
  const services = event.tags.filter((t) => t.startsWith("service:")).map((t) => t.slice("service:".length)).filter(Boolean);
  const outcome = await deps.store.transaction(async (tx): Promise<PageOutcome> => {
    const entry = (incidentId: number, kind: string, text: string) =>
      tx.timeline.append({ incidentId, eventAt: event.happenedAt, kind, actor: null, text, data: { datadog: true, monitorId: event.monitorId, transition: event.transition }, sourceKey });

    if (TRIGGERS.has(event.transition)) {
      const open = await tx.incidents.openForMonitor(event.monitorId);
      const service = services.find((s) => deps.services[s]?.group_within_minutes);
      const window = service ? deps.services[service]!.group_within_minutes! : 0;
      const grouped = open ?? (service ? await tx.incidents.openForService(service, new Date(deps.now().getTime() - window * 60_000)) : undefined);
      if (grouped) {
        await entry(grouped.id, "page", `Datadog ${event.transition.toLowerCase()} for ${humanId(grouped)}: ${event.title}`);
        return { outcome: "attached", incident: grouped };
      }
      const incident = await declareIncident(tx, deps.now(), {
        title: event.title,
        severity: severityFromDatadogPriority(event.priority) ?? "SEV3",
        source: "datadog",
        detectedAt: event.happenedAt,
        services,
        description: event.message.slice(0, 3000),
        datadogMonitorId: event.monitorId,
        datadogMonitorUrl: event.link,
        origin: `Datadog monitor triggered: ${event.title}`,
        sourceKey,
      }, deps);
      return { outcome: "declared", incident };
    }

    const incident = await tx.incidents.latestForMonitor(event.monitorId);
    if (!incident) return { outcome: "ignored", reason: `no incident for Datadog monitor ${event.monitorId}` };
    const kind = event.transition === "Recovered" ? "recovered" : "alert";
    await entry(incident.id, kind, `Datadog monitor ${event.transition === "Recovered" ? "recovered" : `is ${event.transition}`}: ${event.title}`);
    return { outcome: "recorded", incident };
  });
  if (outcome.outcome === "declared") deps.nudge();
  return outcome;
}
