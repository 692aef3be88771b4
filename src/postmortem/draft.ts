// The post-mortem draft: a pure function of the record, rendered through the team's template.
// Whatever a person wrote (PostmortemEdits) wins over what is assembled here; everything else is
// rebuilt from the timeline each time, so a late entry or a corrected time shows up on redraft.
import { slugify } from "../domain/channel-name.js";
import { formatDuration, incidentDurations } from "../domain/durations.js";
import { humanId, sourceNames } from "../domain/incident.js";
import { compareEntries, type TimelineEntry } from "../domain/timeline.js";
import { formatClock, formatDateTime, formatDay, formatTimeOfDay, localDate, zoneAbbreviation } from "../domain/time-format.js";
import type { PostmortemEdits, PostmortemRecord } from "./postmortem-model.js";
import { postmortemTimeline } from "./postmortem-timeline.js";
import { render, type CompiledTemplate, type TemplateNames } from "./template-engine.js";

export interface Link {
  text: string;
  url: string;
}

/** What the template sees. Empty strings mean "not known yet": the template decides what to say. */
export interface PostmortemModel {
  id: string;
  title: string;
  severity: string;
  status: string;
  source: string;
  commander: string;
  declaredBy: string;
  roles: { role: string; person: string }[];
  services: string;
  detected: string;
  resolved: string;
  links: { slack?: Link; pagerduty?: Link; datadog?: Link; pullRequest?: Link };
  tldr: string;
  impact: { window: string; duration: string; services: string; pages: number; severity: string };
  timeline: { day: string; entries: { time: string; text: string }[] }[];
  rootCause: string;
  remediations: { text: string; issue?: Link }[];
  wentWell: string;
  wentPoorly: string;
  durations: { detect: string; acknowledge: string; mitigate: string; resolve: string };
}

export interface PostmortemDraft {
  title: string;
  /** Where the document goes in the post-mortem repository. */
  filename: string;
  markdown: string;
  model: PostmortemModel;
  /** The editable sections as drafted, for an edit form to start from. */
  sections: Required<PostmortemEdits>;
}

const link = { text: "the link's text", url: "its address" };

/** Every name the template may use; templates are checked against it when they are loaded. */
export const postmortemTemplateNames = {
  id: "the incident's id, INC-42",
  title: "the incident's title",
  severity: "the severity now: SEV1 to SEV4",
  status: "investigating, identified, monitoring or resolved",
  source: "where it was declared from: PagerDuty, Datadog or Slack",
  commander: "the incident commander's name (empty when nobody is)",
  declaredBy: "who declared it in Slack (empty for a page or an alert)",
  roles: { role: "a role other than commander, such as Comms", person: "who holds it" },
  services: "the affected services, comma-separated (empty when none were recorded)",
  detected: "when it was detected: Wed Jan 14, 9:05am PT",
  resolved: "when it was resolved (empty while it is ongoing)",
  links: { slack: link, pagerduty: link, datadog: link, pullRequest: link },
  tldr: "the summary: the edited one, or one assembled from the record",
  impact: {
    window: "from detection to resolution",
    duration: "how long that was, or ongoing",
    services: "the affected services, comma-separated",
    pages: "how many pages and alerts were received",
    severity: "the severity, with any changes and when they happened",
  },
  timeline: { day: "the heading of one local day: Wednesday, January 14", entries: { time: "9:05am PT", text: "what happened, ready for a table cell" } },
  rootCause: "the root cause as written in Slack (empty until someone writes it)",
  remediations: { text: "a follow-up, or a remediation line added in the edit form", issue: link },
  wentWell: "as written (empty until someone writes it)",
  wentPoorly: "as written (empty until someone writes it)",
  durations: {
    detect: "from the earliest recorded sign of trouble to detection, when someone recorded one; otherwise —",
    acknowledge: "from detection to the first acknowledgement or status change",
    mitigate: "from detection to monitoring (or resolution)",
    resolve: "from detection to resolution",
  },
} satisfies TemplateNames;

export function draftPostmortem(record: PostmortemRecord, template: CompiledTemplate): PostmortemDraft {
  const model = postmortemModel(record);
  const { incident, edits, timeZone } = record;
  const slug = slugify(incident.title).slice(0, 60).replace(/-+$/, "") || `inc-${incident.id}`;
  return {
    title: `${model.id}: ${model.title} — Post-mortem`,
    filename: `postmortems/${localDate(incident.detectedAt, timeZone)}-${slug}.md`,
    markdown: render(template, model),
    model,
    sections: { tldr: model.tldr, rootCause: model.rootCause, remediations: edits.remediations ?? "", wentWell: model.wentWell, wentPoorly: model.wentPoorly },
  };
}

export function postmortemModel(record: PostmortemRecord): PostmortemModel {
  const { incident, edits, timeZone } = record;
  const live = record.timeline.filter((e) => e.removedAt === null).sort(compareEntries);
  const name = (userId: string | null) => (userId ? (record.names[userId] ?? userId) : "");
  const text = (raw: string) => slackToMarkdown(raw, record.names);
  const durations = incidentDurations(incident, live);
  const resolvedAt = durations.resolvedAt;
  const services = incident.services.join(", ");
  const resolveEntry = live.findLast((e) => e.kind === "resolved");
  const recordedCause = typeof resolveEntry?.data.rootCause === "string" ? resolveEntry.data.rootCause : "";
  const rootCause = text(edits.rootCause ?? recordedCause);
  const earliest = live[0]?.eventAt;
  const since = (ms: number | null) => (ms === null ? "—" : formatDuration(ms));
  return {
    id: humanId(incident),
    title: text(incident.title),
    severity: incident.severity,
    status: incident.status,
    source: sourceNames[incident.source],
    commander: name(incident.commander),
    declaredBy: name(incident.declaredBy),
    roles: record.roles.filter((r) => r.name !== "commander").map((r) => ({ role: r.name.charAt(0).toUpperCase() + r.name.slice(1), person: name(r.userId) })),
    services,
    detected: formatDateTime(incident.detectedAt, timeZone),
    resolved: resolvedAt ? formatDateTime(resolvedAt, timeZone) : "",
    links: {
      ...(record.channelUrl && { slack: { text: incident.channelName ? `#${incident.channelName}` : "Slack channel", url: record.channelUrl } }),
      ...(incident.pagerdutyIncidentUrl && { pagerduty: { text: incident.pagerdutyIncidentId ?? "PagerDuty incident", url: incident.pagerdutyIncidentUrl } }),
      ...(incident.datadogMonitorUrl && { datadog: { text: incident.datadogMonitorId ? `monitor ${incident.datadogMonitorId}` : "Datadog monitor", url: incident.datadogMonitorUrl } }),
      ...(record.pullRequestUrl && { pullRequest: { text: numbered(record.pullRequestUrl, "pull", "pull request"), url: record.pullRequestUrl } }),
    },
    tldr: edits.tldr !== undefined ? text(edits.tldr) : assembleTldr(record, live, rootCause, durations.mitigatedAt),
    impact: {
      window: impactWindow(incident.detectedAt, resolvedAt, timeZone),
      duration: resolvedAt ? formatDuration(resolvedAt.getTime() - incident.detectedAt.getTime()) : "ongoing",
      services,
      pages: live.filter((e) => e.kind === "page").length,
      severity: severityWithChanges(incident.severity, live, timeZone),
    },
    timeline: groupByDay(postmortemTimeline(record, live, text), timeZone),
    rootCause,
    remediations: [
      ...record.followups.map((f) => ({ text: text(f.text), ...(f.issueUrl && { issue: { text: numbered(f.issueUrl, "issues", "issue"), url: f.issueUrl } }) })),
      ...text(edits.remediations ?? "").split("\n").map((line) => ({ text: line.replace(/^\s*(?:[-*+]\s+)?(?:\[[ xX]\]\s+)?/, "").trim() })).filter((r) => r.text !== ""),
    ],
    wentWell: text(edits.wentWell ?? ""),
    wentPoorly: text(edits.wentPoorly ?? ""),
    durations: {
      // Firebreak only learns of trouble at detection; an earlier entry is one a person added
      // with the time things started going wrong, which is what time to detect measures from.
      detect: earliest && earliest < incident.detectedAt ? formatDuration(incident.detectedAt.getTime() - earliest.getTime()) : "—",
      acknowledge: since(durations.timeToAcknowledgeMs),
      mitigate: since(durations.timeToMitigateMs),
      resolve: since(durations.timeToResolveMs),
    },
  };
}

/** Two to four sentences: what, how bad, how long; then why, and what fixed it, once known. */
function assembleTldr(record: PostmortemRecord, live: TimelineEntry[], rootCause: string, mitigatedAt: Date | null): string {
  const { incident, timeZone } = record;
  const title = slackToMarkdown(incident.title, record.names).replace(/[.!?\s]+$/, "");
  const affecting = incident.services.length > 0 ? ` affecting ${listOf(incident.services)}` : "";
  const resolvedAt = incident.status === "resolved" ? incident.resolvedAt : null;
  const sentences = resolvedAt
    ? [`A ${incident.severity} incident${affecting} lasted from ${span(incident.detectedAt, resolvedAt, timeZone, " to ")} (${formatDuration(resolvedAt.getTime() - incident.detectedAt.getTime())}): ${title}.`]
    : [`A ${incident.severity} incident${affecting} has been open since ${formatDateTime(incident.detectedAt, timeZone)}: ${title}.`, `It is ongoing; the status is ${incident.status}.`];
  if (rootCause) sentences.push(asSentence(rootCause.trim().split("\n")[0]!));
  const until = mitigatedAt ?? resolvedAt;
  const fix = until ? mitigation(record, live, until) : undefined;
  if (fix) sentences.push(fix);
  return sentences.join(" ");
}

/**
 * The step that mitigated it: the last playbook step to succeed before mitigation, preferring one
 * a person approved, since checks and waits run without approval and change nothing themselves.
 */
function mitigation(record: PostmortemRecord, live: TimelineEntry[], until: Date): string | undefined {
  const succeeded = live
    .filter((e) => e.kind === "step" && e.eventAt <= until && /^Step “.*” succeeded/.test(e.text))
    .map((e) => {
      const run = record.runs.find((r) => r.id === e.data.runId);
      const stepRun = run?.steps.find((s) => s.stepId === e.data.stepId);
      const title = run?.playbook.steps.find((s) => s.id === e.data.stepId)?.title ?? /“(.*)”/.exec(e.text)?.[1] ?? "";
      const approvers = (stepRun?.approvals ?? []).filter((a) => a.decision === "approve").map((a) => record.names[a.userId] ?? a.userId);
      return { title, approvers };
    });
  const step = succeeded.findLast((s) => s.approvers.length > 0) ?? succeeded.at(-1);
  if (step) return `The step “${step.title}”${step.approvers.length > 0 ? `, approved by ${listOf(step.approvers)},` : ""} mitigated it.`;
  const summary = live.findLast((e) => e.kind === "resolved")?.data.summary;
  return typeof summary === "string" && summary.trim() ? `Resolved: ${asSentence(slackToMarkdown(summary.trim(), record.names))}` : undefined;
}

function severityWithChanges(severity: string, live: TimelineEntry[], timeZone: string): string {
  const changes = live
    .filter((e) => e.kind === "severity" && typeof e.data.from === "string" && typeof e.data.severity === "string")
    .map((e) => `${String(e.data.from)} → ${String(e.data.severity)} at ${formatClock(e.eventAt, timeZone)}`);
  return changes.length > 0 ? `${severity} (${changes.join("; ")})` : severity;
}

function groupByDay(lines: { at: Date; text: string }[], timeZone: string): PostmortemModel["timeline"] {
  const days: (PostmortemModel["timeline"][number] & { date: string })[] = [];
  for (const line of lines) {
    const date = localDate(line.at, timeZone);
    let day = days.at(-1);
    if (day?.date !== date) days.push((day = { date, day: formatDay(line.at, timeZone), entries: [] }));
    day.entries.push({ time: formatClock(line.at, timeZone), text: tableCell(line.text) });
  }
  return days.map(({ day, entries }) => ({ day, entries }));
}

/** "9:05am to 10:10am PT" within a day; with dates when it crosses midnight. */
function span(from: Date, to: Date, timeZone: string, joiner: string): string {
  if (localDate(from, timeZone) !== localDate(to, timeZone)) return `${formatDateTime(from, timeZone)}${joiner}${formatDateTime(to, timeZone)}`;
  // Within one day the zone is said once, unless the clocks changed in between.
  const start = zoneAbbreviation(from, timeZone) === zoneAbbreviation(to, timeZone) ? formatTimeOfDay(from, timeZone) : formatClock(from, timeZone);
  return `${start}${joiner}${formatClock(to, timeZone)}`;
}

/** "Wednesday, January 14, 9:05am – 10:10am PT", or from one date and time to another. */
function impactWindow(from: Date, to: Date | null, timeZone: string): string {
  if (!to) return `Since ${formatDateTime(from, timeZone)} (ongoing)`;
  const sameDay = localDate(from, timeZone) === localDate(to, timeZone);
  return `${sameDay ? `${formatDay(from, timeZone)}, ` : ""}${span(from, to, timeZone, " – ")}`;
}

/**
 * Slack's markup as markdown: a mention becomes the person's name (their id when unknown), a
 * channel its name, a link a markdown link. Anything else in angle brackets is left as written.
 */
export function slackToMarkdown(text: string, names: Readonly<Record<string, string>>): string {
  return text.replace(/<([@#!][^<>\s|]+|https?:\/\/[^<>\s|]+)(?:\|([^<>]*))?>/g, (whole, target: string, label: string | undefined) => {
    if (target.startsWith("@")) return names[target.slice(1)] ?? label ?? target.slice(1);
    if (target.startsWith("#")) return `#${label ?? target.slice(1)}`;
    if (target.startsWith("!")) return label ?? `@${target.slice(1).split("^")[0]}`;
    return label ? `[${label}](${target})` : whole;
  });
}

/** A pipe would end the cell and a newline the row. */
const tableCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");

const asSentence = (text: string) => (/[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

const listOf = (items: string[]) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`);

/** "#12" from …/issues/12, or `fallback` when the address has no number. */
const numbered = (url: string, kind: string, fallback: string) => {
  const match = new RegExp(`/${kind}/(\\d+)(?:[/?#]|$)`).exec(url);
  return match ? `#${match[1]}` : fallback;
};
