// Changes to the incident itself — status, severity, commander, roles, title — each recorded on
// the timeline and followed by its side effects, all in one transaction.
import type { Repositories } from "../../ports/store.js";
import { slugify, MAX_CHANNEL_NAME, incidentChannelName } from "../../domain/channel-name.js";
import { humanId, type Incident, type Severity, type Status } from "../../domain/incident.js";
import type { IncidentChanges } from "../../ports/store.js";
import { incidentEventMarker } from "../../markers/datadog-markers.js";
import { enqueueMarker } from "../../markers/datadog-marker-job.js";
import type { IncidentDeps } from "../deps.js";
import { inviteAll } from "../invite-responders.js";
import { refused, refuseIfResolved, type Outcome } from "./outcome.js";
import { refreshHeader, scheduleArchive, scheduleReminder, syncPagerduty } from "./side-effects.js";
import { enqueueCommandNotice, latestCommandChange, type CommandChange } from "./command-handover.js";
import { checkPermission } from "./permission-check.js";
import { impactEntry } from "./record-impact.js";
import { enqueueChangeAnnouncement } from "./announce-change.js";
import { enqueuePreviewRefresh } from "../../postmortem/preview-refresh-queue.js";

export interface Actor {
  userId: string;
}

/** Applies `changes` at the version read; a concurrent change makes the caller try again. */
export async function changeIncident(
  deps: IncidentDeps,
  incidentId: number,
  apply: (tx: Repositories, incident: Incident, now: Date) => Promise<{ changes: IncidentChanges; outcome: Outcome; after?: (tx: Repositories, updated: Incident) => Promise<void> } | Outcome>,
): Promise<Outcome> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = await deps.store.transaction(async (tx): Promise<Outcome | "conflict"> => {
      const incident = await tx.incidents.get(incidentId);
      if (!incident) return refused("That incident no longer exists.");
      const now = deps.now();
      const decided = await apply(tx, incident, now);
      if ("ok" in decided) return decided;
      const updated = await tx.incidents.update(incident.id, incident.version, decided.changes);
      if (!updated) return "conflict";
      await decided.after?.(tx, updated);
      await refreshHeader(tx, updated, now);
      await enqueuePreviewRefresh(tx, updated.id, `version:${updated.version}`, now);
      return decided.outcome;
    });
    if (result !== "conflict") {
      deps.nudge();
      return result;
    }
  }
  return refused("The incident is changing too fast to apply this; try again in a moment.");
}

/** `at` is when it happened, when someone said (`/incident status at 9:45am identified`); otherwise now. */
export function setStatus(deps: IncidentDeps, incidentId: number, status: Status, actor: Actor, at?: Date): Promise<Outcome> {
  return changeIncident(deps, incidentId, async (tx, incident, now) => {
    if (status === "resolved") return refused("Use `/incident resolve` to resolve: it asks for a resolution summary.");
    const closed = refuseIfResolved(incident, "change its status");
    if (closed) return closed;
    const denied = await checkPermission({ ...deps, store: tx }, incident, actor.userId, "status");
    if (denied) return denied;
    if (incident.status === status) return refused(`${humanId(incident)} is already ${status}.`);
    return {
      changes: { status },
      outcome: { ok: true, reply: `${humanId(incident)} is now ${status}.` },
      after: async (tx2, updated) => {
        const { entry } = await tx2.timeline.append({ incidentId: incident.id, eventAt: at ?? now, kind: "status", actor: actor.userId, text: `Status set to ${status} by <@${actor.userId}>`, data: { status, from: incident.status } });
        await enqueueChangeAnnouncement(tx2, entry, now);
        // Leaving "investigating" means someone is on it: PagerDuty stops escalating.
        if (incident.status === "investigating") await syncPagerduty(tx2, deps, updated, { kind: "acknowledged" }, "acknowledged", now);
      },
    };
  });
}

export function setSeverity(deps: IncidentDeps, incidentId: number, severity: Severity, actor: Actor, at?: Date): Promise<Outcome> {
  return changeIncident(deps, incidentId, async (tx, incident, now) => {
    const closed = refuseIfResolved(incident, "change its severity");
    if (closed) return closed;
    const denied = await checkPermission({ ...deps, store: tx }, incident, actor.userId, "severity");
    if (denied) return denied;
    if (incident.severity === severity) return refused(`${humanId(incident)} is already ${severity}.`);
    return {
      changes: { severity },
      outcome: { ok: true, reply: `${humanId(incident)} is now ${severity}.` },
      after: async (tx2, updated) => {
        const { entry } = await tx2.timeline.append({ incidentId: incident.id, eventAt: at ?? now, kind: "severity", actor: actor.userId, text: `Severity changed from ${incident.severity} to ${severity} by <@${actor.userId}>`, data: { severity, from: incident.severity } });
        await enqueueChangeAnnouncement(tx2, entry, now);
        const marker = incidentEventMarker({ incidentHumanId: humanId(updated), title: updated.title, severity, kind: "severity", services: updated.services, private: updated.private, at: at ?? now });
        await enqueueMarker(tx2, deps.markers, now, marker, `severity:${incident.id}:${updated.version}`);
        // A higher severity wants updates more often: count the new cadence from the last update.
        await scheduleReminder(tx2, deps, updated, updated.lastUpdateAt ?? updated.declaredAt, now);
      },
    };
  });
}

/**
 * Hands command to `userId`. The commander may always hand over; anyone else needs the
 * `commander` permission, and their change (taking command themselves, or giving it to someone)
 * is a takeover: announced in the channel with a Revert button and marked on the timeline. The
 * commander a takeover displaced may take command back (`/incident commander @themselves` or
 * Revert) whatever the permissions say, as long as nothing has changed since.
 */
export async function setCommander(deps: IncidentDeps, incidentId: number, userId: string, actor: Actor): Promise<Outcome> {
  const outcome = await changeIncident(deps, incidentId, async (tx, incident, now) => {
    const closed = refuseIfResolved(incident, "hand over command");
    if (closed) return closed;
    if (incident.commander === userId) return refused(`<@${userId}> is already the commander of ${humanId(incident)}.`);
    const last = await latestCommandChange(tx, incident.id);
    const revert = Boolean(last?.takeover && last.userId === incident.commander && last.from === actor.userId && userId === actor.userId);
    if (!revert && actor.userId !== incident.commander) {
      // Group membership may take a Slack call; it is only made when a group holds the permission.
      const denied = await checkPermission({ ...deps, store: tx }, incident, actor.userId, "commander");
      if (denied) return denied;
    }
    const from = incident.commander;
    const takeover = !revert && from !== null && actor.userId !== from;
    return {
      changes: { commander: userId },
      outcome: { ok: true, reply: revert ? `You command ${humanId(incident)} again; the channel has been told.` : takeover ? `<@${userId}> now commands ${humanId(incident)}. This was announced in the channel, and <@${from}> can revert it.` : `<@${userId}> now commands ${humanId(incident)}.` },
      after: async (tx2, updated) => {
        const was = from ? ` (was <@${from}>)` : "";
        const text = revert ? `<@${userId}> reverted the change of command and commands again${was}`
          : takeover ? `<@${userId}> is now incident commander${was}, taken over by <@${actor.userId}> without <@${from}> handing over`
          : `<@${userId}> is now incident commander${was}, set by <@${actor.userId}>`;
        const data = { role: "commander", userId, from, takeover, revert } satisfies CommandChange;
        const { entry } = await tx2.timeline.append({ incidentId: incident.id, eventAt: now, kind: "role", actor: actor.userId, text, data });
        // A takeover and its revert have their own notice (with Revert); a handover is announced plainly.
        if ((takeover || revert) && from) await enqueueCommandNotice(tx2, { incidentId: incident.id, actor: actor.userId, to: userId, from, revert }, updated.version, now);
        else await enqueueChangeAnnouncement(tx2, entry, now);
      },
    };
  });
  if (outcome.ok) await inviteToChannel(deps, incidentId, userId);
  return outcome;
}

/** The Revert button on a takeover announcement: only the displaced commander, only if nothing changed since. */
export async function revertTakeover(deps: IncidentDeps, change: { incidentId: number; from: string; to: string }, actor: Actor): Promise<Outcome> {
  const incident = await deps.store.incidents.get(change.incidentId);
  if (!incident) return refused("That incident no longer exists.");
  if (actor.userId !== change.from) return refused(`Only <@${change.from}>, who commanded ${humanId(incident)} before, can revert this change of command.`);
  if (incident.commander !== change.to) return refused(`Command of ${humanId(incident)} has changed since; there is nothing to revert. Use \`/incident commander @someone\` to hand over.`);
  return setCommander(deps, incident.id, change.from, actor);
}

/** Whoever takes a role needs to be in the room; already being there is fine. */
async function inviteToChannel(deps: IncidentDeps, incidentId: number, userId: string): Promise<void> {
  const incident = await deps.store.incidents.get(incidentId);
  if (!incident?.channelId) return;
  await inviteAll(deps, incident.channelId, [userId]).catch((error: unknown) => deps.log.warn({ err: error, incidentId }, "could not invite the new role holder"));
}

export async function setRole(deps: IncidentDeps, incidentId: number, name: string, userId: string, actor: Actor): Promise<Outcome> {
  if (name === "commander" || name === "ic") return setCommander(deps, incidentId, userId, actor);
  return deps.store.transaction(async (tx) => {
    const incident = await tx.incidents.get(incidentId);
    if (!incident) return refused("That incident no longer exists.");
    const closed = refuseIfResolved(incident, "assign roles");
    if (closed) return closed;
    const now = deps.now();
    const previous = await tx.lifecycle.setRole({ incidentId, name, userId, assignedBy: actor.userId, assignedAt: now });
    const was = previous && previous.userId !== userId ? ` (was <@${previous.userId}>)` : "";
    await tx.timeline.append({ incidentId, eventAt: now, kind: "role", actor: actor.userId, text: `<@${userId}> is now ${name}${was}, set by <@${actor.userId}>`, data: { role: name, userId } });
    await refreshHeader(tx, incident, now);
    return { ok: true as const, reply: `<@${userId}> is now ${name} for ${humanId(incident)}.` };
  }).then(async (outcome: Outcome) => {
    if (outcome.ok) await inviteToChannel(deps, incidentId, userId);
    return outcome;
  });
}

export async function rename(deps: IncidentDeps, incidentId: number, title: string, actor: Actor): Promise<Outcome> {
  const outcome = await changeIncident(deps, incidentId, async (tx, incident, now) => {
    if (title.length > 150) return refused("Keep the title under 150 characters.");
    if (title === incident.title) return refused(`${humanId(incident)} is already called that.`);
    return {
      changes: { title },
      outcome: { ok: true, reply: `${humanId(incident)} is now “${title}”.` },
      after: async (tx2) => {
        await tx2.timeline.append({ incidentId: incident.id, eventAt: now, kind: "rename", actor: actor.userId, text: `Renamed from “${incident.title}” to “${title}” by <@${actor.userId}>` });
      },
    };
  });
  const incident = await deps.store.incidents.get(incidentId);
  if (outcome.ok && incident?.channelId && slugify(title)) {
    // The channel follows the title; a name already in use keeps the old channel name.
    const name = incidentChannelName(title, incident.detectedAt, deps.timezone).slice(0, MAX_CHANNEL_NAME);
    await deps.chat.renameChannel(incident.channelId, name).then(
      () => deps.store.incidents.update(incident.id, incident.version, { channelName: name }),
      (error: unknown) => deps.log.warn({ err: error, incidentId }, "could not rename the incident channel"),
    );
  }
  return outcome;
}

/**
 * `resolvedAt` and `mitigatedAt` are the times given in the resolve form (now, unless someone said
 * otherwise); the post-mortem measures from them. Mitigation earlier than resolution gets its own
 * entry, and the impact given, if any, is recorded as `/incident impact` would.
 */
export function resolve(deps: IncidentDeps, incidentId: number, input: { summary: string; rootCause?: string; impact?: string; mitigatedAt?: Date; resolvedAt?: Date }, actor: Actor): Promise<Outcome> {
  return changeIncident(deps, incidentId, async (tx, incident, now) => {
    if (incident.status === "resolved") return refused(`${humanId(incident)} is already resolved.`);
    const denied = await checkPermission({ ...deps, store: tx }, incident, actor.userId, "resolve");
    if (denied) return denied;
    const resolvedAt = input.resolvedAt ?? now;
    return {
      changes: { status: "resolved", resolvedAt },
      outcome: { ok: true, reply: `${humanId(incident)} is resolved. The channel will be archived later; \`/incident postmortem\` drafts the post-mortem.` },
      after: async (tx2, updated) => {
        if (input.mitigatedAt && input.mitigatedAt < resolvedAt) {
          await tx2.timeline.append({ incidentId: incident.id, eventAt: input.mitigatedAt, kind: "mitigated", actor: actor.userId, text: `Mitigated, as <@${actor.userId}> recorded when resolving` });
        }
        if (input.impact) await tx2.timeline.append(impactEntry(incident.id, input.impact, actor, resolvedAt));
        const { entry } = await tx2.timeline.append({ incidentId: incident.id, eventAt: resolvedAt, kind: "resolved", actor: actor.userId, text: `Resolved by <@${actor.userId}>: ${input.summary}`, data: { status: "resolved", from: incident.status, summary: input.summary, ...(input.rootCause && { rootCause: input.rootCause }) } });
        await enqueueChangeAnnouncement(tx2, entry, now);
        await syncPagerduty(tx2, deps, updated, { kind: "resolved" }, "resolved", now);
        const marker = incidentEventMarker({ incidentHumanId: humanId(updated), title: updated.title, severity: updated.severity, kind: "resolved", services: updated.services, private: updated.private, at: resolvedAt });
        await enqueueMarker(tx2, deps.markers, now, marker, `resolved:${incident.id}`);
        await scheduleArchive(tx2, deps, updated, now, now);
      },
    };
  });
}
