// Who joins the channel: whoever declared it, anyone the declaration named, and the people
// PagerDuty has on call for the service's escalation policy.
import type { Incident } from "../domain/incident.js";
import type { IncidentDeps } from "./deps.js";
import { VendorError } from "../ports/vendor-error.js";

export interface Responders {
  userIds: string[];
  /** On-call emails with no Slack account. */
  unmatched: string[];
}

/** The emails PagerDuty has on call for the incident's escalation policy (none without one). */
export async function onCallEmails(deps: Pick<IncidentDeps, "paging" | "services">, incident: Incident): Promise<string[]> {
  const policy = incident.pagerdutyEscalationPolicyId ?? incident.services.map((s) => deps.services[s]?.escalation_policy).find(Boolean);
  return deps.paging && policy ? deps.paging.oncallEmails(policy) : [];
}

/** `emails`: the on-call list when the caller fetched it ahead (onCallEmails). */
export async function findResponders(deps: IncidentDeps, incident: Incident, extra: string[], emails = onCallEmails(deps, incident)): Promise<Responders> {
  const userIds = new Set<string>([incident.declaredBy, incident.commander, ...extra].filter((u): u is string => Boolean(u)));
  const unmatched: string[] = [];
  for (const email of await emails) {
    const userId = await deps.chat.lookupUserByEmail(email);
    if (userId) userIds.add(userId);
    else unmatched.push(email);
  }
  return { userIds: [...userIds], unmatched };
}

/** Invites everyone at once; if Slack refuses the batch (one bad id), invites one by one. */
export async function inviteAll(deps: IncidentDeps, channelId: string, userIds: string[]): Promise<string[]> {
  const bot = await deps.chat.botUserId();
  const people = userIds.filter((u) => u !== bot);
  if (people.length === 0) return [];
  try {
    await deps.chat.invite(channelId, people);
    return people;
  } catch (error) {
    if (!(error instanceof VendorError) || !isPerUserError(error.code)) throw error;
  }
  const invited: string[] = [];
  for (const user of people) {
    try {
      await deps.chat.invite(channelId, [user]);
      invited.push(user);
    } catch (error) {
      if (!(error instanceof VendorError) || !isPerUserError(error.code)) throw error;
      if (error.code === "already_in_channel") invited.push(user);
      else deps.log.warn({ user, code: error.code }, "could not invite a responder");
    }
  }
  return invited;
}

const isPerUserError = (code: string) =>
  ["already_in_channel", "user_not_found", "cant_invite_self", "user_is_restricted", "user_is_ultra_restricted", "cant_invite", "ura_max_channels"].includes(code);
