// The GitHub issue a follow-up becomes: its text as the title; the incident, the owner and the due
// day in the body; and, when firebreak.yaml `people` knows the owner's GitHub login, assigned to
// them. A due day is written in the body rather than as a milestone: a milestone per day would
// clutter the repository's milestones, and GitHub issues have no due date of their own.
import { humanId, type Incident } from "../domain/incident.js";
import type { Followup } from "../domain/lifecycle.js";
import type { ConfigFile } from "../kernel/config-file.js";
import type { RemediationIssue } from "./publish.js";

export interface RemediationContext {
  incident: Incident;
  /** Display names by Slack user id (the post-mortem record's). */
  names: Readonly<Record<string, string>>;
  people: ConfigFile["people"];
  issueNumber: number | undefined;
}

export function remediationIssue(followup: Followup, context: RemediationContext): RemediationIssue {
  const { incident, names, people, issueNumber } = context;
  const login = followup.ownerId ? people[followup.ownerId]?.github : undefined;
  const name = followup.ownerId ? names[followup.ownerId] : undefined;
  const owner = name && login ? `${name} (@${login})` : (name ?? (login ? `@${login}` : undefined));
  const details = [owner && `- **Owner:** ${owner}`, followup.dueOn && `- **Due:** ${followup.dueOn}`].filter(Boolean);
  return {
    followupId: followup.id,
    title: followup.text,
    body: [`A remediation from ${humanId(incident)}: ${incident.title}.`, ...(details.length > 0 ? ["", ...details] : [])].join("\n"),
    ...(issueNumber !== undefined && { issueNumber }),
    ...(login && { assignees: [login] }),
  };
}
