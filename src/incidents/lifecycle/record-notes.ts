// What people add to the record: notes, follow-ups, status updates, pinned and hand-picked
// messages, and the commander's corrections of the timeline (which are themselves recorded).
import { humanId, type Incident, type Severity, type Status } from "../../domain/incident.js";
import { formatClock } from "../../domain/time-format.js";
import type { IncidentDeps } from "../deps.js";
import { changeIncident, type Actor } from "./change-incident.js";
import { refused, refuseIfResolved, type Outcome } from "./outcome.js";
import { checkPermission } from "./permission-check.js";
import { scheduleReminder, syncPagerduty } from "./side-effects.js";
import { enqueuePreviewRefresh } from "../../postmortem/preview-refresh-queue.js";

export const ANNOUNCE_JOB = "incident.announce";

/**
 * `at` is when it happened, when someone said (`/incident note at 9:45am …`); otherwise now.
 * `trigger` marks the note as the start of trouble (`/incident note trigger at 3:55pm …`).
 */
export async function addNote(deps: IncidentDeps, incident: Incident, text: string, actor: Actor, at?: Date, trigger = false): Promise<Outcome> {
  if (!text.trim()) return refused("Write the note after the command: `/incident note Failover did not help; CPU still 100%`.");
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    const { entry } = await tx.timeline.append({ incidentId: incident.id, eventAt: at ?? now, kind: "note", actor: actor.userId, text: text.trim(), ...(trigger && { data: { trigger: true } }) });
    await syncPagerduty(tx, deps, incident, { kind: "annotated", content: pagerdutyNote(text.trim(), actor) }, `note:${entry.id}`, now);
    await enqueuePreviewRefresh(tx, incident.id, `entry:${entry.id}`, now);
  });
  deps.nudge();
  return { ok: true, reply: `Noted on ${humanId(incident)}'s timeline${trigger ? ", as the start of trouble" : ""}.` };
}

/** The text of a note as it appears in PagerDuty (and is recognised when its webhook comes back). */
export const pagerdutyNote = (text: string, actor: Actor) => `${text} (<@${actor.userId}> in Slack, via Firebreak)`;

/** A status update: recorded, posted in the channel and the incidents channel, header refreshed. */
export function postUpdate(deps: IncidentDeps, incidentId: number, update: { status: Status; severity: Severity; summary: string }, actor: Actor): Promise<Outcome> {
  return changeIncident(deps, incidentId, async (tx, incident, now) => {
    const closed = refuseIfResolved(incident, "post status updates");
    if (closed) return closed;
    if (update.status === "resolved") return refused("Use `/incident resolve` to resolve: it asks for a resolution summary.");
    for (const key of [update.status !== incident.status && "status", update.severity !== incident.severity && "severity"] as const) {
      const denied = key && (await checkPermission({ ...deps, store: tx }, incident, actor.userId, key));
      if (denied) return denied;
    }
    return {
      changes: { status: update.status, severity: update.severity, lastUpdateAt: now },
      outcome: { ok: true, reply: `Update posted for ${humanId(incident)}.` },
      after: async (tx, updated) => {
        const changed = [update.status !== incident.status && `status ${update.status}`, update.severity !== incident.severity && `severity ${update.severity}`].filter(Boolean);
        await tx.timeline.append({
          incidentId: incident.id,
          eventAt: now,
          kind: "update",
          actor: actor.userId,
          text: `Status update by <@${actor.userId}>${changed.length ? ` (${changed.join(", ")})` : ""}: ${update.summary}`,
          data: { status: update.status, severity: update.severity, from: incident.status },
        });
        if (update.status !== incident.status) {
          // Status changes have their own entry, which durations (acknowledged, mitigated) read.
          await tx.timeline.append({ incidentId: incident.id, eventAt: now, kind: "status", actor: actor.userId, text: `Status set to ${update.status} by <@${actor.userId}>`, data: { status: update.status, from: incident.status } });
        }
        if (incident.status === "investigating" && update.status !== "investigating") await syncPagerduty(tx, deps, updated, { kind: "acknowledged" }, "acknowledged", now);
        await tx.jobs.enqueue({ kind: ANNOUNCE_JOB, payload: { incidentId: incident.id, text: updateText(updated, update.summary, actor) }, dedupeKey: `announce:${incident.id}:${updated.version}` }, now);
        await scheduleReminder(tx, deps, updated, now, now);
      },
    };
  });
}

const updateText = (incident: Incident, summary: string, actor: Actor) =>
  `:mega: *${humanId(incident)} update* (${incident.severity}, ${incident.status}) from <@${actor.userId}>:\n${summary}`;

/** A message added with its own time (the "Add to timeline" shortcut) or pinned with 📌. */
export async function addMessage(
  deps: IncidentDeps,
  incident: Incident,
  input: { at: Date; text: string; author: string | null; sourceKey: string; kind: "pin" | "custom"; addedBy: string; trigger?: boolean },
): Promise<Outcome> {
  const { entry, created } = await deps.store.timeline.append({
    incidentId: incident.id,
    eventAt: input.at,
    kind: input.kind,
    actor: input.author,
    text: input.text,
    data: { addedBy: input.addedBy, ...(input.trigger && { trigger: true }) },
    sourceKey: input.sourceKey,
  });
  // Pinned again after it was unpinned: bring the same entry back.
  if (!created && entry.removedAt) await deps.store.timeline.restore(entry.id);
  if (created || entry.removedAt) await enqueuePreviewRefresh(deps.store, incident.id, `entry:${entry.id}:${entry.removedAt ? "restored" : "added"}`, deps.now());
  return { ok: true, reply: `Added to ${humanId(incident)}'s timeline at ${formatClock(input.at, deps.timezone)}.` };
}

export async function removePin(deps: IncidentDeps, incident: Incident, sourceKey: string, by: string): Promise<void> {
  await deps.store.timeline.removeBySourceKey(incident.id, sourceKey, by, deps.now());
  await enqueuePreviewRefresh(deps.store, incident.id, `unpinned:${sourceKey}:${deps.now().getTime()}`, deps.now());
}

/** Only those `permissions.timeline` names (the commander and the scribe by default) correct the record; the correction is itself an entry. */
export async function editEntry(deps: IncidentDeps, incident: Incident, input: { entryId: number; at: Date; text: string; remove: boolean }, actor: Actor): Promise<Outcome> {
  const denied = await checkPermission(deps, incident, actor.userId, "timeline");
  if (denied) return denied;
  const entry = await deps.store.timeline.get(input.entryId);
  if (!entry || entry.incidentId !== incident.id || entry.removedAt) return refused("That timeline entry no longer exists.");
  const now = deps.now();
  const when = formatClock(entry.eventAt, deps.timezone);
  await deps.store.transaction(async (tx) => {
    if (input.remove) {
      await tx.timeline.remove(entry.id, actor.userId, now);
      const { entry: removal } = await tx.timeline.append({ incidentId: incident.id, eventAt: now, kind: "edit", actor: actor.userId, text: `<@${actor.userId}> removed the ${when} entry: “${entry.text}”`, data: { entryId: entry.id } });
      await enqueuePreviewRefresh(tx, incident.id, `entry:${removal.id}`, now);
      return;
    }
    await tx.timeline.edit(entry.id, { text: input.text, eventAt: input.at }, actor.userId, now);
    const moved = input.at.getTime() !== entry.eventAt.getTime() ? ` (moved to ${formatClock(input.at, deps.timezone)})` : "";
    const changed = input.text !== entry.text ? `: “${entry.text}” → “${input.text}”` : "";
    const { entry: correction } = await tx.timeline.append({ incidentId: incident.id, eventAt: now, kind: "edit", actor: actor.userId, text: `<@${actor.userId}> edited the ${when} entry${moved}${changed}`, data: { entryId: entry.id } });
    await enqueuePreviewRefresh(tx, incident.id, `entry:${correction.id}`, now);
  });
  return { ok: true, reply: input.remove ? "Entry removed (the removal is on the timeline)." : "Entry updated (the edit is on the timeline)." };
}
