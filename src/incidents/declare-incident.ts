// Declaring an incident: the record, its first timeline entries and the durable job that builds
// its channel are written in one transaction, so a crash leaves either nothing or all of it.
// Where this process runs jobs, the channel job is enqueued claimed by it, with what its first
// Slack call needs beforehand (channel-create-slot.ts), and starts the moment the transaction
// commits: a page's channel is not kept waiting for a claim and a second transaction.
import type { Repositories } from "../ports/store.js";
import { humanId, type Incident, type NewIncident } from "../domain/incident.js";
import { incidentEventMarker } from "../markers/datadog-markers.js";
import { enqueueMarker } from "../markers/datadog-marker-job.js";
import type { IncidentDeps } from "./deps.js";
import { reminderJob } from "./lifecycle/side-effects.js";
import { incidentChannelName } from "../domain/channel-name.js";
import { prepareFirstCreate } from "./channel-create-slot.js";

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
  options: Pick<IncidentDeps, "markers" | "lifecycle"> & Partial<Pick<IncidentDeps, "services" | "handOff" | "timezone">>,
): Promise<Incident> {
  const { origin, sourceKey, invite, serviceName, ...fields } = declaration;
  // A page for a service marked `private: true` in firebreak.yaml is private whatever its source.
  const isPrivate = Boolean(fields.private) || (fields.services ?? []).some((s) => options.services?.[s]?.private === true);
  const incident = await tx.incidents.create({ ...fields, private: isPrivate, declaredAt: fields.declaredAt ?? now });
  // Each write below is one statement: this transaction stands between a page and its channel.
  await tx.timeline.appendAll([
    {
      incidentId: incident.id,
      eventAt: incident.detectedAt,
      kind: "page",
      actor: fields.declaredBy ?? null,
      text: origin,
      data: { source: fields.source, ...(serviceName && fields.services?.[0] && { service: fields.services[0], serviceName }) },
      ...(sourceKey && { sourceKey }),
    },
    {
      incidentId: incident.id,
      eventAt: incident.declaredAt,
      kind: "declared",
      actor: fields.declaredBy ?? null,
      text: `${humanId(incident)} declared (${incident.severity}): ${incident.title}`,
      sourceKey: "declared",
    },
  ]);
  await enqueueMarker(
    tx,
    options.markers,
    now,
    incidentEventMarker({ incidentHumanId: humanId(incident), title: incident.title, severity: incident.severity, kind: "declared", services: incident.services, private: incident.private, at: incident.declaredAt }),
    `declared:${incident.id}`,
  );
  // Last, so the slot's lock is held only until the commit that follows.
  const slot = options.handOff?.claim(OPEN_CHANNEL_JOB);
  const claimedBy = slot && { owner: slot.owner, leaseMs: slot.leaseMs };
  const first = claimedBy && options.timezone ? await prepareFirstCreate(tx, incidentChannelName(incident.title, incident.detectedAt, options.timezone, 1), now) : undefined;
  const [channelJob] = await tx.jobs.enqueueAll(
    [
      { kind: OPEN_CHANNEL_JOB, payload: { incidentId: incident.id, invite: invite ?? [], ...first?.payload }, dedupeKey: `open-channel:${incident.id}`, maxAttempts: 10_000, ...(claimedBy && { claimedBy }) },
      reminderJob(options, incident, incident.declaredAt),
    ],
    now,
  );
  // A slot whose transaction rolls back is freed after HAND_OFF_SLOT_MS.
  if (slot && channelJob!.created) tx.afterCommit(() => slot.run(channelJob!.job, { ...(first && { prepared: first.keys }), carried: incident }));
  else slot?.release();
  return incident;
}

/** Declares within its own transaction and wakes the job runner. */
export async function declare(deps: IncidentDeps, declaration: Declaration): Promise<Incident> {
  const incident = await deps.store.transaction((tx) => declareIncident(tx, deps.now(), declaration, deps));
  deps.log.info({ incidentId: incident.id, source: incident.source }, `${humanId(incident)} declared`);
  deps.nudge();
  return incident;
}
