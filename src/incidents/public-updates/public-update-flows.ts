// Public updates behind approval. What the public reads is asked for as a plan in the incident
// channel (the exact words and component changes) and published only when someone eligible
// approves it. It reuses the playbook approval rules: the eligible set is fixed when asked
// (approval-policy.ts), group membership is checked again at the click (approver-set.ts), a
// request expires, and the decision is a conditional UPDATE, so it happens once however many
// clicks or replicas race. Every request, approval, denial, publication and expiry is on the
// timeline.
import { describeEligible, eligiblePeople, groupsToRecheck, isEligible, type EligibleSet } from "../../domain/approval-policy.js";
import { humanId, type Incident } from "../../domain/incident.js";
import { publiclyVisible } from "../../domain/visibility.js";
import { componentStatusLabel, formatComponentChanges, parseComponentChanges, PUBLIC_UPDATE_EXPIRY_MS, statusLabel, type ComponentChange, type PublicStatus, type PublicUpdate, type PublicUpdateKind } from "../../domain/public-update.js";
import { groupMembers, groupsNow } from "../../playbooks/engine/approver-set.js";
import type { Repositories } from "../../ports/store.js";
import type { PublicForm } from "../../views/slack/lifecycle-modals.js";
import type { IncidentDeps } from "../deps.js";
import type { Outcome } from "../lifecycle/outcome.js";

// Handled by the Atlassian Statuspage sync (incidents/status-sync), when it is configured.
import { STATUSPAGE_SYNC_JOB } from "../status-sync/statuspage-sync-job.js";

export const RENDER_PUBLIC_UPDATE_JOB = "status.render-public-update";
export const EXPIRE_PUBLIC_UPDATE_JOB = "status.expire-public-update";
/** The approver group that gates public updates when firebreak.yaml defines it. */
export const COMMS_GROUP = "comms";

export interface StatuspageSyncPayload {
  publicUpdateId: string;
  incidentId: string;
  incidentName: string;
  status: PublicStatus;
  body: string;
  components: { key: string; status: string }[];
}

/** What a person asked the public to be told, before it is checked. */
export interface PublicUpdateInput {
  kind: PublicUpdateKind;
  status: PublicStatus | null;
  title: string;
  body: string;
  /** "api: major_outage, web: degraded_performance"; blank for a closing update means "back to operational". */
  components: string;
}

export type Prepared = { ok: true; update: Omit<PublicUpdateInput, "components"> & { components: ComponentChange[] } } | { ok: false; field: "public_components" | "public_text" | "public_title"; reason: string };

/**
 * Checks a public update without asking anyone: the status page is on, the words are there,
 * every component exists. A closing update with no components puts those the incident's earlier
 * updates named back to operational.
 */
export async function preparePublicUpdate(deps: Pick<IncidentDeps, "statusPage" | "store">, incident: Incident, input: PublicUpdateInput): Promise<Prepared> {
  if (!deps.statusPage) return { ok: false, field: "public_text", reason: "The status page is off: add `status_page` to firebreak.yaml to post publicly." };
  // A private incident (security, HR) never reaches anything public, so it never gets a public update.
  if (!publiclyVisible(incident)) return { ok: false, field: "public_text", reason: `${humanId(incident)} is private: nothing about it goes on the status page.` };
  if (!input.body.trim()) return { ok: false, field: "public_text", reason: "Write the words the status page will show." };
  const parsed = parseComponentChanges(input.components, deps.statusPage.components.map((c) => c.id));
  if (!parsed.ok) return { ok: false, field: "public_components", reason: parsed.reason };
  let components = parsed.changes;
  if (components.length === 0 && input.status === "resolved") {
    const named = new Set((await deps.store.publicUpdates.forIncident(incident.id)).filter((u) => u.state === "published").flatMap((u) => u.components.map((c) => c.key)));
    components = [...named].map((key) => ({ key, status: "operational" as const }));
  }
  const title = input.title.trim() || (await lastPublicTitle(deps, incident));
  return { ok: true, update: { kind: input.kind, status: input.status, title, body: input.body.trim(), components } };
}

/** Who may approve: the `comms` group when firebreak.yaml defines one, else the commander now (or, with none, whoever asks). */
async function approversNow(deps: IncidentDeps, incident: Incident, requestedBy: string): Promise<EligibleSet> {
  if (deps.approverGroups && Object.hasOwn(deps.approverGroups, COMMS_GROUP)) {
    const members = await groupMembers(groupDeps(deps), COMMS_GROUP, incident.id);
    return { commander: null, users: [], groups: [{ name: COMMS_GROUP, members }] };
  }
  return incident.commander ? { commander: incident.commander, users: [], groups: [] } : { commander: null, users: [requestedBy], groups: [] };
}

const groupDeps = (deps: IncidentDeps) => ({ chat: deps.chat, file: { approver_groups: deps.approverGroups ?? {} }, store: deps.store });

/** Asks for approval: stores the request with its approvers, and queues its plan message and its expiry. */
export async function requestPublicUpdate(deps: IncidentDeps, incident: Incident, prepared: Extract<Prepared, { ok: true }>["update"], requestedBy: string): Promise<Outcome> {
  let eligible: EligibleSet;
  try {
    eligible = await approversNow(deps, incident, requestedBy);
  } catch {
    return { ok: false, reason: "Firebreak could not look up the comms approver group with Slack just now, so nothing was asked. Try again in a minute." };
  }
  if (eligiblePeople(eligible).length === 0) {
    return { ok: false, reason: `Nobody is in the \`${COMMS_GROUP}\` approver group, so nobody could approve this; add someone to it in firebreak.yaml (or its Slack user group) and ask again.` };
  }
  const now = deps.now();
  const update = await deps.store.transaction(async (tx) => {
    const created = await tx.publicUpdates.request({ incidentId: incident.id, ...prepared, requestedBy, requestedAt: now, eligible, expiresAt: new Date(now.getTime() + PUBLIC_UPDATE_EXPIRY_MS) });
    await tx.timeline.append({
      incidentId: incident.id,
      eventAt: now,
      kind: "public_update_requested",
      actor: requestedBy,
      text: `<@${requestedBy}> asked to post publicly${describe(created)}: “${created.body}”`,
      data: { publicUpdateId: created.id },
    });
    await tx.jobs.enqueue({ kind: RENDER_PUBLIC_UPDATE_JOB, payload: { id: created.id, post: true }, dedupeKey: `public-update-post:${created.id}` }, now);
    await tx.jobs.enqueue({ kind: EXPIRE_PUBLIC_UPDATE_JOB, payload: { id: created.id }, runAt: created.expiresAt, dedupeKey: `public-update-expire:${created.id}` }, now);
    return created;
  });
  deps.nudge();
  return { ok: true, reply: `Asked ${describeEligible(update.eligible, incident.commander)} to approve the public update; it is shown in the channel and goes on the status page once approved.` };
}

const describe = (u: Pick<PublicUpdate, "status" | "components" | "kind">) =>
  `${u.kind === "postmortem_summary" ? " (post-mortem summary)" : ` (${statusLabel(u.status!)})`}${u.components.length > 0 ? ` with ${u.components.map((c) => `${c.key} → ${componentStatusLabel[c.status]}`).join(", ")}` : ""}`;

/** Approve (publish) or deny a waiting public update. */
export async function decidePublicUpdate(deps: IncidentDeps, input: { id: number; decision: "approve" | "deny"; userId: string; reason?: string }): Promise<Outcome> {
  const { id, decision, userId } = input;
  const update = await deps.store.publicUpdates.get(id);
  if (!update) return { ok: false, reason: "That public update no longer exists." };
  const incident = (await deps.store.incidents.get(update.incidentId))!;
  const now = deps.now();
  if (update.state !== "pending") return { ok: false, reason: alreadyDecided(update) };
  if (now >= update.expiresAt) return { ok: false, reason: "This approval request has expired, so nothing was published; ask again with `/incident update`." };
  let groups: string[];
  try {
    groups = await groupsNow(groupDeps(deps), userId, groupsToRecheck(update.eligible, userId), incident.id);
  } catch {
    return { ok: false, reason: "Firebreak could not check your approver group membership with Slack just now, so nothing was recorded. Try again in a minute." };
  }
  if (!isEligible(update.eligible, userId, groups)) {
    return { ok: false, reason: `Only ${describeEligible(update.eligible, incident.commander)} can ${decision} this public update; approvers were fixed when it was asked.` };
  }
  const decided = await deps.store.transaction(async (tx) => {
    const after = await tx.publicUpdates.decide(id, { state: decision === "approve" ? "published" : "denied", by: userId, at: now, ...(input.reason && { reason: input.reason }) });
    if (!after) return undefined; // someone else's click, or another replica, decided it first
    if (after.state === "published") await publish(tx, deps, incident, after, now);
    else await tx.timeline.append({ incidentId: incident.id, eventAt: now, kind: "public_update_denied", actor: userId, text: `<@${userId}> denied the public update${describe(after)}${after.denyReason ? `: ${after.denyReason}` : ""}; it was not published.`, data: { publicUpdateId: id } });
    await tx.jobs.enqueue({ kind: RENDER_PUBLIC_UPDATE_JOB, payload: { id, post: false } }, now);
    return after;
  });
  if (!decided) {
    const latest = (await deps.store.publicUpdates.get(id))!;
    return { ok: false, reason: alreadyDecided(latest) };
  }
  deps.nudge();
  return { ok: true, reply: decided.state === "published" ? `Published on the status page.` : "Denied; nothing was published." };
}

async function publish(tx: Repositories, deps: IncidentDeps, incident: Incident, update: PublicUpdate, now: Date): Promise<void> {
  await tx.timeline.append({ incidentId: incident.id, eventAt: now, kind: "public_update_approved", actor: update.decidedBy, text: `<@${update.decidedBy}> approved the public update${describe(update)}.`, data: { publicUpdateId: update.id } });
  await tx.timeline.append({ incidentId: incident.id, eventAt: now, kind: "public_update_published", actor: null, text: `Published on the status page: “${update.body}”${update.components.length > 0 ? ` (${formatComponentChanges(update.components)})` : ""}`, data: { publicUpdateId: update.id } });
  // Every replica's rendered page is checked against this within 5 s.
  await tx.publicUpdates.bumpGeneration();
  if (update.kind === "update" && deps.statuspageEnabled?.()) {
    const payload: StatuspageSyncPayload = {
      publicUpdateId: update.publicId,
      incidentId: String(incident.id),
      incidentName: update.title,
      status: update.status!,
      body: update.body,
      components: update.components.map((c) => ({ key: c.key, status: c.status })),
    };
    await tx.jobs.enqueue({ kind: STATUSPAGE_SYNC_JOB, payload, dedupeKey: `statuspage.sync:${update.publicId}` }, now);
  }
}

function alreadyDecided(update: PublicUpdate): string {
  if (update.state === "published") return `This public update was already approved and published by <@${update.decidedBy}>.`;
  if (update.state === "denied") return `This public update was already denied by <@${update.decidedBy}>; nothing was published.`;
  if (update.state === "expired") return "This approval request has expired, so nothing was published; ask again with `/incident update`.";
  return "This public update is still waiting; try again.";
}

/** The expiry job: a request nobody answered in time is closed unpublished (asking again is a person's call). */
export async function expirePublicUpdate(deps: IncidentDeps, id: number): Promise<void> {
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    const expired = await tx.publicUpdates.decide(id, { state: "expired", by: null, at: now });
    if (!expired) return;
    await tx.timeline.append({ incidentId: expired.incidentId, eventAt: now, kind: "public_update_expired", actor: null, text: `The public update${describe(expired)} asked by <@${expired.requestedBy}> expired unapproved; it was not published.`, data: { publicUpdateId: id } });
    await tx.jobs.enqueue({ kind: RENDER_PUBLIC_UPDATE_JOB, payload: { id, post: false } }, now);
  });
  deps.nudge();
}

/** The status page part of an update or resolve form, when the status page is on. */
export async function publicFormFor(deps: Pick<IncidentDeps, "statusPage" | "store">, incident: Incident): Promise<PublicForm | undefined> {
  if (!deps.statusPage) return undefined;
  const components = deps.statusPage.components;
  const suggested = components.filter((c) => c.services.some((s) => incident.services.includes(s))).map((c) => `${c.id}: partial_outage`).join("\n");
  return { title: await lastPublicTitle(deps, incident), components, suggested };
}

/** The public title an incident had last, for the next update's form. */
export async function lastPublicTitle(deps: Pick<IncidentDeps, "store">, incident: Incident): Promise<string> {
  const published = (await deps.store.publicUpdates.forIncident(incident.id)).filter((u) => u.state === "published");
  return published.at(-1)?.title ?? incident.title;
}

