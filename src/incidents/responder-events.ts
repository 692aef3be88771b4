// PagerDuty's answers to responder requests (incident.responder.added / .replied V3 webhooks):
// each is a timeline entry keyed by the event id; someone who accepts is invited to the channel,
// found in Slack by their PagerDuty email (users.lookupByEmail, as the on-call are at declaration).
// The invite is a job, so a Slack or PagerDuty failure retries it without losing the answer.
//
// The webhook's `state` after a reply: "joined" is how PagerDuty's responder list marks someone who
// accepted (the REST incident's `incidents_responders[].state`), "accepted" is taken to mean the
// same; "declined" is a decline; anything else is recorded as it came.
import { z } from "zod";
import type { Repositories } from "../ports/store.js";
import type { Incident } from "../domain/incident.js";
import type { JobContext } from "../jobs/job-runner.js";
import { validateWith } from "../kernel/parse-json.js";
import type { PagerdutyResponderEvent } from "../sources/pagerduty.js";
import type { IncidentDeps } from "./deps.js";
import { inviteAll } from "./invite-responders.js";
import { enqueuePreviewRefresh } from "../postmortem/preview-refresh-queue.js";

export const RESPONDER_INVITE_JOB = "incident.responder-invite";

const ACCEPTED = new Set(["joined", "accepted"]);

const payloadSchema = z.object({ incidentId: z.number().int(), pagerdutyUserId: z.string(), name: z.string(), eventId: z.string() });

/** Records the responder event on `incident` (inside the delivery's transaction) and queues the invite of one who accepted. */
export async function recordResponderEvent(deps: Pick<IncidentDeps, "now">, tx: Repositories, incident: Incident, event: PagerdutyResponderEvent): Promise<void> {
  const who = event.user.summary ?? event.user.id;
  const via = event.escalationPolicy?.summary ? ` (through ${event.escalationPolicy.summary})` : "";
  const state = event.state ?? "unknown";
  const accepted = event.kind === "incident.responder.replied" && ACCEPTED.has(state);
  const text = event.kind === "incident.responder.added"
    ? `PagerDuty asked ${who}${via} to respond${event.message ? `: ${event.message}` : ""}`
    : accepted ? `${who} accepted the request to respond in PagerDuty` : state === "declined" ? `${who} declined the request to respond in PagerDuty` : `${who} answered the request to respond in PagerDuty: ${state}`;
  const { created, entry } = await tx.timeline.append({
    incidentId: incident.id, eventAt: event.occurredAt, kind: event.kind === "incident.responder.added" ? "responder-requested" : "responder-replied",
    actor: event.user.id, text, data: { pagerduty: true, state, pagerdutyUserId: event.user.id }, sourceKey: `pagerduty:${event.eventId}`,
  });
  if (created) await enqueuePreviewRefresh(tx, incident.id, `entry:${entry.id}`, deps.now());
  if (created && accepted) {
    await tx.jobs.enqueue({ kind: RESPONDER_INVITE_JOB, payload: { incidentId: incident.id, pagerdutyUserId: event.user.id, name: who, eventId: event.eventId }, dedupeKey: `responder-invite:${event.eventId}` }, deps.now());
  }
}

export function responderInviteJob(deps: IncidentDeps) {
  return async (payload: unknown, _context: JobContext): Promise<void> => {
    const request = validateWith(payloadSchema, payload, "a responder invite job's payload");
    const incident = await deps.store.incidents.get(request.incidentId);
    if (!incident || incident.archivedAt) return;
    const sourceKey = `pagerduty:responder-invited:${request.eventId}`;
    if (await deps.store.timeline.findBySourceKey(incident.id, sourceKey)) return;
    // The channel may still be on its way (Slack failing): try again until it is there.
    if (!incident.channelId) throw new Error(`${request.name} accepted, but INC-${incident.id} has no channel yet`);
    const email = deps.escalation ? await deps.escalation.userEmail(request.pagerdutyUserId) : undefined;
    const userId = email ? await deps.chat.lookupUserByEmail(email) : undefined;
    const entry = (text: string, data: Record<string, unknown>) =>
      deps.store.timeline.append({ incidentId: incident.id, eventAt: deps.now(), kind: "responder-invited", actor: null, text, data, sourceKey });
    if (!userId) {
      await entry(`${request.name} accepted in PagerDuty but has no Slack account${email ? ` with the email ${email}` : ""}; invite them by hand.`, { invited: [] });
      return;
    }
    const invited = await inviteAll(deps, incident.channelId, [userId]);
    await entry(invited.includes(userId) ? `<@${userId}> joined after accepting in PagerDuty` : `Could not invite <@${userId}> (Slack refused); invite them by hand.`, { invited });
  };
}
