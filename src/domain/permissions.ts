// Who may change an incident (firebreak.yaml `permissions`), and the sentence everyone else gets.
// Pure: the caller says who the person is (their roles and approver groups in this incident).
import type { PermissionKey, Permissions, Principal } from "../kernel/config-file.js";

export interface Person {
  userId: string;
  /** The incident's commander now. */
  commander: string | null;
  /** Names of the incident roles this person holds (`/incident role`). */
  roles: readonly string[];
  /** Names of the approver groups this person belongs to. */
  groups: readonly string[];
}

const doing: Record<PermissionKey, string> = {
  commander: "hand over command of",
  severity: "change the severity of",
  status: "change the status of",
  resolve: "resolve",
  playbooks: "start playbooks for",
  timeline: "correct the timeline of",
};

export function holds(principal: Principal, person: Person): boolean {
  if (principal === "anyone") return true;
  if (principal === "commander") return person.commander !== null && person.userId === person.commander;
  return "role" in principal ? person.roles.includes(principal.role) : person.groups.includes(principal.group);
}

/** Whether `person` may do `key`; the commander may always hand command over. */
export function mayDo(permissions: Permissions, key: PermissionKey, person: Person): boolean {
  if (key === "commander" && person.commander === person.userId) return true;
  return permissions[key].some((p) => holds(p, person));
}

/** The private sentence for a refusal: what was refused, and who may. */
export function refusal(permissions: Permissions, key: PermissionKey, commander: string | null, incidentName: string): string {
  const principals = key === "commander" && !permissions.commander.includes("commander") ? ["commander" as const, ...permissions.commander] : permissions[key];
  const who = principals.map((p) =>
    p === "anyone" ? "anyone in the channel"
    : p === "commander" ? `the incident commander${commander ? ` (<@${commander}>)` : ""}`
    : "role" in p ? `the ${p.role}`
    : `members of ${p.group}`,
  );
  return `Only ${who.join(" or ")} may ${doing[key]} ${incidentName}.`;
}

/** The principals' role and group names, so a caller looks up only what can matter. */
export function namesIn(principals: readonly Principal[]): { roles: string[]; groups: string[] } {
  return {
    roles: principals.flatMap((p) => (typeof p === "object" && "role" in p ? [p.role] : [])),
    groups: principals.flatMap((p) => (typeof p === "object" && "group" in p ? [p.group] : [])),
  };
}
