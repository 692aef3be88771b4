// `/incident catchup`: a private summary for someone arriving late or coming back, built only
// from the record (the incident, its roles, timeline, playbook runs and follow-ups). Nothing is
// sent anywhere to be summarised; the same record gives the same summary.
import type { KnownBlock } from "@slack/types";
import { humanId, type Incident } from "../../domain/incident.js";
import type { Followup, Role } from "../../domain/lifecycle.js";
import { describeState, type PlaybookRun, type StepState } from "../../domain/playbook-run.js";
import { formatDateTime } from "../../domain/time-format.js";
import type { TimelineEntry } from "../../domain/timeline.js";
import type { Rendered } from "./incident-header.js";
import { clipMrkdwn, escapeAndClip, SECTION_TEXT } from "./text-limits.js";
import { link, userMention } from "./mrkdwn.js";
import { timelineEntryLine } from "./timeline-view.js";

/** At most this many changes are listed, the latest; `/incident timeline` has all of them. */
export const MAX_CHANGES = 15;

export type CatchupSince =
  | { reason: "last-catchup"; at: Date }
  | { reason: "joined"; at: Date }
  | { reason: "window"; at: Date; hours: number };

export interface CatchupInput {
  incident: Incident;
  roles: Role[];
  since: CatchupSince;
  /** Entries recorded after `since.at`, in event order. */
  changes: TimelineEntry[];
  runs: PlaybookRun[];
  followups: Followup[];
  timeZone: string;
}

const WAITING: readonly StepState[] = ["preparing", "awaiting_approval", "ready", "running", "rolling_back", "interrupted"];
const DONE: readonly StepState[] = ["succeeded", "failed", "denied", "rolled_back"];

export function catchupMessage(input: CatchupInput): Rendered {
  const { incident, timeZone } = input;
  const title = `*Catch-up on ${humanId(incident)}: ${escapeAndClip(incident.title, 300)}*`;
  const state = [
    `*Status:* ${incident.status}`,
    `*Severity:* ${incident.severity}`,
    `*Commander:* ${userMention(incident.commander)}`,
    ...(input.roles.length > 0 ? [`*Roles:* ${input.roles.map((r) => `${escapeAndClip(r.name, 30)} ${userMention(r.userId)}`).join(", ")}`] : []),
  ].join("\n");

  const blocks: KnownBlock[] = [section(`${title}\n${state}`), section(changesText(input))];
  const actions = actionsText(input.runs);
  if (actions) blocks.push(section(actions));
  if (input.followups.length > 0) {
    const lines = input.followups.map((f) => `• ${escapeAndClip(f.text, 300)}${f.issueUrl ? ` (${link(f.issueUrl, "issue")})` : ""}`);
    blocks.push(section(`*Open follow-ups*\n${lines.join("\n")}`));
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: "Only you can see this. `/incident timeline` shows everything." }] });
  const text = `Catch-up on ${humanId(incident)}: ${incident.status}, ${incident.severity}, ${input.changes.length} ${input.changes.length === 1 ? "change" : "changes"} ${sinceWords(input.since, timeZone)}`;
  return { text, blocks };
}

function sinceWords(since: CatchupSince, timeZone: string): string {
  switch (since.reason) {
    case "last-catchup":
      return `since your last catch-up at ${formatDateTime(since.at, timeZone)}`;
    case "joined":
      return `since you joined at ${formatDateTime(since.at, timeZone)}`;
    case "window":
      return `in the last ${since.hours} hours`;
  }
}

function changesText({ since, changes, timeZone }: CatchupInput): string {
  const heading = `*What changed ${sinceWords(since, timeZone)}*`;
  if (changes.length === 0) return `${heading}\nNothing new.`;
  const shown = changes.slice(-MAX_CHANGES);
  const earlier = changes.length - shown.length;
  const lines = shown.map((e) => `• ${timelineEntryLine(e, timeZone)}`);
  if (earlier > 0) lines.unshift(`…and ${earlier} earlier ${earlier === 1 ? "change" : "changes"}`);
  // A section holds 3000 characters: drop the oldest lines shown until it fits.
  while (lines.length > 1 && [heading, ...lines].join("\n").length > SECTION_TEXT - 50) lines.splice(earlier > 0 ? 1 : 0, 1);
  return [heading, ...lines].join("\n");
}

function actionsText(runs: PlaybookRun[]): string | undefined {
  const waiting: string[] = [];
  const done: string[] = [];
  for (const run of runs) {
    for (const step of run.steps) {
      const name = `${escapeAndClip(run.playbook.title, 100)} › ${escapeAndClip(run.playbook.steps[step.position]?.title ?? step.stepId, 100)}`;
      const approved = step.approvals.filter((a) => a.decision === "approve").map((a) => userMention(a.userId));
      const by = approved.length > 0 ? ` (approved by ${approved.join(", ")})` : "";
      if (WAITING.includes(step.state)) waiting.push(`• ${name}: ${describeState(step.state)}${step.state === "awaiting_approval" ? ` (${step.approvals.length}/${step.requiredApprovals})` : ""}`);
      else if (DONE.includes(step.state)) done.push(`• ${name}: ${describeState(step.state)}${by}`);
    }
  }
  if (waiting.length === 0 && done.length === 0) return undefined;
  return clipMrkdwn([
    ...(waiting.length > 0 ? ["*Actions waiting*", ...waiting] : []),
    ...(done.length > 0 ? ["*Actions run*", ...done] : []),
  ].join("\n"), SECTION_TEXT);
}

const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });

/** `/incident catchup` outside an incident channel: where to run it instead. */
export function catchupElsewhere(open: Pick<Incident, "id" | "title" | "channelId">[]): string {
  const withChannel = open.filter((i) => i.channelId);
  const where = "`/incident catchup` works in an incident's channel, and catches you up on that incident.";
  if (withChannel.length === 0) return `${where} No incident is open right now; run it in a resolved incident's channel to catch up on it.`;
  const list = withChannel.map((i) => `• <#${i.channelId}> ${humanId(i)}: ${escapeAndClip(i.title, 120)}`).join("\n");
  return `${where} Run it in one of the open incidents' channels:\n${list}`;
}
