// A PagerDuty event, already recorded as a delivery, applied to the incident record.
// Every timeline entry is keyed by PagerDuty's event id, so re-processing changes nothing.
import type { Repositories } from "../ports/store.js";
import { humanId, type Incident } from "../domain/incident.js";
import { severityFromPriority } from "../domain/severity.js";
import { slugify } from "../domain/channel-name.js";
import type { PagerdutyEvent, PagerdutyIncidentEvent } from "../sources/pagerduty.js";
import { incidentEventMarker } from "../markers/datadog-markers.js";
import { enqueueMarker } from "../markers/datadog-marker-job.js";
import { declareIncident } from "./declare-incident.js";
import { PAGERDUTY_DELIVERY_JOB } from "./delivery-jobs.js";
import type { IncidentDeps } from "./deps.js";
import { incidentIdFromKey } from "./escalate.js";
import { recordResponderEvent } from "./responder-events.js";
import { enqueuePreviewRefresh } from "../postmortem/preview-refresh-queue.js";

export type PageOutcome = { outcome: "declared" | "attached" | "recorded"; incident: Incident } | { outcome: "ignored"; reason: string };

export async function recordPagerdutyEvent(deps: IncidentDeps, event: PagerdutyEvent): Promise<PageOutcome> {
  if (event.kind === "ignored") return { outcome: "ignored", reason: `event type ${event.eventType} is not handled` };
  if (event.kind === "incident.triggered") return pageTriggered(deps, event);
  const outcome = await deps.store.transaction(async (tx) => {
    const incident = await tx.incidents.byPagerdutyIncident(event.incidentId);
    if (!incident) {
      // Deliveries are processed concurrently: after a restart an acknowledgement can come up
      // before its incident's trigger. Wait for the trigger rather than drop the event.
      if (await tx.deliveries.hasPendingPagerdutyTrigger(event.incidentId)) throw new Error(`PagerDuty incident ${event.incidentId} is not declared yet; retrying after its trigger`);
      // Its trigger may still be on its way (PagerDuty retries failed deliveries): the event stays
      // recorded, and is applied when the trigger declares the incident.
      return { outcome: "ignored" as const, reason: `no Firebreak incident for PagerDuty incident ${event.incidentId} yet; kept for when it is declared` };
    }
    if (event.kind === "incident.responder.added" || event.kind === "incident.responder.replied") {
      await recordResponderEvent(deps, tx, incident, event);
      return { outcome: "recorded" as const, incident };
    }
    const agent = event.agent?.summary ?? "PagerDuty";
    const sourceKey = `pagerduty:${event.eventId}`;
    // A change Firebreak made from Slack comes back by webhook; it is already on the timeline.
    const ownKind = event.kind === "incident.acknowledged" ? "acknowledged" : event.kind === "incident.resolved" ? "resolved" : event.kind === "incident.annotated" ? "annotated" : undefined;
    if (ownKind && incident.pagerdutyIncidentId) {
      const content = event.kind === "incident.annotated" ? event.content : null;
      if (await tx.lifecycle.consumeOutbound(incident.pagerdutyIncidentId, ownKind, content, deps.now())) {
        return { outcome: "ignored" as const, reason: `PagerDuty ${ownKind} is Firebreak's own change coming back` };
      }
    }
    const entry = async (kind: string, text: string, data: Record<string, unknown> = {}) => {
      const appended = await tx.timeline.append({ incidentId: incident.id, eventAt: event.occurredAt, kind, actor: event.agent?.id ?? null, text, data: { pagerduty: true, ...data }, sourceKey });
      // The post-mortem's timeline shows what PagerDuty recorded; a preview already posted follows it.
      if (appended.created) await enqueuePreviewRefresh(tx, incident.id, `entry:${appended.entry.id}`, deps.now());
      return appended;
    };
    switch (event.kind) {
      case "incident.acknowledged":
        await entry("acknowledged", `Acknowledged in PagerDuty by ${agent}`);
        break;
      case "incident.resolved": {
        const { created } = await entry("resolved", `Resolved in PagerDuty by ${agent}`);
        if (created && incident.status !== "resolved") {
          await updated(tx.incidents.update(incident.id, incident.version, { status: "resolved", resolvedAt: event.occurredAt }));
          const marker = incidentEventMarker({ incidentHumanId: humanId(incident), title: incident.title, severity: incident.severity, kind: "resolved", services: incident.services, private: incident.private, at: event.occurredAt });
          await enqueueMarker(tx, deps.markers, deps.now(), marker, `resolved:${incident.id}`);
        }
        break;
      }
      case "incident.reassigned":
        await entry("reassigned", `Reassigned in PagerDuty to ${names(event) || "nobody"}${event.agent ? ` by ${agent}` : ""}`);
        break;
      case "incident.escalated":
        await entry("escalated", `Escalated in PagerDuty to ${names(event) || "the next level"}`);
        break;
      case "incident.priority_updated": {
        const severity = severityFromPriority(event.priority);
        const { created } = await entry("priority", `PagerDuty priority set to ${event.priority ?? "none"} by ${agent}`, { priority: event.priority });
        // Deliveries can arrive out of order: a priority change older than the last severity
        // change (from PagerDuty or Slack) is recorded but does not undo it.
        const superseded = await tx.timeline.hasLaterEntry(incident.id, ["priority", "severity"], event.occurredAt);
        if (created && severity && severity !== incident.severity && !superseded) await updated(tx.incidents.update(incident.id, incident.version, { severity }));
        break;
      }
      case "incident.annotated":
        await entry("note", `Note in PagerDuty by ${agent}: ${event.content}${event.trimmed ? " (trimmed)" : ""}`, { noteId: event.noteId });
        break;
    }
    return { outcome: "recorded" as const, incident };
  });
  return outcome;
}

/**
 * A trigger stands between a page and its channel, so what it reads is read beside its
 * transaction's BEGIN, on other connections. Reading before the transaction loses nothing:
 * - two triggers of one PagerDuty incident that both find none both declare, and the second
 *   fails on the incident's unique PagerDuty id and is retried, finding the first (as it would
 *   inside a transaction, which does not see the other's uncommitted insert either);
 * - an event about the incident recorded after the follow-ups were read finds this trigger's job
 *   still running and retries until it has committed (hasPendingPagerdutyTrigger).
 */
async function pageTriggered(deps: IncidentDeps, event: PagerdutyIncidentEvent): Promise<PageOutcome> {
  const read = Promise.all([deps.store.incidents.byPagerdutyIncident(event.incidentId), deps.store.deliveries.pagerdutyFollowUps(event.incidentId)]);
  // Awaited in the transaction; a transaction that fails to begin must not leave it unhandled.
  read.catch(() => undefined);
  const outcome = await deps.store.transaction(async (tx) => {
    const [existing, followUps] = await read;
    return triggered(deps, tx, event, existing, followUps);
  });
  if (outcome.outcome === "declared") deps.nudge();
  return outcome;
}

/** The firebreak.yaml service a page is for: its PagerDuty service's name, slugified. */
export const pagedService = (event: PagerdutyIncidentEvent): string | undefined => (event.service?.summary ? slugify(event.service.summary) : undefined);

async function triggered(deps: IncidentDeps, tx: Repositories, event: PagerdutyIncidentEvent, known: Incident | undefined, followUps: string[]): Promise<PageOutcome> {
  const title = event.title ?? `PagerDuty incident ${event.incidentNumber ?? event.incidentId}`;
  const service = pagedService(event);
  const origin = `Paged by PagerDuty${event.service?.summary ? ` (${event.service.summary})` : ""}: ${title}`;
  const sourceKey = `pagerduty:${event.eventId}`;

  const existing = known ?? (await opened(tx, event));
  const window = service ? deps.services[service]?.group_within_minutes : undefined;
  const grouped = existing ?? (service && window ? await tx.incidents.openForService(service, new Date(deps.now().getTime() - window * 60_000)) : undefined);
  if (grouped) {
    const ours = existing && incidentIdFromKey(event.incidentKey) === existing.id;
    const text = ours ? `PagerDuty incident opened for ${humanId(existing)}: ${title}` : existing ? `PagerDuty re-triggered: ${title}` : `Related page attached to ${humanId(grouped)}: ${title}${event.htmlUrl ? ` (${event.htmlUrl})` : ""}`;
    await tx.timeline.append({ incidentId: grouped.id, eventAt: event.occurredAt, kind: "page", actor: null, text, data: { pagerdutyIncidentId: event.incidentId }, sourceKey });
    return { outcome: "attached", incident: grouped };
  }
  const incident = await declareIncident(tx, deps.now(), {
    title,
    severity: severityFromPriority(event.priority) ?? (event.urgency === "low" ? "SEV3" : "SEV2"),
    source: "pagerduty",
    detectedAt: event.occurredAt,
    services: service ? [service] : [],
    pagerdutyIncidentId: event.incidentId,
    pagerdutyIncidentUrl: event.htmlUrl,
    pagerdutyServiceId: event.service?.id ?? null,
    pagerdutyEscalationPolicyId: event.escalationPolicyId,
    origin,
    sourceKey,
    ...(event.service?.summary && { serviceName: event.service.summary }),
  }, deps);
  // Events about this PagerDuty incident that arrived before its trigger are applied now.
  for (const deliveryId of followUps) {
    await tx.jobs.enqueue({ kind: PAGERDUTY_DELIVERY_JOB, payload: { deliveryId }, dedupeKey: `pagerduty-replay:${deliveryId}` }, deps.now());
  }
  return { outcome: "declared", incident };
}

/**
 * The incident `/incident escalate` opened this PagerDuty incident for (its incident_key names
 * ours), linked now if the escalation job has not linked it yet: its trigger must not declare a
 * second Firebreak incident.
 */
async function opened(tx: Repositories, event: PagerdutyIncidentEvent): Promise<Incident | undefined> {
  const ours = incidentIdFromKey(event.incidentKey);
  const incident = ours === undefined ? undefined : await tx.incidents.get(ours);
  if (!incident) return undefined;
  if (incident.pagerdutyIncidentId) return incident.pagerdutyIncidentId === event.incidentId ? incident : undefined;
  return updated(tx.incidents.update(incident.id, incident.version, { pagerdutyIncidentId: event.incidentId, pagerdutyIncidentUrl: event.htmlUrl, pagerdutyServiceId: event.service?.id ?? null }));
}

/** A concurrent change to the incident makes the whole event run again (its job retries). */
async function updated<T>(result: Promise<T | undefined>): Promise<T> {
  const value = await result;
  if (value === undefined) throw new Error("the incident changed while this event was applied; retrying");
  return value;
}

const names = (event: PagerdutyIncidentEvent) => event.assignees.map((a) => a.summary ?? a.id).join(", ");
