// The timeline as a post-mortem tells it: what happened and what people did, without Firebreak's
// own plumbing (channel created, header pinned, update posted), and with the chatter folded:
// a page PagerDuty re-sent for the same incident is one line with a count, and an approval
// request with its approvals is one line for the step ("Rebuild the index — approved by …").
import type { Incident } from "../../domain/incident.js";
import { formatClock } from "../../domain/time-format.js";
import type { TimelineEntry } from "../../domain/timeline.js";
import type { PostmortemRecord } from "../../domain/postmortem.js";

export interface TimelineLine {
  at: Date;
  text: string;
}

/** Records of how Firebreak did its job rather than of the incident. */
// The post-mortem's own history (published, root cause recorded) is about the document, not the incident.
const plumbingKinds = new Set(["channel", "responders", "header", "announcement", "posted", "pagerduty-note", "pagerduty", "archived", "slack-delayed", "edit", "postmortem", "rootcause", "bookmark", "bookmark-refused", "statuspage"]);
const approvalKinds = new Set(["approval-request", "approval", "denial", "approval-expired"]);
/** Re-triggers closer together than this are one alarm still ringing, not a new one. */
const PAGE_FOLD_MS = 5 * 60_000;
const slackUserId = /^[UW][A-Z0-9]+$/;

interface PageFold {
  line: TimelineLine;
  first: number;
  count: number;
  text: string;
}

interface ApprovalFold {
  line: TimelineLine;
  title: string;
  approvers: string[];
}

/**
 * `live` is the timeline without removed entries, in event order; `text` turns an entry's Slack
 * markup into markdown.
 */
export function postmortemTimeline(record: PostmortemRecord, live: TimelineEntry[], text: (raw: string) => string): TimelineLine[] {
  const lines: TimelineLine[] = [];
  const answered = answeredRequests(live);
  const pages = new Map<string, PageFold>();
  const approvals = new Map<string, ApprovalFold>();
  const name = (userId: string) => record.names[userId] ?? userId;
  let lastUpdate: TimelineEntry | undefined;

  for (const entry of live) {
    if (plumbingKinds.has(entry.kind)) continue;
    const step = stepKey(entry);
    if (entry.kind === "page") {
      const source = pageSource(entry, record.incident);
      const fold = pages.get(source);
      if (fold && entry.eventAt.getTime() - fold.first <= PAGE_FOLD_MS) {
        fold.count += 1;
        fold.line.text = `${fold.text} (paged ${fold.count} times by ${formatClock(entry.eventAt, record.timeZone)})`;
        continue;
      }
      const line = { at: entry.eventAt, text: text(entry.text) };
      pages.set(source, { line, first: entry.eventAt.getTime(), count: 1, text: line.text });
      lines.push(line);
      continue;
    }
    if (step && entry.kind === "approval-request" && answered.has(entry.id)) {
      approvals.delete(step);
      continue;
    }
    if (step && entry.kind === "approval") {
      const approver = entry.actor ? name(entry.actor) : "someone";
      let fold = approvals.get(step);
      if (fold) fold.approvers.push(approver);
      else {
        fold = { line: { at: entry.eventAt, text: "" }, title: stepTitle(record, entry), approvers: [approver] };
        approvals.set(step, fold);
        lines.push(fold.line);
      }
      fold.line.text = `${fold.title} — approved by ${fold.approvers.join(", ")}`;
      continue;
    }
    // A status update that changes the status also records the change on its own.
    if (entry.kind === "status" && lastUpdate?.eventAt.getTime() === entry.eventAt.getTime() && lastUpdate.data.status === entry.data.status) continue;
    if (entry.kind === "update") lastUpdate = entry;

    let line = text(entry.text);
    if (entry.kind === "step" && step && approvals.has(step)) {
      line = line.replace(/ \(approved by [^()]*\)$/, "");
      approvals.delete(step);
    }
    // Notes and pins carry the words alone; who wrote them is the actor.
    const author = entry.actor && slackUserId.test(entry.actor) && !entry.text.includes(`<@${entry.actor}`) ? `${name(entry.actor)}: ` : "";
    if (entry.kind === "note" || entry.kind === "custom") line = `${author}${line}`;
    if (entry.kind === "pin") line = `📌 ${author}${line}`;
    lines.push({ at: entry.eventAt, text: line });
  }
  return lines;
}

/** The approval requests that someone answered (approved or denied) before asking again. */
function answeredRequests(live: TimelineEntry[]): Set<number> {
  const answered = new Set<number>();
  const next = new Map<string, string>();
  for (let i = live.length - 1; i >= 0; i--) {
    const entry = live[i]!;
    const step = stepKey(entry);
    if (!step || !approvalKinds.has(entry.kind)) continue;
    const after = next.get(step);
    if (entry.kind === "approval-request" && (after === "approval" || after === "denial")) answered.add(entry.id);
    next.set(step, entry.kind);
  }
  return answered;
}

/** The engine tags each entry it writes with its run and step. */
function stepKey(entry: TimelineEntry): string | undefined {
  const { runId, stepId } = entry.data;
  return typeof runId === "number" && typeof stepId === "string" ? `${runId}:${stepId}` : undefined;
}

function stepTitle(record: PostmortemRecord, entry: TimelineEntry): string {
  const run = record.runs.find((r) => r.id === entry.data.runId);
  return run?.playbook.steps.find((s) => s.id === entry.data.stepId)?.title ?? /“(.*?)”/.exec(entry.text)?.[1] ?? String(entry.data.stepId);
}

/**
 * What paged: the PagerDuty incident or Datadog monitor. The page that declared the incident
 * names only its source, so it is matched through the incident's own ids.
 */
function pageSource(entry: TimelineEntry, incident: Incident): string {
  const { pagerdutyIncidentId, monitorId, source } = entry.data;
  if (typeof pagerdutyIncidentId === "string") return `pagerduty:${pagerdutyIncidentId}`;
  if (typeof monitorId === "string") return `datadog:${monitorId}`;
  if (source === "pagerduty" && incident.pagerdutyIncidentId) return `pagerduty:${incident.pagerdutyIncidentId}`;
  if (source === "datadog" && incident.datadogMonitorId) return `datadog:${incident.datadogMonitorId}`;
  return `entry:${entry.id}`;
}
