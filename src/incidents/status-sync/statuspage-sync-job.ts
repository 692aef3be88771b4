// Mirrors an approved public update to Atlassian Statuspage as a durable job: the first one of an
// incident creates its Statuspage incident, the later ones update it, in the order they were
// published. The job may run again after a crash or a lost answer, so it looks before it writes
// again: the Statuspage incident id is stored once known; a create that may have gone through is
// looked for by the marker it carries; an update that may have gone through is looked for among
// the incident's updates. A write Statuspage refuses (bad key, unknown page or component) is not
// retried: it lands on the timeline with the fix, and the job ends.
import { z } from "zod";
import { earlierSync, findPostedUpdate, mapComponents, waitUntil, type QueuedSync } from "../../domain/status-sync.js";
import { DeferJob, type JobContext } from "../../jobs/job-runner.js";
import type { Logger } from "../../kernel/log.js";
import { validateWith } from "../../kernel/parse-json.js";
import { COMPONENT_STATUSES, PUBLIC_STATUSES, type StatusIncident, type StatusSyncPort } from "../../ports/status-sync.js";
import type { Store } from "../../ports/store.js";
import { VendorError } from "../../ports/vendor-error.js";

export const STATUSPAGE_SYNC_JOB = "statuspage.sync";

/** What the public-update flow enqueues once an update is approved and published. */
export const statuspageSyncPayload = z.object({
  publicUpdateId: z.string().min(1),
  incidentId: z.string().min(1),
  incidentName: z.string().min(1),
  status: z.enum(PUBLIC_STATUSES),
  body: z.string(),
  components: z.array(z.object({ key: z.string(), status: z.enum(COMPONENT_STATUSES) })),
});
export type StatuspageSyncPayload = z.infer<typeof statuspageSyncPayload>;

export interface StatuspageSyncDeps {
  store: Store;
  statusSync: StatusSyncPort;
  /** firebreak.yaml `status_page.components[]`: our component key → its Statuspage component id. */
  componentIds: Record<string, string>;
  log: Logger;
  now: () => Date;
}

// Sending the same request again will not change these; a lost answer, a 5xx or a rate limit may.
const REFUSALS = ["unauthorized", "forbidden", "not_found", "invalid"];

export function statuspageSyncJob(deps: StatuspageSyncDeps) {
  return async (raw: unknown, context: JobContext): Promise<void> => {
    const payload = validateWith(statuspageSyncPayload, raw, "a Statuspage sync job's payload");
    const log = context.log.child({ incidentId: payload.incidentId, publicUpdateId: payload.publicUpdateId });
    if (await deps.store.statusSync.isApplied(payload.publicUpdateId)) return;

    const earlier = earlierSync({ jobId: context.job.id, incidentId: payload.incidentId }, await queuedSyncs(deps.store));
    if (earlier) throw new DeferJob(waitUntil(earlier, context.now), `waiting for the earlier public update of job ${earlier.jobId}`);

    const { mapped, unmapped } = mapComponents(payload.components, deps.componentIds);
    if (unmapped.length > 0) log.warn({ components: unmapped }, "these status page components have no statuspage_id in firebreak.yaml; Statuspage is not told about them");
    const change = { status: payload.status, body: payload.body, components: mapped };
    try {
      await sync(deps, context, payload, change, log);
    } catch (error) {
      if (!(error instanceof VendorError && error.vendor === "statuspage" && REFUSALS.includes(error.code))) throw error;
      await reportRefusal(deps, payload, error, log);
    }
  };
}

async function sync(deps: StatuspageSyncDeps, context: JobContext, payload: StatuspageSyncPayload, change: Parameters<StatusSyncPort["updateIncident"]>[1], log: Logger): Promise<void> {
  const { store, statusSync } = deps;
  const createKey = `statuspage:create:${payload.incidentId}`;
  let linked = await store.statusSync.linkedIncident(payload.incidentId);
  // This job sent the create before: its update may be on the incident even though it is not recorded.
  let lookFirst = context.writes.unconfirmed(createKey) !== undefined;
  if (!linked) {
    // Any sync of this incident (this job, or an earlier one that died) may have created it.
    const mayExist = context.writes.unconfirmed(createKey) ?? (await store.jobs.firstWrite(STATUSPAGE_SYNC_JOB, createKey));
    const found = mayExist ? oldest(await statusSync.findIncidents(payload.incidentId, payload.incidentName)) : undefined;
    if (found) {
      log.info({ statuspageIncidentId: found.id }, "found the Statuspage incident an earlier try created");
      linked = await store.statusSync.link(payload.incidentId, found.id, deps.now());
      lookFirst = true;
    } else {
      await context.writes.sending(createKey);
      const created = await statusSync.createIncident({ ...change, name: payload.incidentName, firebreakIncidentId: payload.incidentId });
      await store.transaction(async (tx) => {
        await tx.statusSync.link(payload.incidentId, created.id, deps.now());
        await tx.statusSync.recordApplied({ publicUpdateId: payload.publicUpdateId, incidentId: payload.incidentId, statuspageUpdateId: created.updates[0]?.id, at: deps.now() });
      });
      log.info({ statuspageIncidentId: created.id }, "created the Statuspage incident");
      return;
    }
  }

  const updateKey = `statuspage:update:${payload.publicUpdateId}`;
  const claimed = () => store.statusSync.claimedUpdateIds(payload.incidentId);
  if (lookFirst || context.writes.unconfirmed(updateKey)) {
    const current = await statusSync.getIncident(linked);
    if (!current) throw new VendorError("statuspage", "not_found", `Statuspage incident ${linked} is gone (deleted on Statuspage?); later public updates of ${payload.incidentId} cannot be posted to it.`);
    const posted = findPostedUpdate(current.updates, change, await claimed());
    if (posted) {
      await store.statusSync.recordApplied({ publicUpdateId: payload.publicUpdateId, incidentId: payload.incidentId, statuspageUpdateId: posted.id, at: deps.now() });
      log.info({ statuspageUpdateId: posted.id }, "the public update was already on Statuspage");
      return;
    }
  }
  await context.writes.sending(updateKey);
  const updated = await statusSync.updateIncident(linked, change);
  const posted = findPostedUpdate(updated.updates, change, await claimed());
  await store.statusSync.recordApplied({ publicUpdateId: payload.publicUpdateId, incidentId: payload.incidentId, statuspageUpdateId: posted?.id, at: deps.now() });
  log.info({ statuspageIncidentId: linked, statuspageUpdateId: posted?.id }, "updated the Statuspage incident");
}

/** Sync jobs still to run or running (a dead one is not waited for), read from the table so other replicas' count. */
async function queuedSyncs(store: Store): Promise<QueuedSync[]> {
  // One read, so a job moving from running back to pending between two reads is not missed.
  const jobs = (await store.jobs.list({ kind: STATUSPAGE_SYNC_JOB })).filter((job) => job.status === "pending" || job.status === "running");
  return jobs.flatMap((job) => {
    const parsed = statuspageSyncPayload.safeParse(job.payload);
    return parsed.success ? [{ jobId: job.id, incidentId: parsed.data.incidentId, runAt: job.runAt }] : [];
  });
}

const oldest = (incidents: StatusIncident[]) => [...incidents].sort((a, b) => (a.updates[0]?.createdAt.getTime() ?? 0) - (b.updates[0]?.createdAt.getTime() ?? 0))[0];

/** A refusal is told where people look: the incident's timeline (when the id is ours) and the log, with the fix. */
async function reportRefusal(deps: StatuspageSyncDeps, payload: StatuspageSyncPayload, error: VendorError, log: Logger): Promise<void> {
  log.error({ err: error }, `Statuspage refused the public update; it will not be retried: ${error.message}`);
  const numeric = /^(?:INC-)?(\d+)$/i.exec(payload.incidentId)?.[1];
  const incident = numeric === undefined ? undefined : await deps.store.incidents.get(Number(numeric));
  if (!incident) return;
  await deps.store.timeline.append({
    incidentId: incident.id,
    eventAt: deps.now(),
    kind: "statuspage",
    text: `:warning: The public update was not posted to Statuspage: ${error.message}`,
    sourceKey: `statuspage-refused:${payload.publicUpdateId}`,
  });
}
