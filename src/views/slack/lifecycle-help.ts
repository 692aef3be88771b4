// The full `/incident` help, and the small parsers for what people type after a subcommand.
import { severities, statuses, type Severity, type Status } from "../../domain/incident.js";
import { INCIDENT_COMMAND } from "./slack-surface.js";
import { escapeMrkdwn } from "./mrkdwn.js";

const COMMAND = INCIDENT_COMMAND.command;

export const lifecycleSubcommands: readonly { usage: string; what: string }[] = [
  { usage: "declare [title]", what: "declare an incident: opens a form for title, severity, services, description and *Private* (a private channel, never announced); `declare --private [title]` ticks it for you" },
  { usage: `status ${statuses.join("|")}`, what: "set the incident's status (`resolved` opens the resolve form)" },
  { usage: `severity ${severities[0]}..${severities[severities.length - 1]}`, what: "change the severity (SEV1 is the most severe)" },
  { usage: "commander @user", what: "hand the incident commander role to someone" },
  { usage: "role <name> @user", what: "give someone a role, e.g. `role comms @dana` or `role scribe @lee`" },
  { usage: "note <text>", what: "add a note to the timeline" },
  { usage: "impact <text>", what: "record what users saw, with a figure (“about 2,670 API requests failed”); the post-mortem leads with the latest" },
  { usage: "update", what: "post a status update: status, severity and what is happening, here and in the incidents channel (and, with a status page, a public update once approved)" },
  { usage: "timeline", what: "show the timeline so far, with time to acknowledge, mitigate and resolve" },
  { usage: "catchup [INC-id]", what: "a summary only you see: where the incident stands, who holds which role, what changed since your last catch-up, actions and follow-ups; give an id to catch up from anywhere (a private incident only for its channel's members)" },
  { usage: "followup [@owner] [due 2026-12-20] <text>", what: "record a follow-up action, with its owner and due day (also `due tomorrow`, `due friday`); it becomes an issue when the post-mortem is published. `followup done 3` marks follow-up 3 done (its GitHub issue is closed too)" },
  { usage: "followups", what: "list the follow-ups: done or open, owner, due day and GitHub issue" },
  { usage: "rename <new title>", what: "retitle the incident (the channel follows)" },
  { usage: "resolve", what: "resolve the incident: asks for a resolution summary and the root cause if known" },
  { usage: "playbook [all]", what: "list the playbooks for this incident (or all of them) and run one" },
  { usage: "escalate", what: "page another PagerDuty escalation policy, service or person with a message; whoever accepts is invited here" },
  { usage: "rootcause <text>", what: "record the root cause; the post-mortem draft uses it" },
  { usage: "postmortem", what: "draft the post-mortem from the timeline" },
  { usage: "help", what: "show this help" },
];

export function lifecycleHelp(problem?: string): string {
  // Usages contain <name> and <text>, which Slack would otherwise read as links, even in code.
  const lines = lifecycleSubcommands.map((s) => `• \`${COMMAND} ${escapeMrkdwn(s.usage)}\` — ${s.what}`);
  const intro = problem ? `${problem}\n\n` : "";
  return [
    `${intro}*Firebreak commands*`,
    ...lines,
    "",
    `\`note\`, \`impact\`, \`status\`, \`severity\` and \`followup\` take the time it happened first: \`${COMMAND} note at 9:45am Failover did not help\`; also \`at 09:45\`, \`at yesterday 13:57\`, \`at 2025-03-13 13:57\`. A time alone is its latest past occurrence. \`${COMMAND} note trigger at 3:55pm <text>\` marks when the trouble started (time to detect is measured from it; earlier entries are the post-mortem's Background).`,
    "React with :pushpin: to a message in the incident channel to add it to the timeline; use the *Add to timeline* message shortcut to add one with an edited time.",
    "You can also use the *Declare incident* shortcut on any message.",
    "Firebreak's *Home* tab lists open incidents, the ones you hold a role in, approvals waiting on you and post-mortems awaiting review.",
  ].join("\n");
}

/** "<@U123>" or "<@U123|dana>" → "U123"; anything else (a bare "@dana" included) → undefined. */
export function parseUserMention(text: string): string | undefined {
  return /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text.trim())?.[1];
}

/** "sev1", "SEV1", "Sev 1" or "1" → "SEV1". */
export function parseSeverity(text: string): Severity | undefined {
  const match = /^(?:sev\s*)?([1-9])$/i.exec(text.trim());
  const severity = match && `SEV${match[1]}`;
  return severities.find((s) => s === severity);
}

/** One of the four statuses, in any case. */
export function parseStatus(text: string): Status | undefined {
  const wanted = text.trim().toLowerCase();
  return statuses.find((s) => s === wanted);
}
