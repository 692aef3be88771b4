// The timeline as a post-mortem tells it: what happened and what people did, without Firebreak's
// own plumbing (channel created, header pinned, update posted) or bookkeeping (follow-ups, roles,
// the declaration beside its page), without the admin after resolution, and with the chatter
// folded: a page PagerDuty re-sent for the same incident is one line with a count, an approval
// request with its approvals is one line, and a step that failed and was then run again (in the
// same run or a new one) is one line on the attempt that worked ("first attempt failed: wrong
// target"). The key moments (detected, acknowledged, identified, mitigated, resolved) and each
// step's outcome are marked, and what came before the trouble started is Background.
import type { Incident } from "../../domain/incident.js";
import type { IncidentDurations, KeyMoment } from "../../domain/durations.js";
import { formatClock } from "../../domain/time-format.js";
import type { TimelineEntry } from "../../domain/timeline.js";
import type { PostmortemRecord } from "../../domain/postmortem.js";
import { readableFailure, stepOutcome } from "./step-outcomes.js";

export interface TimelineLine {
  at: Date;
  text: string;
}

export interface CuratedTimeline {
  /** Context before the trouble started (the deploy that later caused it), told apart from the response. */
  background: TimelineLine[];
  lines: TimelineLine[];
}

/** Records of how Firebreak did its job rather than of the incident. */
// The post-mortem's own history (published, root cause recorded) is about the document, not the incident.
const plumbingKinds = new Set(["channel", "responders", "header", "announcement", "posted", "pagerduty-note", "pagerduty", "archived", "slack-delayed", "edit", "postmortem", "rootcause", "bookmark", "bookmark-refused", "statuspage"]);
/** Bookkeeping: the follow-ups are in Remediations, the declaration is its page, the roles are in the header. */
const bookkeepingKinds = new Set(["followup", "declared", "rename"]);
/** After resolution, only what someone observed still belongs to the incident's story. */
const afterResolveKinds = new Set(["note", "custom", "pin", "page", "recovered"]);
const approvalKinds = new Set(["approval-request", "approval", "denial", "approval-expired"]);
/** Re-triggers closer together than this are one alarm still ringing, not a new one. */
const PAGE_FOLD_MS = 5 * 60_000;
const slackUserId = /^[UW][A-Z0-9]+$/;
const stepFailed = /^Step “.*” failed: ([\s\S]*)$/;
const stepSucceeded = /^Step “.*” succeeded/;

const momentLabels: Record<KeyMoment, string> = { trigger: "Trouble started", detected: "Detected", acknowledged: "Acknowledged", identified: "Identified", mitigated: "Mitigated", resolved: "Resolved" };
/** Later stages win when one entry is several moments (a resolve that also mitigated). */
const momentOrder: KeyMoment[] = ["resolved", "mitigated", "identified", "acknowledged", "detected", "trigger"];

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
 * markup into markdown; `durations` says which entries are the key moments.
 */
export function postmortemTimeline(record: PostmortemRecord, live: TimelineEntry[], text: (raw: string) => string, durations: IncidentDurations): CuratedTimeline {
  const lines: TimelineLine[] = [];
  const background: TimelineLine[] = [];
  const answered = answeredRequests(live);
  const retried = retriedFailures(record, live);
  const pages = new Map<string, PageFold>();
  const approvals = new Map<string, ApprovalFold>();
  const name = (userId: string) => record.names[userId] ?? userId;
  const momentsOf = new Map<number, KeyMoment[]>();
  for (const [moment, id] of Object.entries(durations.moments) as [KeyMoment, number][]) momentsOf.set(id, [...(momentsOf.get(id) ?? []), moment]);
  const startOfTrouble = durations.troubleStartedAt ?? durations.detectedAt;
  let lastUpdate: { entry: TimelineEntry; line: TimelineLine } | undefined;

  for (const entry of live) {
    if (plumbingKinds.has(entry.kind) || bookkeepingKinds.has(entry.kind)) continue;
    if (entry.kind === "role" && entry.data.role !== "commander") continue;
    if (durations.resolvedAt && entry.eventAt > durations.resolvedAt && !afterResolveKinds.has(entry.kind)) continue;
    if (retried.dropped.has(entry.id)) continue;
    const moments = momentsOf.get(entry.id) ?? [];
    if (entry.eventAt < startOfTrouble && moments.length === 0) {
      background.push({ at: entry.eventAt, text: plainLine(entry, text, name) });
      continue;
    }
    const step = stepKey(entry);
    if (entry.kind === "page") {
      const source = pageSource(entry, record.incident);
      const fold = pages.get(source);
      if (fold && entry.eventAt.getTime() - fold.first <= PAGE_FOLD_MS) {
        fold.count += 1;
        fold.line.text = `${fold.text} (paged ${fold.count} times by ${formatClock(entry.eventAt, record.timeZone)})`;
        continue;
      }
      const line = { at: entry.eventAt, text: mark(text(entry.text), moments, entry) };
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
    // A status update that changes the status also records the change on its own; the update's
    // line carries the change, and its mark when the change is a key moment.
    if (entry.kind === "status" && lastUpdate?.entry.eventAt.getTime() === entry.eventAt.getTime() && lastUpdate.entry.data.status === entry.data.status) {
      lastUpdate.line.text = mark(lastUpdate.line.text, moments, lastUpdate.entry);
      continue;
    }

    let line: string;
    if (entry.kind === "step" && step && (stepFailed.test(entry.text) || stepSucceeded.test(entry.text))) {
      approvals.delete(step);
      line = stepOutcome(record, entry, retried.earlier.get(entry.id) ?? []);
    } else line = plainLine(entry, text, name);
    const added = { at: entry.eventAt, text: mark(line, moments, entry) };
    if (entry.kind === "update") lastUpdate = { entry, line: added };
    lines.push(added);
  }
  return { background, lines };
}

function plainLine(entry: TimelineEntry, text: (raw: string) => string, name: (userId: string) => string): string {
  const line = text(entry.text);
  // Notes and pins carry the words alone; who wrote them is the actor.
  const author = entry.actor && slackUserId.test(entry.actor) && !entry.text.includes(`<@${entry.actor}`) ? `${name(entry.actor)}: ` : "";
  if (entry.kind === "note" || entry.kind === "custom") return `${author}${line}`;
  if (entry.kind === "pin") return `📌 ${author}${line}`;
  return line;
}

/** "**Resolved** by Ada: …" when the text already says it; "**Detected:** Paged by …" otherwise. */
function mark(line: string, moments: KeyMoment[], entry: TimelineEntry): string {
  const moment = momentOrder.find((m) => moments.includes(m));
  if (!moment || line.startsWith("**")) return line;
  const label = momentLabels[moment];
  if (line.toLowerCase().startsWith(label.toLowerCase())) return `**${line.slice(0, label.length)}**${line.slice(label.length)}`;
  // "Status set to identified by Ada" says the moment twice once it is marked.
  const status = /^Status set to \w+ by (.*)$/.exec(line);
  if (entry.kind === "status" && status) return `**${label}** (status set${entry.data.status === label.toLowerCase() ? "" : ` to ${String(entry.data.status)}`} by ${status[1]})`;
  return `**${label}:** ${line}`;
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

/**
 * Failures of a step that later succeeded — retried in the same run, or in a new run of the same
 * playbook — with the entries that only existed for those attempts (the retry request, the run
 * started and then abandoned). The reasons go on the success's line.
 */
function retriedFailures(record: PostmortemRecord, live: TimelineEntry[]): { dropped: Set<number>; earlier: Map<number, string[]> } {
  const dropped = new Set<number>();
  const earlier = new Map<number, string[]>();
  const pending = new Map<string, TimelineEntry[]>();
  const playbookStep = (e: TimelineEntry) => (typeof e.data.stepId === "string" ? `${playbookOf(record, e)}:${e.data.stepId}` : undefined);
  for (const entry of live) {
    const key = entry.kind === "step" ? playbookStep(entry) : undefined;
    if (!key) continue;
    const failure = stepFailed.exec(entry.text);
    if (failure) pending.set(key, [...(pending.get(key) ?? []), entry]);
    else if (stepSucceeded.test(entry.text) && pending.has(key)) {
      const failures = pending.get(key)!;
      pending.delete(key);
      earlier.set(entry.id, failures.map((f) => readableFailure(stepFailed.exec(f.text)![1]!)));
      for (const f of failures) dropped.add(f.id);
    }
  }
  // The retry request is what the success's line already tells. A run abandoned for a new one
  // (its plan failed: wrong target) leaves only what it changed; its checks were run again.
  const foldedInto = new Map<unknown, unknown>();
  for (const [successId] of earlier) {
    const success = live.find((e) => e.id === successId)!;
    for (const failure of live.filter((e) => dropped.has(e.id) && playbookStep(e) === playbookStep(success))) foldedInto.set(failure.data.runId, success.data.runId);
  }
  for (const e of live) {
    if (e.kind === "step" && / chose to run “.*” again$/.test(e.text) && foldedInto.has(e.data.runId)) dropped.add(e.id);
  }
  for (const [runId, laterRunId] of foldedInto) {
    if (runId === laterRunId) continue;
    const run = record.runs.find((r) => r.id === runId);
    const changed = (e: TimelineEntry) => (run?.steps.find((s) => s.stepId === e.data.stepId)?.approvals.length ?? 0) > 0 && (approvalKinds.has(e.kind) || stepSucceeded.test(e.text));
    for (const e of live) if (e.data.runId === runId && !changed(e)) dropped.add(e.id);
  }
  return { dropped, earlier };
}

function playbookOf(record: PostmortemRecord, entry: TimelineEntry): string {
  if (typeof entry.data.playbookId === "string") return entry.data.playbookId;
  return record.runs.find((r) => r.id === entry.data.runId)?.playbook.id ?? String(entry.data.runId);
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
