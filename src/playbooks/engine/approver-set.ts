// The people behind a step's approvers, looked up now: approver groups are firebreak.yaml users
// plus the members of a Slack user group (usergroups.users.list,
// https://api.slack.com/methods/usergroups.users.list), plus — for a `responders: true` group —
// the incident's own responders.
import { eligibleSet, type EligibleSet } from "../../domain/approval-policy.js";
import type { ConfigFile } from "../../kernel/config-file.js";
import type { ChatPort } from "../../ports/chat.js";
import type { LifecycleRepository, TimelineRepository } from "../../ports/store.js";
import type { PlaybookStep } from "../../domain/playbook-schema.js";

type ApproverGroup = ConfigFile["approver_groups"][string];

/**
 * Groups every Firebreak has unless firebreak.yaml defines a group of the same name: `oncall` is
 * the incident's responders, so a shipped playbook can ask "someone working this incident"
 * without a Slack user group to maintain.
 */
export const BUILTIN_APPROVER_GROUPS: Readonly<Record<string, ApproverGroup>> = { oncall: { responders: true } };

export interface GroupDeps {
  chat: Pick<ChatPort, "userGroupMembers">;
  file: Pick<ConfigFile, "approver_groups">;
  /** Where an incident's responders are read from; without it a `responders` group adds nobody. */
  store?: { timeline: Pick<TimelineRepository, "findBySourceKey">; lifecycle: Pick<LifecycleRepository, "roles"> };
}

/** The source key of the timeline entry that records who was invited when the channel opened. */
export const RESPONDERS_INVITED = "slack:responders-invited";

/**
 * An incident's responders: the people invited when its channel opened (PagerDuty's on-call for
 * the service, whoever declared it and whoever the declaration named) and whoever holds a role in
 * it (`/incident role`). Not "whoever is commander now": taking command must never make someone
 * an approver of a step that was already waiting, so the commander counts through `commander`.
 */
export async function incidentResponders(store: NonNullable<GroupDeps["store"]>, incidentId: number): Promise<string[]> {
  const invited = (await store.timeline.findBySourceKey(incidentId, RESPONDERS_INVITED))?.data.invited;
  const roles = await store.lifecycle.roles(incidentId);
  return [...new Set([...(Array.isArray(invited) ? invited.filter((u): u is string => typeof u === "string") : []), ...roles.map((r) => r.userId)])];
}

const groupNamed = (deps: GroupDeps, name: string): ApproverGroup | undefined =>
  Object.hasOwn(deps.file.approver_groups, name) ? deps.file.approver_groups[name] : BUILTIN_APPROVER_GROUPS[name];

/** Everyone in approver group `name` now, for incident `incidentId`; nobody if the group is not defined. */
export async function groupMembers(deps: GroupDeps, name: string, incidentId?: number): Promise<string[]> {
  const group = groupNamed(deps, name);
  if (!group) return [];
  const slack = group.usergroup ? await deps.chat.userGroupMembers(group.usergroup) : [];
  const responders = group.responders && deps.store && incidentId !== undefined ? await incidentResponders(deps.store, incidentId) : [];
  return [...new Set([...(group.users ?? []), ...slack, ...responders])];
}

/** The eligible set for a new approval round of `def` in incident `incidentId`, with `commander` commanding now. */
export async function currentEligibleSet(deps: GroupDeps, def: PlaybookStep, commander: string | null, incidentId?: number): Promise<EligibleSet> {
  const names = (def.approval?.from ?? []).flatMap((a) => (typeof a === "object" && "group" in a ? [a.group] : []));
  const members: Record<string, string[]> = {};
  for (const name of names) members[name] = await groupMembers(deps, name, incidentId);
  return eligibleSet(def, commander, members);
}

/** Which of `names` the user is in now (in incident `incidentId`, for responder groups). */
export async function groupsNow(deps: GroupDeps, userId: string, names: readonly string[], incidentId?: number): Promise<string[]> {
  const member: string[] = [];
  for (const name of names) if ((await groupMembers(deps, name, incidentId)).includes(userId)) member.push(name);
  return member;
}
