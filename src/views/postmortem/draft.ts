// The post-mortem draft: a pure function of the record, rendered through the team's template.
// Whatever a person wrote (PostmortemEdits) wins over what is assembled here; everything else is
// rebuilt from the timeline each time, so a late entry or a corrected time shows up on redraft.
import { slugify } from "../../domain/channel-name.js";
import { formatDuration, incidentDurations } from "../../domain/durations.js";
import { humanId, sourceNames } from "../../domain/incident.js";
import { compareEntries, type TimelineEntry } from "../../domain/timeline.js";
import { formatClock, formatDateTimeWithYear, formatDayWithYear, formatTimeOfDay, localDate, zoneAbbreviation } from "../../domain/time-format.js";
import type { PostmortemEdits, PostmortemRecord } from "../../domain/postmortem.js";
import { approvedSteps, assembleTldr, fixSentence } from "./postmortem-summary.js";
import { draftLessons } from "./postmortem-lessons.js";
import { postmortemTimeline } from "./postmortem-timeline.js";
import { gateVerdicts, stepResults } from "./step-outcomes.js";
import { chartSvg } from "./chart-svg.js";
import type { ChartScene } from "./chart-scene.js";
import { measuredImpact, recordChart } from "./postmortem-chart.js";
import { render, type CompiledTemplate } from "./template-engine.js";

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
  impact: { statement: string; measured: string; window: string; duration: string; services: string; pages: number; severity: string };
  /** Context before the trouble started; absent when there is none. */
  background?: { entries: { time: string; text: string }[] };
  /** The chart of the key metric, committed beside the document (absent without Datadog figures). */
  chart?: { path: string; alt: string };
  timeline: { day: string; entries: { time: string; text: string }[] }[];
  rootCause: string;
  resolution: { summary: string; actions: { time: string; text: string }[] };
  remediations: Remediation[];
  wentWell: string;
  wentPoorly: string;
  durations: { detect: string; acknowledge: string; identify: string; mitigate: string; resolve: string };
}

/** A remediation line: a tracked follow-up (owner, due day, done) or a line written in the edit form. */
export interface Remediation {
  text: string;
  issue?: Link;
  done: boolean;
  /** "x" when done, " " when open: what goes between a task list item's brackets. */
  box: "x" | " ";
  /** The owner's name (never a Slack id: empty when no name is known). */
  owner: string;
  /** YYYY-MM-DD, or empty. */
  due: string;
  /** "owner Ada Oncall, due 2026-12-20", or empty. */
  details: string;
}

export interface PostmortemDraft {
  title: string;
  /** Where the document goes in the post-mortem repository. */
  filename: string;
  markdown: string;
  model: PostmortemModel;
  /** The editable sections as drafted, for an edit form to start from. */
  sections: Required<PostmortemEdits>;
  /** The chart, to commit at `filename` beside the document (which links it) and to show in Slack. */
  chart?: { filename: string; svg: string; scene: ChartScene };
}

export function draftPostmortem(record: PostmortemRecord, template: CompiledTemplate): PostmortemDraft {
  const model = postmortemModel(record);
  const { incident, edits, timeZone } = record;
  const slug = slugify(incident.title).slice(0, 60).replace(/-+$/, "") || `inc-${incident.id}`;
  const base = `${localDate(incident.detectedAt, timeZone)}-${slug}`;
  const scene = recordChart(record);
  if (scene) model.chart = { path: `./${base}.svg`, alt: scene.title };
  return {
    title: `${model.id}: ${model.title} — Post-mortem`,
    filename: `postmortems/${base}.md`,
    markdown: render(template, model),
    model,
    ...(scene && { chart: { filename: `postmortems/${base}.svg`, svg: chartSvg(scene), scene } }),
    sections: { tldr: model.tldr, impact: model.impact.statement, rootCause: model.rootCause, resolution: model.resolution.summary, remediations: edits.remediations ?? "", wentWell: model.wentWell, wentPoorly: model.wentPoorly },
  };
}

export function postmortemModel(record: PostmortemRecord): PostmortemModel {
  const { incident, edits, timeZone } = record;
  const live = record.timeline.filter((e) => e.removedAt === null).sort(compareEntries);
  const name = (userId: string | null) => (userId ? (record.names[userId] ?? userId) : "");
  const text = (raw: string) => slackToMarkdown(raw, record.names);
  // Every moment comes from the timeline, so correcting an entry moves everything measured from it.
  const durations = incidentDurations(incident, live);
  const { detectedAt, resolvedAt } = durations;
  const serviceNames = incident.services.map((s) => record.serviceNames?.[s] ?? s);
  const services = serviceNames.join(", ");
  const resolveEntry = live.findLast((e) => e.kind === "resolved");
  const recordedCause = typeof resolveEntry?.data.rootCause === "string" ? resolveEntry.data.rootCause : "";
  const rootCause = text(edits.rootCause ?? recordedCause);
  const recordedImpact = live.findLast((e) => e.kind === "impact" && typeof e.data.impact === "string")?.data.impact as string | undefined;
  const impact = text(edits.impact ?? recordedImpact ?? "");
  const recordedSummary = typeof resolveEntry?.data.summary === "string" ? resolveEntry.data.summary : "";
  const resolution = text(edits.resolution ?? recordedSummary);
  // Shown times are whole minutes, so intervals are too: a window of 9:05 – 9:15 is 10m, not 9m.
  const between = (from: Date, to: Date) => formatDuration(wholeMinute(to) - wholeMinute(from));
  const since = (at: Date | null) => (at === null ? "—" : between(detectedAt, at));
  const steps = approvedSteps(record, live, durations.mitigatedAt ?? resolvedAt);
  const { helped } = gateVerdicts(stepResults(record, live));
  const confirmed = steps.filter((s) => helped.some((h) => h.entryId === s.entryId));
  const curated = postmortemTimeline(record, live, text, durations);
  const lessons = draftLessons(record, live, durations, record.norms);
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
    detected: formatDateTimeWithYear(detectedAt, timeZone),
    resolved: resolvedAt ? formatDateTimeWithYear(resolvedAt, timeZone) : "",
    links: {
      ...(record.channelUrl && { slack: { text: incident.channelName ? `#${incident.channelName}` : "Slack channel", url: record.channelUrl } }),
      ...(incident.pagerdutyIncidentUrl && { pagerduty: { text: incident.pagerdutyIncidentId ?? "PagerDuty incident", url: incident.pagerdutyIncidentUrl } }),
      ...(incident.datadogMonitorUrl && { datadog: { text: incident.datadogMonitorId ? `monitor ${incident.datadogMonitorId}` : "Datadog monitor", url: incident.datadogMonitorUrl } }),
      ...(record.pullRequestUrl && { pullRequest: { text: numbered(record.pullRequestUrl, "pull", "pull request"), url: record.pullRequestUrl } }),
    },
    tldr:
      edits.tldr !== undefined
        ? text(edits.tldr)
        : assembleTldr({
            impact,
            ...(resolvedAt ? { lasted: `${between(detectedAt, resolvedAt)} (${span(detectedAt, resolvedAt, timeZone, " – ")})` } : { since: formatDateTimeWithYear(detectedAt, timeZone) }),
            services: serviceNames,
            title: text(incident.title),
            rootCause,
            fix: resolvedAt || durations.mitigatedAt ? fixSentence(steps, resolveEntry && resolution ? { summary: resolution, by: name(resolveEntry.actor) } : undefined, confirmed) : "",
          }),
    impact: {
      statement: impact,
      measured: measuredImpact(record.measurements, timeZone),
      window: impactWindow(detectedAt, resolvedAt, timeZone),
      duration: resolvedAt ? between(detectedAt, resolvedAt) : "ongoing",
      services,
      pages: live.filter((e) => e.kind === "page").length,
      severity: severityWithChanges(incident.severity, live, timeZone),
    },
    ...(curated.background.length > 0 && { background: { entries: curated.background.map((l) => ({ time: formatDateTimeWithYear(l.at, timeZone), text: tableCell(l.text) })) } }),
    timeline: groupByDay(curated.lines, timeZone),
    rootCause,
    resolution: { summary: resolution, actions: steps.map((s) => ({ time: formatClock(s.at, timeZone), text: `${s.title} (approved by ${s.approvers.join(", ")})` })) },
    remediations: [
      ...record.followups.map((f) => ({
        ...remediation(text(f.text), f.state === "done", f.ownerId ? (record.names[f.ownerId] ?? "") : "", f.dueOn ?? ""),
        ...(f.issueUrl && { issue: { text: numbered(f.issueUrl, "issues", "issue"), url: f.issueUrl } }),
      })),
      ...text(edits.remediations ?? "").split("\n").flatMap((line) => {
        const match = /^\s*(?:[-*+]\s+)?(?:\[([ xX])\]\s+)?(.*)$/.exec(line);
        const written = match?.[2]?.trim() ?? "";
        return written === "" ? [] : [remediation(written, /x/i.test(match?.[1] ?? ""), "", "")];
      }),
    ],
    wentWell: text(edits.wentWell ?? bullets(lessons.wentWell)),
    wentPoorly: text(edits.wentPoorly ?? bullets(lessons.wentPoorly)),
    durations: {
      // Firebreak only learns of trouble at detection; the start of trouble is what a person marked
      // as the trigger. Context before it (the deploy that caused it) is background, not trouble.
      detect: durations.troubleStartedAt ? between(durations.troubleStartedAt, detectedAt) : "—",
      acknowledge: since(durations.acknowledgedAt),
      identify: since(durations.identifiedAt),
      mitigate: since(durations.mitigatedAt),
      resolve: since(resolvedAt),
    },
  };
}

const bullets = (items: string[]) => items.map((i) => `- ${i}`).join("\n");

const wholeMinute = (at: Date) => Math.floor(at.getTime() / 60_000) * 60_000;

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
    if (day?.date !== date) days.push((day = { date, day: formatDayWithYear(line.at, timeZone), entries: [] }));
    day.entries.push({ time: formatClock(line.at, timeZone), text: tableCell(line.text) });
  }
  return days.map(({ day, entries }) => ({ day, entries }));
}

/** "9:05am to 10:10am PT" within a day; with dates when it crosses midnight. */
function span(from: Date, to: Date, timeZone: string, joiner: string): string {
  if (localDate(from, timeZone) !== localDate(to, timeZone)) return `${formatDateTimeWithYear(from, timeZone)}${joiner}${formatDateTimeWithYear(to, timeZone)}`;
  // Within one day the zone is said once, unless the clocks changed in between.
  const start = zoneAbbreviation(from, timeZone) === zoneAbbreviation(to, timeZone) ? formatTimeOfDay(from, timeZone) : formatClock(from, timeZone);
  return `${start}${joiner}${formatClock(to, timeZone)}`;
}

/** "Wednesday, January 14, 9:05am – 10:10am PT", or from one date and time to another. */
function impactWindow(from: Date, to: Date | null, timeZone: string): string {
  if (!to) return `Since ${formatDateTimeWithYear(from, timeZone)} (ongoing)`;
  const sameDay = localDate(from, timeZone) === localDate(to, timeZone);
  return `${sameDay ? `${formatDayWithYear(from, timeZone)}, ` : ""}${span(from, to, timeZone, " – ")}`;
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

function remediation(text: string, done: boolean, owner: string, due: string): Remediation {
  const details = [owner && `owner ${owner}`, due && `due ${due}`].filter(Boolean).join(", ");
  return { text, done, box: done ? "x" : " ", owner, due, details };
}

/** "#12" from …/issues/12, or `fallback` when the address has no number. */
const numbered = (url: string, kind: string, fallback: string) => {
  const match = new RegExp(`/${kind}/(\\d+)(?:[/?#]|$)`).exec(url);
  return match ? `#${match[1]}` : fallback;
};
