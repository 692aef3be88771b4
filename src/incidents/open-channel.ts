// Builds an incident's channel: create it, invite the responders, post and pin the header,
// announce it. Runs as a durable job: each part records that it is done, so a retry (after a
// Slack outage or a crash) resumes where the last attempt stopped instead of repeating it. A
// part whose call failed may still have happened in Slack (a 500 or a timeout after the work),
// so the job notes each write before sending it and, on any later try, looks for what the
// earlier one left — the channel by name and creator, a message by its metadata — before
// sending it again (jobs/write-ledger.ts). Inviting and pinning need no look: Slack answers a
// repeat with already_in_channel / already_pinned.
import { z } from "zod";
import { incidentChannelName } from "../domain/channel-name.js";
import { humanId, type Incident } from "../domain/incident.js";
import type { NewTimelineEntry } from "../domain/timeline.js";
import { DeferJob, type JobContext } from "../jobs/job-runner.js";
import type { WriteLedger } from "../jobs/write-ledger.js";
import { incidentAnnouncement, incidentHeader } from "../views/slack/incident-header.js";
import type { IncidentDeps } from "./deps.js";
import { findResponders, inviteAll, type Responders } from "./invite-responders.js";
import { PAGERDUTY_NOTE_JOB } from "./pagerduty-note.js";
import { VendorError } from "../ports/vendor-error.js";
import { enqueueBookmarks } from "./channel-bookmarks.js";
import { wantedBookmarks } from "../domain/bookmarks.js";
import { CLOCK_MARGIN_MS, postOnce } from "./post-once.js";
import { validateWith } from "../kernel/parse-json.js";

// Slack's conversations.create is Tier 2 (about 20 a minute per workspace); stay under it.
export const CHANNELS_PER_MINUTE = 18;
const MAX_NAME_ATTEMPTS = 25;
/** The timeline entry that records who was invited (approver groups read it: approver-set.ts). */
const RESPONDERS_INVITED = "slack:responders-invited";

const payloadSchema = z.object({ incidentId: z.number().int(), invite: z.array(z.string()).default([]) });

export function openChannelJob(deps: IncidentDeps) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { incidentId, invite } = validateWith(payloadSchema, payload, "an open-channel job's payload");
    let incident = await deps.store.incidents.get(incidentId);
    if (!incident) throw new Error(`incident ${incidentId} does not exist`);
    const log = context.log.child({ incidentId });
    try {
      // Only calls that need another's result wait for it (create → header → pin, create →
      // invite); the rest run beside them. Each part still records itself when done, so a retry
      // resumes where this try stopped, whichever part finished first.
      const invited = await deps.store.timeline.findBySourceKey(incident.id, RESPONDERS_INVITED);
      const [created, responders] = await Promise.all([
        incident.channelId ? incident : createChannel(deps, incident, context),
        invited ? undefined : findResponders(deps, incident, invite),
      ]);
      incident = created;
      // The header shows the commander, so one is named from the responders before it is posted;
      // it is saved with whichever of the invite and the header records itself (no extra write
      // in the path to the pin).
      if (responders && !incident.commander) {
        const commander = await firstCommander(deps, incident, responders.userIds);
        if (commander) incident = { ...incident, commander };
      }
      const channelId = incident.channelId!;
      const [afterInvite, afterHeader] = await Promise.all([
        responders ? inviteResponders(deps, incident, channelId, responders) : undefined,
        incident.headerTs ? undefined : postHeader(deps, incident, context.writes),
      ]);
      // Both recorded their part; the incident as it is now carries both.
      if (afterInvite || afterHeader) incident = (await deps.store.incidents.get(incidentId))!;
      // A private incident is never announced: its existence is for its channel's members.
      if (deps.incidentsChannel && !incident.private && !incident.announcementTs) incident = await announce(deps, incident, deps.incidentsChannel, context.writes);
      if (wantedBookmarks(incident, { callUrlTemplate: deps.callUrl }).length > 0) {
        await enqueueBookmarks(deps.store.jobs, incidentId, "channel", deps.now());
        deps.nudge();
      }
      if (incident.pagerdutyIncidentId && deps.paging) {
        await deps.store.jobs.enqueue({ kind: PAGERDUTY_NOTE_JOB, payload: { incidentId, reason: "channel-ready" }, dedupeKey: `pd-note:channel-ready:${incidentId}` }, deps.now());
        deps.nudge();
      }
      if (incident.slackFailure) await updateIncident(deps, incident, { slackFailure: null });
      log.info({ channel: incident.channelName }, `${humanId(incident)} channel ready`);
    } catch (error) {
      if (error instanceof VendorError && error.vendor === "slack") await recordSlackFailure(deps, incident, error);
      throw error;
    }
  };
}

async function createChannel(deps: IncidentDeps, incident: Incident, context: JobContext): Promise<Incident> {
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
    const name = incidentChannelName(incident.title, incident.detectedAt, deps.timezone, attempt);
    const key = `conversations.create:${name}`;
    const earlier = context.writes.unconfirmed(key);
    if (earlier) {
      const ours = await adoptChannel(deps, incident, name, earlier);
      if (ours) return channelCreated(deps, incident, ours.id, ours.name);
    }
    // Each call takes a slot, checked and reserved in one step, so every worker and replica shares one budget.
    const now = deps.now();
    const wait = await deps.store.transaction((tx) => tx.rateSlots.reserve({ bucket: "conversations.create", limit: CHANNELS_PER_MINUTE, windowMs: 60_000, now }));
    if (wait > 0) throw new DeferJob(new Date(now.getTime() + wait), "pacing channel creation to Slack's Tier 2 limit");
    await context.writes.sending(key);
    try {
      const created = await deps.chat.createChannel(name, { private: Boolean(incident.private) });
      return await channelCreated(deps, incident, created.id, created.name);
    } catch (error) {
      // Taken by someone else: an earlier try of ours would have been adopted above.
      if (!(error instanceof VendorError) || error.code !== "name_taken") throw error;
    }
  }
  throw new VendorError("slack", "name_taken", `no free channel name after ${MAX_NAME_ATTEMPTS} tries`);
}

/**
 * The channel named `name`, if the bot created it no earlier than this incident's first try and
 * no other incident holds it (two incidents with the same title on the same day share a name).
 */
async function adoptChannel(deps: IncidentDeps, incident: Incident, name: string, firstTry: Date) {
  const existing = await deps.chat.findChannelByName(name, { private: Boolean(incident.private) });
  const bot = await deps.chat.botUserId();
  if (!existing || !bot || existing.creator !== bot) return undefined;
  if ((existing.created ?? 0) * 1000 < firstTry.getTime() - CLOCK_MARGIN_MS) return undefined;
  const holder = await deps.store.incidents.byChannel(existing.id);
  return holder && holder.id !== incident.id ? undefined : existing;
}

async function channelCreated(deps: IncidentDeps, incident: Incident, channelId: string, channelName: string): Promise<Incident> {
  return updateIncident(deps, incident, { channelId, channelName, channelCreatedAt: deps.now() }, {
    kind: "channel",
    text: `Channel #${channelName} created`,
    data: { channelId },
    sourceKey: "slack:channel-created",
  });
}

/** Who commands an incident nobody commands yet: the first responder other than whoever declared it, else them. */
async function firstCommander(deps: IncidentDeps, incident: Incident, userIds: string[]): Promise<string | undefined> {
  const bot = await deps.chat.botUserId();
  const people = userIds.filter((u) => u !== bot);
  return people.find((u) => u !== incident.declaredBy) ?? people[0];
}

async function inviteResponders(deps: IncidentDeps, incident: Incident, channelId: string, { userIds, unmatched }: Responders): Promise<Incident> {
  const invited = await inviteAll(deps, channelId, userIds);
  const who = invited.length > 0 ? invited.map((u) => `<@${u}>`).join(", ") : "nobody (no responders found)";
  const missing = unmatched.length > 0 ? `; on call but not in Slack: ${unmatched.join(", ")}` : "";
  return updateIncident(deps, incident, { commander: incident.commander ?? undefined }, {
    kind: "responders",
    text: `Responders invited: ${who}${missing}`,
    data: { invited, unmatched },
    sourceKey: RESPONDERS_INVITED,
  });
}

async function postHeader(deps: IncidentDeps, incident: Incident, writes: WriteLedger): Promise<Incident> {
  const channelId = incident.channelId!;
  const ts = await postOnce(deps, writes, channelId, { ...incidentHeader(incident), tag: { incident: incident.id, part: "header" } });
  await deps.chat.pin(channelId, ts);
  return updateIncident(deps, incident, { headerTs: ts, commander: incident.commander ?? undefined }, { kind: "header", text: "Header posted and pinned", sourceKey: "slack:header" });
}

async function announce(deps: IncidentDeps, incident: Incident, channelId: string, writes: WriteLedger): Promise<Incident> {
  const ts = await postOnce(deps, writes, channelId, { ...incidentAnnouncement(incident), tag: { incident: incident.id, part: "announcement" } });
  return updateIncident(deps, incident, { announcementTs: ts }, { kind: "announcement", text: `Announced in <#${channelId}>`, sourceKey: "slack:announced" });
}

async function recordSlackFailure(deps: IncidentDeps, incident: Incident, error: VendorError): Promise<void> {
  const fresh = (await deps.store.incidents.get(incident.id)) ?? incident;
  await updateIncident(deps, fresh, { slackFailure: `${error.code}: ${error.message}`.slice(0, 500) });
  if (fresh.slackFailure) return;
  await deps.store.timeline.append({
    incidentId: incident.id,
    eventAt: deps.now(),
    kind: "slack-delayed",
    text: `Slack is failing (${error.code}); the channel will be created when it recovers`,
    sourceKey: "slack:delayed",
  });
  if (fresh.pagerdutyIncidentId && deps.paging) {
    await deps.store.jobs.enqueue({ kind: PAGERDUTY_NOTE_JOB, payload: { incidentId: incident.id, reason: "slack-delayed" }, dedupeKey: `pd-note:slack-delayed:${incident.id}` }, deps.now());
    deps.nudge();
  }
}

/**
 * Records that a part is done: the incident's column and its timeline entry in one transaction,
 * so a crash cannot leave one without the other (a retry skips parts whose column is set).
 * Channel work owns its columns, so a version clash is retried rather than failed.
 */
async function updateIncident(
  deps: IncidentDeps,
  incident: Incident,
  changes: Parameters<IncidentDeps["store"]["incidents"]["update"]>[2],
  entry?: Omit<NewTimelineEntry, "incidentId" | "eventAt">,
): Promise<Incident> {
  for (let tries = 0; tries < 5; tries++) {
    const updated = await deps.store.transaction(async (tx) => {
      const current = (await tx.incidents.get(incident.id))!;
      const saved = await tx.incidents.update(current.id, current.version, changes);
      if (saved && entry) await tx.timeline.append({ incidentId: incident.id, eventAt: deps.now(), ...entry });
      return saved;
    });
    if (updated) return updated;
  }
  throw new Error(`incident ${incident.id} keeps changing; giving up this attempt`);
}
