// An alert group notification (Alertmanager, Grafana, generic), already recorded as a delivery,
// applied to the incident record. One group is one incident: the first firing notification
// declares it (or attaches to a grouped service's open incident), later ones join it. Each
// alert's firing and resolved transition is one timeline entry keyed by fingerprint, status and
// startsAt, so Alertmanager re-sending the group every group_interval adds nothing new. When
// every alert has resolved, that is recorded too and, if configured, resolving is suggested.
import type { Repositories } from "../ports/store.js";
import { humanId, sourceNames, type Incident } from "../domain/incident.js";
import { groupDigest, type AlertGroupEvent } from "../sources/alert-group.js";
import { groupDescription, groupId, groupServices, groupSeverity, groupTitle, transitionSourceKey, transitionText, type AlertLabelSettings } from "./alert-group-summary.js";
import { declareIncident } from "./declare-incident.js";
import type { IncidentDeps } from "./deps.js";
import type { PageOutcome } from "./record-pagerduty-event.js";

export const SUGGEST_RESOLVE_JOB = "alert-group.suggest-resolve";

export interface AlertGroupSettings extends AlertLabelSettings {
  resolve_suggestion: boolean;
}

export async function recordAlertGroup(deps: IncidentDeps, settings: AlertGroupSettings, event: AlertGroupEvent, deliveryId: string): Promise<PageOutcome> {
  let suggested = false;
  const outcome = await deps.store.transaction(async (tx): Promise<PageOutcome> => {
    await tx.alertGroups.lockGroup(event.source, groupDigest(event.groupKey));
    const found = await findIncident(deps, tx, event, deliveryId);
    if ("outcome" in found) return found;
    const incident = found.incident ?? (await declareOrAttach(deps, tx, settings, event));
    await recordTransitions(tx, event, incident.incident);
    suggested = await recordGroupResolved(deps, tx, settings, event, incident.incident);
    return incident;
  });
  if (outcome.outcome === "declared" || suggested) deps.nudge();
  return outcome;
}

type Found = { incident: { outcome: "attached" | "recorded"; incident: Incident } | undefined } | { outcome: "ignored"; reason: string };

async function findIncident(deps: IncidentDeps, tx: Repositories, event: AlertGroupEvent, deliveryId: string): Promise<Found> {
  const open = await tx.alertGroups.openIncident(event.source, groupDigest(event.groupKey));
  if (open) return { incident: { outcome: "recorded", incident: open } };
  const latest = await tx.alertGroups.latestIncident(event.source, groupDigest(event.groupKey));
  const firing = event.alerts.filter((a) => a.status === "firing");
  if (firing.length === 0) {
    if (latest) return { incident: { outcome: "recorded", incident: latest } };
    // Deliveries are processed concurrently: the firing notification that declares may still be
    // waiting. Retry after it rather than drop the recovery.
    if (await tx.alertGroups.hasOtherPending(event.source, groupDigest(event.groupKey), deliveryId)) throw new Error(`alert group ${groupId(event)} has no incident yet; retrying after its other deliveries`);
    return { outcome: "ignored", reason: `no incident for alert group ${groupId(event)}, and none of its alerts is firing` };
  }
  // The group's incident was resolved while its alerts still fire (Alertmanager repeats a
  // notification every repeat_interval): what is already on that incident declares nothing new.
  if (latest) {
    const recorded = await tx.alertGroups.recordedKeys(latest.id, firing.map((a) => transitionSourceKey(event, a)));
    if (firing.every((a) => recorded.has(transitionSourceKey(event, a)))) return { incident: { outcome: "recorded", incident: latest } };
  }
  return { incident: undefined };
}

async function declareOrAttach(deps: IncidentDeps, tx: Repositories, settings: AlertGroupSettings, event: AlertGroupEvent): Promise<{ outcome: "declared" | "attached"; incident: Incident }> {
  const title = groupTitle(event);
  const services = groupServices(event, settings);
  const source = sourceNames[event.source];
  // As for PagerDuty and Datadog: a service with group_within_minutes gathers related pages.
  const service = services.find((s) => deps.services[s]?.group_within_minutes);
  const window = service ? deps.services[service]!.group_within_minutes! : 0;
  const grouped = service ? await tx.incidents.openForService(service, new Date(deps.now().getTime() - window * 60_000)) : undefined;
  if (grouped) {
    await tx.alertGroups.link(event.source, groupDigest(event.groupKey), grouped.id, deps.now());
    await tx.timeline.append({ incidentId: grouped.id, eventAt: detectedAt(event), kind: "page", actor: null, text: `Related ${source} alerts attached to ${humanId(grouped)}: ${title}`, data: { alertGroup: groupId(event) }, sourceKey: `${groupId(event)}:attached` });
    return { outcome: "attached", incident: grouped };
  }
  const incident = await declareIncident(tx, deps.now(), {
    title,
    severity: groupSeverity(event, settings),
    source: event.source,
    detectedAt: detectedAt(event),
    services,
    description: groupDescription(event),
    origin: `${source} alert firing: ${title}`,
    sourceKey: `${groupId(event)}:declared`,
  }, deps);
  await tx.alertGroups.link(event.source, groupDigest(event.groupKey), incident.id, deps.now());
  return { outcome: "declared", incident };
}

async function recordTransitions(tx: Repositories, event: AlertGroupEvent, incident: Incident): Promise<void> {
  const recorded = await tx.alertGroups.recordedKeys(incident.id, event.alerts.map((a) => transitionSourceKey(event, a)));
  for (const alert of event.alerts) {
    const sourceKey = transitionSourceKey(event, alert);
    if (recorded.has(sourceKey)) continue;
    recorded.add(sourceKey);
    const eventAt = (alert.status === "firing" ? alert.startsAt : alert.endsAt) ?? event.receivedAt;
    await tx.timeline.append({
      incidentId: incident.id,
      eventAt,
      kind: alert.status === "firing" ? "alert" : "recovered",
      actor: null,
      text: transitionText(alert),
      data: { alertGroup: groupId(event), fingerprint: alert.fingerprint, status: alert.status },
      sourceKey,
    });
  }
}

/** Records that the whole group resolved; true when a resolve suggestion was queued. */
async function recordGroupResolved(deps: IncidentDeps, tx: Repositories, settings: AlertGroupSettings, event: AlertGroupEvent, incident: Incident): Promise<boolean> {
  if (event.alerts.some((a) => a.status === "firing")) return false;
  const endedAt = event.alerts.reduce<Date | null>((last, a) => (a.endsAt && (!last || a.endsAt > last) ? a.endsAt : last), null) ?? event.receivedAt;
  const count = event.alerts.length + event.truncatedAlerts;
  const { entry, created } = await tx.timeline.append({
    incidentId: incident.id,
    eventAt: endedAt,
    kind: "alerts-resolved",
    actor: null,
    text: `${count === 1 ? "The alert" : `All ${count} alerts`} of ${sourceNames[event.source]} group "${groupTitle(event)}" resolved`,
    data: { alertGroup: groupId(event) },
    // The same resolution re-sent is the same entry; a later one (after a new firing) is another.
    sourceKey: `${groupId(event)}:resolved:${endedAt.toISOString()}`,
  });
  if (!created || !settings.resolve_suggestion || incident.status === "resolved") return false;
  await tx.jobs.enqueue({ kind: SUGGEST_RESOLVE_JOB, payload: { incidentId: incident.id, entryId: entry.id }, dedupeKey: `suggest-resolve:${entry.id}` }, deps.now());
  return true;
}

function detectedAt(event: AlertGroupEvent): Date {
  const starts = event.alerts.flatMap((a) => (a.status === "firing" && a.startsAt ? [a.startsAt] : []));
  return starts.length > 0 ? new Date(Math.min(...starts.map((d) => d.getTime()))) : event.receivedAt;
}
