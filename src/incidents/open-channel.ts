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
import { CLOCK_MARGIN_MS, postOnce, postOnceKey } from "./post-once.js";
import { validateWith } from "../kernel/parse-json.js";
import { createKey, HEADER_KEY, reserveCreateSlot } from "./channel-create-slot.js";

const MAX_NAME_ATTEMPTS = 25;
/** The timeline entry that records who was invited (approver groups read it: approver-set.ts). */
const RESPONDERS_INVITED = "slack:responders-invited";

const payloadSchema = z.object({ incidentId: z.number().int(), invite: z.array(z.string()).default([]) });

export function openChannelJob(deps: IncidentDeps) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { incidentId, invite } = validateWith(payloadSchema, payload, "an open-channel job's payload");
    // Handed over by the transaction that declared it, the job has the incident, and nobody has been invited yet.
    const declared = declaredIncident(context.carried, incidentId);
    const [found, invited] = declared ? [declared, undefined] : await Promise.all([deps.store.incidents.get(incidentId), deps.store.timeline.findBySourceKey(incidentId, RESPONDERS_INVITED)]);
    if (!found) throw new Error(`incident ${incidentId} does not exist`);
    let incident = found;
    const log = context.log.child({ incidentId });
    try {
      // Only calls that need another's result wait for it (create → header → pin, create →
      // invite); the rest run beside them. Each part still records itself when done, so a retry
      // resumes where this try stopped, whichever part finished first. Who is on call was asked
      // of PagerDuty when the page was read (oncall-prefetch.ts); their Slack accounts are looked
      // up once conversations.create is on its way: beside it, not ahead of it, and not at all
      // for a try that is deferred.
      let lookup: Promise<Responders | undefined> | undefined;
      const lookUp = () => {
        if (lookup) return lookup;
        lookup = invited ? Promise.resolve(undefined) : findResponders(deps, found, invite);
        // Awaited below unless the create fails first; that failure is the one to report.
        lookup.catch(() => undefined);
        return lookup;
      };
      // Looked up on the next turn: Node hands a request its kept-alive connection only after the
      // promise work queued behind it has run, so lookups started at once would go out ahead of
      // the create they are beside.
      const channel = found.channelId ? undefined : await createChannel(deps, found, context, () => void setImmediate(lookUp));
      const responders = await lookUp();
      // The header shows the commander, so one is named from the responders before it is posted;
      // it is saved with whichever of the invite and the header records itself (no extra write
      // in the path to the pin).
      const commander = responders && !incident.commander ? await firstCommander(deps, incident, responders.userIds) : undefined;
      // A channel this try created is one nobody else knows yet: its first message slot is taken
      // before the channel is recorded (so any later poster, who learns of it from the record,
      // keeps a second behind), and the header goes out beside both rather than after them. A
      // crash before the record is safe: the write ledger finds the channel and the header again.
      const at = deps.now();
      if (channel?.fresh) incident = { ...incident, channelId: channel.id, channelName: channel.name, channelCreatedAt: at };
      else if (channel) incident = await channelCreated(deps, incident, channel, at);
      if (commander) incident = { ...incident, commander };
      const channelId = incident.channelId!;
      // The record and the invite start on the next turn, for the same reason as the lookups: the
      // header goes out first, as the pin waits for it and nothing waits for either.
      const besideHeader = new Promise<void>((resolve) => setImmediate(resolve));
      const recorded = channel?.fresh ? besideHeader.then(() => deps.chat.takePostSlot(channelId)).then(() => channelCreated(deps, found, channel, at)) : undefined;
      // The invite and the header record themselves only after the channel is recorded: nobody
      // sees a header or responders for an incident without its channel.
      const header = incident.headerTs ? undefined : postHeader(deps, incident, context.writes, { freshChannel: Boolean(channel?.fresh), after: recorded });
      const toInviteTo = incident; // as it is now: `incident` is reassigned below
      const inviting = responders ? besideHeader.then(() => inviteResponders(deps, toInviteTo, channelId, responders, recorded)) : undefined;
      const parts = await allSettled<unknown>([recorded, inviting, header]);
      // Each recorded its part; the incident as it is now carries them all.
      if (parts.some(Boolean)) incident = (await deps.store.incidents.get(incidentId))!;
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

/** The incident a handed-over job was given by the transaction that declared it (JobContext.carried). */
function declaredIncident(carried: unknown, incidentId: number): Incident | undefined {
  return typeof carried === "object" && carried !== null && (carried as Incident).id === incidentId ? (carried as Incident) : undefined;
}

/** Runs the parts side by side and, once every one has ended, throws the first failure: none is left running behind a retry. */
async function allSettled<T>(parts: (Promise<T> | undefined)[]): Promise<(T | undefined)[]> {
  const settled = await Promise.allSettled(parts);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T | undefined>).value);
}

/** The incident's channel: `fresh` when this try's conversations.create made it, not when an earlier try's is adopted. */
interface FoundChannel {
  id: string;
  name: string;
  fresh: boolean;
}

/** `calling` is told when conversations.create is on its way (or an earlier try's channel is found). */
async function createChannel(deps: IncidentDeps, incident: Incident, context: JobContext, calling: () => void): Promise<FoundChannel> {
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
    const name = incidentChannelName(incident.title, incident.detectedAt, deps.timezone, attempt);
    const key = createKey(name);
    const earlier = context.writes.unconfirmed(key);
    if (earlier) {
      const ours = await adoptChannel(deps, incident, name, earlier);
      if (ours) return { id: ours.id, name: ours.name, fresh: false };
    }
    // Each call takes a slot. The same commit notes that the channel is about to be created and
    // its header posted, so nothing is written between conversations.create and the header's
    // chat.postMessage: a noted header that never went out costs a later try one look at the
    // channel's history. A first run handed over by the declaring transaction finds both done
    // there (channel-create-slot.ts).
    if (context.writes.prepared(key)) await context.writes.sending(key);
    else {
      const now = deps.now();
      const wait = await deps.store.transaction(async (tx) => {
        const wait = await reserveCreateSlot(tx, now);
        if (wait > 0) return wait;
        const note = (write: string, at: Date) => tx.jobs.recordWrite(context.job.id, write, at);
        await context.writes.sending(key, note);
        if (!incident.headerTs) await context.writes.sending(HEADER_KEY, note);
        return 0;
      });
      if (wait > 0) throw new DeferJob(new Date(now.getTime() + wait), "pacing channel creation to Slack's Tier 2 limit");
    }
    try {
      const call = deps.chat.createChannel(name, { private: Boolean(incident.private) });
      calling();
      const created = await call;
      return { id: created.id, name: created.name, fresh: true };
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

async function channelCreated(deps: IncidentDeps, incident: Incident, { id: channelId, name: channelName }: FoundChannel, at: Date): Promise<Incident> {
  return updateIncident(deps, incident, { channelId, channelName, channelCreatedAt: at }, {
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

async function inviteResponders(deps: IncidentDeps, incident: Incident, channelId: string, { userIds, unmatched }: Responders, after?: Promise<unknown>): Promise<Incident> {
  const invited = await inviteAll(deps, channelId, userIds);
  await after;
  const who = invited.length > 0 ? invited.map((u) => `<@${u}>`).join(", ") : "nobody (no responders found)";
  const missing = unmatched.length > 0 ? `; on call but not in Slack: ${unmatched.join(", ")}` : "";
  return updateIncident(deps, incident, { commander: incident.commander ?? undefined }, {
    kind: "responders",
    text: `Responders invited: ${who}${missing}`,
    data: { invited, unmatched },
    sourceKey: RESPONDERS_INVITED,
  });
}

/**
 * Posts the header once. It is noted in the ledger before the channel exists (so under a key of
 * its own, not postOnce's, which names the channel; a job noted by an earlier release carries
 * it there, and that is consulted too). A channel this try created has no header from an
 * earlier try to look for.
 */
async function postHeader(deps: IncidentDeps, incident: Incident, writes: WriteLedger, { freshChannel, after }: { freshChannel: boolean; after?: Promise<unknown> }): Promise<Incident> {
  const channelId = incident.channelId!;
  const tag = { incident: incident.id, part: "header" };
  const since = freshChannel ? undefined : (writes.unconfirmed(HEADER_KEY) ?? writes.unconfirmed(postOnceKey(channelId, tag)));
  let ts = since ? await deps.chat.findTaggedMessage(channelId, tag, new Date(since.getTime() - CLOCK_MARGIN_MS)) : undefined;
  if (!ts) {
    await writes.sending(HEADER_KEY);
    // The first message in a channel this try created: its slot is taken beside it (openChannelJob).
    ts = (await deps.chat.postMessage(channelId, { ...incidentHeader(incident), tag }, { slotTaken: freshChannel })).ts;
  }
  await deps.chat.pin(channelId, ts);
  await after;
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
