// The server-side check behind every change to an incident, whichever way it arrived (slash
// command, header button, modal, shortcut): firebreak.yaml `permissions`, answered with a private
// sentence that says who may.
import { defaultPermissions, type ConfigFile, type PermissionKey, type Permissions } from "../../kernel/config-file.js";
import { humanId, type Incident } from "../../domain/incident.js";
import { mayDo, namesIn, refusal, type Person } from "../../domain/permissions.js";
import { groupsNow } from "../../playbooks/engine/approver-set.js";
import type { Repositories } from "../../ports/store.js";
import type { IncidentDeps } from "../deps.js";
import { refused, type Outcome } from "./outcome.js";

/** `store` may be a transaction's repositories: the check then reads roles inside it. */
export type PermissionDeps = Pick<IncidentDeps, "chat" | "permissions" | "approverGroups"> & { store: Pick<Repositories, "lifecycle" | "timeline"> };

export const permissionsOf = (deps: Pick<IncidentDeps, "permissions">): Permissions => deps.permissions ?? (defaultPermissions as unknown as Permissions);

/** Who `userId` is in this incident, as far as `key` can care (no lookups it cannot use). */
export async function personIn(deps: PermissionDeps, incident: Incident, userId: string, key: PermissionKey): Promise<Person> {
  const wanted = namesIn(permissionsOf(deps)[key]);
  const roles = wanted.roles.length > 0 ? (await deps.store.lifecycle.roles(incident.id)).filter((r) => r.userId === userId).map((r) => r.name) : [];
  const groups = wanted.groups.length > 0 ? await groupsNow({ chat: deps.chat, store: deps.store, file: { approver_groups: deps.approverGroups ?? ({} as ConfigFile["approver_groups"]) } }, userId, wanted.groups, incident.id) : [];
  return { userId, commander: incident.commander, roles, groups };
}

/** Undefined when `userId` may do `key` to the incident; otherwise the refusal. */
export async function checkPermission(deps: PermissionDeps, incident: Incident, userId: string, key: PermissionKey): Promise<Outcome | undefined> {
  const permissions = permissionsOf(deps);
  if (mayDo(permissions, key, await personIn(deps, incident, userId, key))) return undefined;
  return refused(refusal(permissions, key, incident.commander, humanId(incident)));
}
