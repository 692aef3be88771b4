// `/incident followups`: the incident's follow-ups, each done (☑) or open (☐), with its owner's
// name, due day (overdue ones say so) and GitHub issue. Pure.
import type { KnownBlock } from "@slack/types";
import { humanId, type Incident } from "../../domain/incident.js";
import { followupState, isOverdue } from "../../domain/followup.js";
import type { Followup } from "../../domain/lifecycle.js";
import type { Rendered } from "./incident-header.js";
import { link, userMention } from "./mrkdwn.js";
import { escapeAndClip, SECTION_TEXT } from "./text-limits.js";

/** At most this many follow-ups listed; a section holds 3,000 characters and a message 50 blocks. */
const MAX_LISTED = 40;

export function followupsMessage(incident: Incident, followups: readonly Followup[], names: Readonly<Record<string, string>>, today: string): Rendered {
  if (followups.length === 0) {
    return { text: `${humanId(incident)} has no follow-ups yet. Add one: \`/incident followup @owner due friday Alert on invalid indexes\`.`, blocks: [] };
  }
  const lines = followups.slice(0, MAX_LISTED).map((f) => followupLine(f, names, today));
  const open = followups.filter((f) => followupState(f) === "open").length;
  const summary = `${humanId(incident)} follow-ups: ${open} open, ${followups.length - open} done`;
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: `*${summary}*` } },
    ...lines.map((line): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text: line } })),
    ...(followups.length > MAX_LISTED ? [{ type: "context" as const, elements: [{ type: "mrkdwn" as const, text: `…and ${followups.length - MAX_LISTED} more.` }] }] : []),
    { type: "context", elements: [{ type: "mrkdwn", text: "Mark one done with `/incident followup done` and its number (`/incident followup done 3`); closing its GitHub issue does the same." }] },
  ];
  return { text: [summary, ...lines].join("\n"), blocks };
}

export function followupLine(f: Followup, names: Readonly<Record<string, string>>, today: string): string {
  const done = followupState(f) === "done";
  // Slack shows a mention as the person's name: their id is never what anyone reads.
  const owner = f.ownerId ? (names[f.ownerId] ? escapeAndClip(names[f.ownerId]!, 100) : userMention(f.ownerId)) : "no owner";
  const due = f.dueOn ? ` · due ${f.dueOn}${isOverdue(f, today) ? " *(overdue)*" : ""}` : "";
  const issue = f.issueUrl ? ` · ${link(f.issueUrl, f.issueNumber ? `#${f.issueNumber}` : "issue")}` : "";
  return `${done ? "☑" : "☐"} *${f.id}.* ${escapeAndClip(f.text, SECTION_TEXT - 400)} — ${owner}${due}${issue}`;
}
