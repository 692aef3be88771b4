// The people behind a step's approvers, looked up now: approver groups are firebreak.yaml users
// plus the members of a Slack user group (usergroups.users.list,
// https://api.slack.com/methods/usergroups.users.list).
import { eligibleSet, type EligibleSet } from "../../domain/approval-policy.js";
import type { ConfigFile } from "../../kernel/config-file.js";
import type { ChatPort } from "../../ports/chat.js";
import type { PlaybookStep } from "../../domain/playbook-schema.js";

export interface GroupDeps {
  chat: Pick<ChatPort, "userGroupMembers">;
  file: Pick<ConfigFile, "approver_groups">;
}

/** Everyone in approver group `name` now; nobody if firebreak.yaml does not define it. */
export async function groupMembers(deps: GroupDeps, name: string): Promise<string[]> {
  const group = deps.file.approver_groups[name];
  if (!group) return [];
  const slack = group.usergroup ? await deps.chat.userGroupMembers(group.usergroup) : [];
  return [...new Set([...(group.users ?? []), ...slack])];
}

/** The eligible set for a new approval round of `def`, with `commander` commanding now. */
export async function currentEligibleSet(deps: GroupDeps, def: PlaybookStep, commander: string | null): Promise<EligibleSet> {
  const names = (def.approval?.from ?? []).flatMap((a) => (typeof a === "object" && "group" in a ? [a.group] : []));
  const members: Record<string, string[]> = {};
  for (const name of names) members[name] = await groupMembers(deps, name);
  return eligibleSet(def, commander, members);
}

/** Which of `names` the user is in now. */
export async function groupsNow(deps: GroupDeps, userId: string, names: readonly string[]): Promise<string[]> {
  const member: string[] = [];
  for (const name of names) if ((await groupMembers(deps, name)).includes(userId)) member.push(name);
  return member;
}
