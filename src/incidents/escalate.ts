// `/incident escalate`: page another escalation policy, service or person on PagerDuty. The form's
// answer is recorded (a timeline entry and a job, in one transaction) and the person is answered at
// once; the job then asks PagerDuty: a responder request on the incident's PagerDuty incident, or,
// for an incident declared in Slack without one, a new PagerDuty incident on the chosen service.
// PagerDuty takes no idempotency key for either, so each is sent once through the job's write
// ledger: a retry first looks for what an earlier try may have done (the incident's responders, or
// the incident created with our incident_key, which PagerDuty also refuses to create twice).
import { z } from "zod";
import { humanId, type Incident } from "../domain/incident.js";
import type { JobContext } from "../jobs/job-runner.js";
import { writeOnce } from "../jobs/write-ledger.js";
import { validateWith } from "../kernel/parse-json.js";
import type { EscalationPort, EscalationTarget, EscalationTargetKind } from "../ports/paging.js";
import { VendorError } from "../ports/vendor-error.js";
import type { IncidentDeps } from "./deps.js";

export const ESCALATE_JOB = "incident.escalate";

export const PAGERDUTY_OFF = "PagerDuty is off in this Firebreak (no `PAGERDUTY_TOKEN`), so there is no one to page from here. Page the team from PagerDuty itself, or ask your Firebreak admin to set `PAGERDUTY_TOKEN` and `PAGERDUTY_FROM_EMAIL`.";

export const NEEDS_SERVICE = "This incident has no PagerDuty incident yet. Pick a *service*: Firebreak opens a PagerDuty incident on it, which pages its escalation policy.";

export type EscalationDeps = IncidentDeps & { escalation?: EscalationPort };

const kindNames: Record<EscalationTargetKind, string> = { escalation_policy: "Escalation policy", service: "Service", user: "User" };

export const targetSchema = z.object({ kind: z.enum(["escalation_policy", "service", "user"]), id: z.string().min(1) });
export type TargetChoice = z.infer<typeof targetSchema>;

/** An option's value in the target menu: `<kind>:<id>` (PagerDuty ids hold no colon). */
export const targetValue = (target: Pick<EscalationTarget, "kind" | "id">) => `${target.kind}:${target.id}`;

export function parseTargetValue(value: string | undefined | null): TargetChoice | undefined {
  const [kind, ...rest] = (value ?? "").split(":");
  const parsed = targetSchema.safeParse({ kind, id: rest.join(":") });
  return parsed.success ? parsed.data : undefined;
}

export const targetLabel = (target: Pick<EscalationTarget, "kind" | "name">) => `${kindNames[target.kind]}: ${target.name}`;

const payloadSchema = z.object({
  incidentId: z.number().int(),
  requestId: z.string().min(1),
  requestedBy: z.string(),
  target: targetSchema,
  label: z.string(),
  message: z.string().min(1),
});
type EscalationRequest = z.infer<typeof payloadSchema>;

/** The incident_key of the PagerDuty incident opened for one of ours: PagerDuty refuses a second open one with it. */
export const incidentKeyFor = (incident: Pick<Incident, "id">) => `firebreak:${humanId(incident)}`;

/** Reads back our incident from a PagerDuty incident_key, if it is one of ours. */
export function incidentIdFromKey(key: string | null | undefined): number | undefined {
  const match = /^firebreak:INC-(\d+)$/.exec(key ?? "");
  return match ? Number(match[1]) : undefined;
}

/**
 * Why the request cannot be sent, said to the person before anything is recorded; undefined when it
 * can. The target's existence is PagerDuty's to say, in the job.
 */
export function refuseEscalation(deps: Pick<EscalationDeps, "escalation">, incident: Incident, target: TargetChoice | undefined): string | undefined {
  if (!deps.escalation) return PAGERDUTY_OFF;
  if (!target) return "Pick whom to page from the list.";
  if (!incident.pagerdutyIncidentId && target.kind !== "service") return NEEDS_SERVICE;
  return undefined;
}

/** Records the request and queues its job, once per request id (the modal's view id). */
export async function recordEscalation(deps: EscalationDeps, incident: Incident, request: Omit<EscalationRequest, "incidentId">): Promise<void> {
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    await tx.timeline.append({
      incidentId: incident.id, eventAt: now, kind: "escalation", actor: request.requestedBy,
      text: `<@${request.requestedBy}> asked PagerDuty to page ${request.label}: ${request.message}`,
      data: { target: request.target }, sourceKey: `escalate:${request.requestId}`,
    });
    await tx.jobs.enqueue({ kind: ESCALATE_JOB, payload: { incidentId: incident.id, ...request }, dedupeKey: `escalate:${request.requestId}` }, now);
  });
  deps.nudge();
}

export function escalateJob(deps: EscalationDeps) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const request = validateWith(payloadSchema, payload, "an escalation job's payload");
    const incident = await deps.store.incidents.get(request.incidentId);
    if (!incident) return;
    const done = `escalate:${request.requestId}:outcome`;
    if (await deps.store.timeline.findBySourceKey(incident.id, done)) return;
    const outcome = (text: string, kind = "escalation") =>
      deps.store.timeline.append({ incidentId: incident.id, eventAt: deps.now(), kind, actor: null, text, data: { target: request.target }, sourceKey: done });
    const tell = (text: string) =>
      incident.channelId ? deps.chat.postEphemeral(incident.channelId, request.requestedBy, { text }).catch((error: unknown) => context.log.warn({ err: error }, "could not tell the requester")) : undefined;

    const refused = refuseEscalation(deps, incident, request.target);
    if (refused || !deps.escalation) {
      await outcome(`Not sent to PagerDuty: ${refused ?? PAGERDUTY_OFF}`, "escalation-refused");
      await tell(refused ?? PAGERDUTY_OFF);
      return;
    }
    const escalation = deps.escalation;
    const target = await escalation.target(request.target.kind, request.target.id);
    if (!target) {
      const sentence = `${request.label} was not found in PagerDuty (it may have been deleted or renamed); pick another with \`/incident escalate\`.`;
      await outcome(`Not sent to PagerDuty: ${request.label} was not found.`, "escalation-refused");
      await tell(sentence);
      return;
    }
    try {
      if (incident.pagerdutyIncidentId) {
        await requestResponders(escalation, context, incident.pagerdutyIncidentId, request, target);
        await outcome(`PagerDuty asked ${targetLabel(target)} to respond: ${request.message}`);
        await tell(`PagerDuty is paging ${targetLabel(target)}. Whoever accepts is invited here.`);
        return;
      }
      const linked = await openPagerdutyIncident(deps, escalation, context, incident, request, target);
      await outcome(`PagerDuty incident opened on ${targetLabel(target)}${linked.htmlUrl ? ` (${linked.htmlUrl})` : ""}: ${request.message}`);
      await tell(`PagerDuty incident opened on ${targetLabel(target)}; its on-call is being paged.`);
    } catch (error) {
      // A 4xx other than 429 is PagerDuty saying no: asking again would get the same answer.
      if (!(error instanceof VendorError) || !refusedByPagerduty(error.code)) throw error;
      await outcome(`Not sent to PagerDuty: it refused the request (${error.message}).`, "escalation-refused");
      await tell(`PagerDuty refused to page ${targetLabel(target)} (${error.message}). Check the target in PagerDuty, or page them from PagerDuty directly.`);
    }
  };
}

const refusedByPagerduty = (code: string) => /^http_4\d\d$/.test(code) && code !== "http_429";

async function requestResponders(escalation: EscalationPort, context: JobContext, pagerdutyIncidentId: string, request: EscalationRequest, target: EscalationTarget): Promise<void> {
  // A service is paged through its escalation policy: responder requests name users or policies only.
  const to = target.kind === "service"
    ? { kind: "escalation_policy" as const, id: target.escalationPolicyId ?? "" }
    : { kind: target.kind, id: target.id };
  if (!to.id) throw new VendorError("pagerduty", "no_escalation_policy", `PagerDuty service ${target.name} has no escalation policy`);
  await writeOnce(
    context.writes,
    `pagerduty:responder-request:${request.requestId}`,
    async (since) => ((await escalation.responderRequests(pagerdutyIncidentId)).some((r) => r.message === request.message && r.requestedAt.getTime() >= since.getTime() - 60_000) ? true : undefined),
    async () => (await escalation.requestResponders(pagerdutyIncidentId, { message: request.message, target: to }), true),
  );
}

async function openPagerdutyIncident(deps: EscalationDeps, escalation: EscalationPort, context: JobContext, incident: Incident, request: EscalationRequest, target: EscalationTarget) {
  const incidentKey = incidentKeyFor(incident);
  const created = await writeOnce(
    context.writes,
    `pagerduty:create-incident:${incidentKey}`,
    () => escalation.incidentByKey(incidentKey),
    async () => {
      try {
        return await escalation.createIncident({ title: `${humanId(incident)}: ${incident.title}`, serviceId: target.id, incidentKey, details: request.message });
      } catch (error) {
        // Refused as a duplicate: an earlier request (or a retry whose answer was lost) opened it.
        const existing = error instanceof VendorError && error.code === "http_400" ? await escalation.incidentByKey(incidentKey) : undefined;
        if (existing) return existing;
        throw error;
      }
    },
  );
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await deps.store.incidents.get(incident.id);
    if (!current || current.pagerdutyIncidentId) break; // linked already (by the trigger webhook, or another request)
    if (await deps.store.incidents.update(current.id, current.version, { pagerdutyIncidentId: created.id, pagerdutyIncidentUrl: created.htmlUrl, pagerdutyServiceId: target.id })) break;
  }
  return created;
}
