// Durable follow-ups of lifecycle changes. Each handler reads the incident as it is now, so a
// late or repeated run does the right thing (a reminder after an update does nothing).
import { z } from "zod";
import { humanId } from "../../domain/incident.js";
import type { JobContext, JobHandler } from "../../jobs/job-runner.js";
import { incidentHeader } from "../../views/slack/incident-header.js";
import type { IncidentDeps } from "../deps.js";
import { addNoteOnce } from "../pagerduty-note.js";
import { VendorError } from "../../ports/vendor-error.js";
import { postOnce } from "../post-once.js";
import { ANNOUNCE_JOB } from "./record-notes.js";
import { COMMAND_NOTICE_JOB, commandNoticeJob } from "./command-handover.js";
import { ANNOUNCE_CHANGE_JOB, announceChangeJob } from "./announce-change.js";
import { ARCHIVE_JOB, PAGERDUTY_SYNC_JOB, REFRESH_HEADER_JOB, REMINDER_JOB, scheduleReminder, updateCadenceMinutes } from "./side-effects.js";
import { incidentDurations } from "../../domain/durations.js";
import { validateWith } from "../../kernel/parse-json.js";

const incidentRef = z.object({ incidentId: z.number().int() });

export function lifecycleJobs(deps: IncidentDeps): Record<string, JobHandler> {
  const load = async (payload: unknown) => {
    const incident = await deps.store.incidents.get(validateWith(incidentRef, payload, "a lifecycle job's payload").incidentId);
    if (!incident) throw new Error("incident not found");
    return incident;
  };

  return {
    [COMMAND_NOTICE_JOB]: commandNoticeJob(deps),
    [ANNOUNCE_CHANGE_JOB]: announceChangeJob(deps),

    [REFRESH_HEADER_JOB]: async (payload) => {
      // Refreshes run concurrently and retries come late, so an update rendered from an older
      // version can land after a newer one. Each run renders what the incident is now and, after
      // its update, renders again if the incident changed meanwhile: the last update to land is
      // always the latest version.
      for (let incident = await load(payload), rounds = 0; rounds < 5; rounds++) {
        if (!incident.channelId || !incident.headerTs) return; // the channel job posts the first header
        const entries = await deps.store.timeline.list(incident.id);
        const durations = incidentDurations(incident, entries);
        await deps.chat.updateMessage(incident.channelId, incident.headerTs, incidentHeader(incident, { durations, timeZone: deps.timezone }));
        const now = await load(payload);
        if (now.version === incident.version && (await deps.store.timeline.list(incident.id)).length === entries.length) return;
        incident = now;
      }
    },

    [ANNOUNCE_JOB]: async (payload, context: JobContext) => {
      const { text } = validateWith(z.object({ text: z.string() }), payload, "an announcement job's payload");
      const incident = await load(payload);
      // Each destination is recorded once done, so a retry after a failure does not post twice.
      // A private incident's updates stay in its own channel.
      for (const channel of [incident.channelId, incident.private ? undefined : deps.incidentsChannel].filter((c): c is string => Boolean(c))) {
        const key = `announce:${context.job.id}:${channel}`;
        if (await deps.store.timeline.findBySourceKey(incident.id, key)) continue;
        await postOnce(deps, context.writes, channel, { text, tag: { incident: incident.id, part: `update:${context.job.id}` } });
        await deps.store.timeline.append({ incidentId: incident.id, eventAt: deps.now(), kind: "posted", text: `Update posted in <#${channel}>`, sourceKey: key });
      }
    },

    [PAGERDUTY_SYNC_JOB]: async (payload, context) => {
      const change = validateWith(
        z.discriminatedUnion("kind", [z.object({ kind: z.enum(["acknowledged", "resolved"]) }), z.object({ kind: z.literal("annotated"), content: z.string() })]),
        payload,
        "a PagerDuty sync job's payload",
      );
      const incident = await load(payload);
      if (!incident.pagerdutyIncidentId || !deps.paging) return;
      const content = change.kind === "annotated" ? change.content : null;
      // Recorded before the call, so the webhook PagerDuty sends about it is known as ours.
      if (context.job.attempts === 1) await deps.store.lifecycle.recordOutbound(incident.pagerdutyIncidentId, change.kind, content, deps.now());
      try {
        if (change.kind === "annotated") await addNoteOnce(deps.paging, incident.pagerdutyIncidentId, change.content, context.job.attempts);
        else await deps.paging.setStatus(incident.pagerdutyIncidentId, change.kind);
      } catch (error) {
        // PagerDuty refuses an incident that is already resolved (or acked): nothing left to do.
        if (error instanceof VendorError && /^http_4\d\d$/.test(error.code) && error.code !== "http_429") {
          context.log.warn({ err: error }, "PagerDuty refused the change; not retrying");
          await deps.store.timeline.append({ incidentId: incident.id, eventAt: deps.now(), kind: "pagerduty", text: `PagerDuty did not accept the ${change.kind === "annotated" ? "note" : change.kind} change: ${error.message}` });
          return;
        }
        throw error;
      }
    },

    [REMINDER_JOB]: async (payload, context) => {
      const { due } = validateWith(z.object({ due: z.coerce.date() }), payload, "a reminder job's payload");
      const incident = await load(payload);
      if (incident.status === "resolved" || !incident.channelId) return;
      const lastUpdate = incident.lastUpdateAt ?? incident.declaredAt;
      // An update since this reminder was scheduled set its own reminder.
      if (lastUpdate.getTime() + updateCadenceMinutes(deps, incident) * 60_000 > due.getTime()) return;
      const minutes = Math.round((deps.now().getTime() - lastUpdate.getTime()) / 60_000);
      const who = incident.commander ? `<@${incident.commander}>` : "Commander";
      await postOnce(deps, context.writes, incident.channelId, {
        text: `:alarm_clock: ${who}, ${humanId(incident)} (${incident.severity}) has had no status update for ${minutes} minutes. Post one with \`/incident update\` so stakeholders know where things stand.`,
        tag: { incident: incident.id, part: `reminder:${due.toISOString()}` },
      });
      // The next slot after now: a process that was down (or a clock that jumped) for hours sends
      // one reminder, not one per slot it missed.
      const cadenceMs = updateCadenceMinutes(deps, incident) * 60_000;
      const missed = Math.max(0, Math.floor((deps.now().getTime() - due.getTime()) / cadenceMs));
      const lastSlot = new Date(due.getTime() + missed * cadenceMs);
      await deps.store.transaction((tx) => scheduleReminder(tx, deps, incident, lastSlot, deps.now()));
      deps.nudge();
    },

    [ARCHIVE_JOB]: async (payload) => {
      const incident = await load(payload);
      if (incident.status !== "resolved" || !incident.channelId || incident.archivedAt) return;
      await deps.chat.archiveChannel(incident.channelId);
      await deps.store.incidents.update(incident.id, incident.version, { archivedAt: deps.now() });
      await deps.store.timeline.append({ incidentId: incident.id, eventAt: deps.now(), kind: "archived", text: `Channel #${incident.channelName ?? incident.channelId} archived`, sourceKey: "slack:archived" });
    },
  };
}
