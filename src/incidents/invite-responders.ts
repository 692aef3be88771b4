// Who joins the channel: whoever declared it, anyone the declaration named, and the people
// PagerDuty has on call for the service's escalation policy.
import type { Incident } from "../domain/incident.js";
import type { IncidentDeps } from "./deps.js";
import { VendorError } from "../ports/vendor-error.js";
import { onCallPeople } from "./oncall-prefetch.js";

export interface Responders {
  userIds: string[];
  /** On-call emails with no Slack account. */
  unmatched: string[];
}

/** The escalation policy whose on-call people join the incident: PagerDuty's, else its first service's in firebreak.yaml. */
export function escalationPolicy(deps: Pick<IncidentDeps, "services">, incident: Pick<Incident, "pagerdutyEscalationPolicyId" | "services">): string | undefined {
  return incident.pagerdutyEscalationPolicyId ?? incident.services.map((s) => deps.services[s]?.escalation_policy).find(Boolean);
}

export async function findResponders(deps: IncidentDeps, incident: Incident, extra: string[]): Promise<Responders> {
  const policy = escalationPolicy(deps, incident);
  const oncall = deps.paging && policy ? await onCallPeople({ paging: deps.paging, chat: deps.chat }, policy) : [];
  const userIds = new Set<string>([incident.declaredBy, incident.commander, ...extra].filter((u): u is string => Boolean(u)));
  const unmatched: string[] = [];
  for (const { email, userId } of oncall) {
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
