// Changes made in Slack are announced publicly, once: status, severity, a handover of command and
// resolving, in the incident channel; severity and resolving also as a reply under the incident's
// announcement in SLACK_INCIDENTS_CHANNEL. A job queued in the same transaction as the change's
// timeline entry posts them, so the announcement is not lost with a crash; it is keyed by that
// entry (one job per entry, one tag per entry on each message), so a retry after Slack lost an
// answer finds what it posted instead of posting again (post-once.ts).
import { z } from "zod";
import type { TimelineEntry } from "../../domain/timeline.js";
import type { JobHandler } from "../../jobs/job-runner.js";
import { validateWith } from "../../kernel/parse-json.js";
import type { Repositories } from "../../ports/store.js";
import { announcedIn, changeAnnouncement } from "../../views/slack/change-announcement.js";
import type { IncidentDeps } from "../deps.js";
import { postOnce } from "../post-once.js";

export const ANNOUNCE_CHANGE_JOB = "incident.announce-change";

const payloadSchema = z.object({ incidentId: z.number().int(), entryId: z.number().int() });

/** Queues the announcement of `entry`, in the transaction that recorded it. */
export function enqueueChangeAnnouncement(tx: Repositories, entry: TimelineEntry, now: Date) {
  return tx.jobs.enqueue({ kind: ANNOUNCE_CHANGE_JOB, payload: { incidentId: entry.incidentId, entryId: entry.id }, dedupeKey: `announce-change:${entry.id}` }, now);
}

export function announceChangeJob(deps: Pick<IncidentDeps, "store" | "chat" | "incidentsChannel">): JobHandler {
  return async (payload, context) => {
    const { incidentId, entryId } = validateWith(payloadSchema, payload, "a change announcement's payload");
    const [incident, entry] = await Promise.all([deps.store.incidents.get(incidentId), deps.store.timeline.get(entryId)]);
    if (!incident || !entry) return;
    const where = announcedIn(entry);
    const text = changeAnnouncement(incident, entry);
    if (!where || !text) return;
    const tag = { incident: incident.id, part: `change:${entry.id}` };
    // Before the channel (or the announcement) exists there is nothing to post under: the header
    // and announcement the channel job posts next are drawn from the incident as it is by then.
    if (incident.channelId) await postOnce(deps, context.writes, incident.channelId, { text, tag });
    if (where.incidents && deps.incidentsChannel && incident.announcementTs && !incident.private) {
      await postOnce(deps, context.writes, deps.incidentsChannel, { text, tag, threadTs: incident.announcementTs });
    }
  };
}
