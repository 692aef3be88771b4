// Declaring an incident: the record, its first timeline entries and the durable job that builds
// its channel are written in one transaction, so a crash leaves either nothing or all of it.
import type { Repositories } from "../ports/store.js";
import { humanId, type Incident, type NewIncident } from "../domain/incident.js";
import { incidentEventMarker } from "../markers/datadog-markers.js";
import { enqueueMarker } from "../markers/datadog-marker-job.js";
import type { IncidentDeps } from "./deps.js";
import { scheduleReminder } from "./lifecycle/side-effects.js";

export const OPEN_CHANNEL_JOB = "incident.open-channel";

export interface Declaration extends NewIncident {
  /** Timeline text for how it started, e.g. "Paged by PagerDuty: …". */
  origin: string;
  /** Identifies the outside event, so the same page declared twice yields one incident. */
  sourceKey?: string;
  /** Extra people to invite (Slack user ids). */
  invite?: string[];
  /** The paged service's name as the pager shows it, kept so exports name it without the pager. */
  serviceName?: string;
}

export async function declareIncident(
  tx: Repositories,
  now: Date,
  declaration: Declaration,
  options: Pick<IncidentDeps, "markers" | "lifecycle"> & Partial<Pick<IncidentDeps, "services">>,
): Promise<Incident> {
  const { origin, sourceKey, invite, serviceName, ...fields } = declaration;
  // A page for a service marked `private: true` in firebreak.yaml is private whatever its source.
  const isPrivate = Boolean(fields.private) || (fields.services ?? []).some((s) => options.services?.[s]?.private === true);
  const incident = await tx.incidents.create({ ...fields, private: isPrivate, declaredAt: fields.declaredAt ?? now });
  await tx.timeline.append({
    incidentId: incident.id,
    eventAt: incident.detectedAt,
    kind: "page",
    actor: fields.declaredBy ?? null,
    text: origin,
    data: { source: fields.source, ...(serviceName && fields.services?.[0] && { service: fields.services[0], serviceName }) },
    ...(sourceKey && { sourceKey }),
  });
  await tx.timeline.append({
    incidentId: incident.id,
    eventAt: incident.declaredAt,
    kind: "declared",
    actor: fields.declaredBy ?? null,
    text: `${humanId(incident)} declared (${incident.severity}): ${incident.title}`,
    sourceKey: "declared",
  });
  await enqueueMarker(
    tx,
    options.markers,
    now,
    incidentEventMarker({ incidentHumanId: humanId(incident), title: incident.title, severity: incident.severity, kind: "declared", services: incident.services, at: incident.declaredAt }),
    `declared:${incident.id}`,
  );
  await scheduleReminder(tx, options, incident, incident.declaredAt, now);
  await tx.jobs.enqueue({ kind: OPEN_CHANNEL_JOB, payload: { incidentId: incident.id, invite: invite ?? [] }, dedupeKey: `open-channel:${incident.id}`, maxAttempts: 10_000 }, now);
  return incident;
}

/** Declares within its own transaction and wakes the job runner. */
export async function declare(deps: IncidentDeps, declaration: Declaration): Promise<Incident> {
  const incident = await deps.store.transaction((tx) => declareIncident(tx, deps.now(), declaration, deps));
  deps.log.info({ incidentId: incident.id, source: incident.source }, `${humanId(incident)} declared`);
  deps.nudge();
  return incident;
}
