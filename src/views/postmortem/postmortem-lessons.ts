// "What went well" and "What went poorly", drafted from the record: only what the timeline shows
// (who detected it, how long identifying and mitigating took against the team's norms, gates that
// showed a step did not help, approvals that waited, steps that failed, pages that re-fired). Each
// item is a suggestion the writer keeps or deletes; judgement about people stays with people.
import type { IncidentDurations } from "../../domain/durations.js";
import type { Incident } from "../../domain/incident.js";
import { defaultPostmortemNorms, highestSeverity, type PostmortemNorms } from "../../domain/postmortem-norms.js";
import { formatDuration } from "../../domain/durations.js";
import { formatClock } from "../../domain/time-format.js";
import type { TimelineEntry } from "../../domain/timeline.js";
import type { PostmortemRecord } from "../../domain/postmortem.js";
import { listOf } from "./postmortem-summary.js";
import { gateVerdicts, stepResults } from "./step-outcomes.js";

export const SUGGESTED = "_(suggested — keep or delete)_";

export interface Lessons {
  wentWell: string[];
  wentPoorly: string[];
}

const MINUTE = 60_000;
const wholeMinutes = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

export function draftLessons(record: PostmortemRecord, live: TimelineEntry[], durations: IncidentDurations, norms: PostmortemNorms = defaultPostmortemNorms): Lessons {
  const well: string[] = [];
  const poorly: string[] = [];
  const { incident, timeZone } = record;
  const name = (userId: string | null) => (userId ? (record.names[userId] ?? userId) : "someone");
  const clock = (at: Date) => formatClock(at, timeZone);
  const severity = highestSeverity(incident.severity, live.filter((e) => e.kind === "severity").flatMap((e) => [e.data.from, e.data.severity]));

  // Who found it: a person declaring it means no alert caught it.
  const page = live.find((e) => durations.moments.detected === e.id);
  const detectedBy = detectionSource(page, incident);
  const toDetect = durations.troubleStartedAt ? wholeMinutes(durations.detectedAt.getTime()) - wholeMinutes(durations.troubleStartedAt.getTime()) : null;
  const detectNorm = norms.detectMinutes[severity] * MINUTE;
  if (detectedBy.person) {
    poorly.push(`Detected by a person (${name(detectedBy.person)} declared it in Slack), not by an alert.`);
    if (toDetect !== null) poorly.push(`Users were affected for ${formatDuration(toDetect)} before it was detected.`);
  } else if (detectedBy.alert) {
    // An alert that fired long after users were hurt is no credit to the alerting.
    if (toDetect === null) well.push(`Detected by an alert (${detectedBy.alert}).`);
    else if (toDetect <= detectNorm) well.push(`Detected by an alert (${detectedBy.alert}) ${formatDuration(toDetect)} after the trouble started, within the ${severity} norm of ${formatDuration(detectNorm)}.`);
    else poorly.push(`The alert (${detectedBy.alert}) came ${formatDuration(toDetect)} after the trouble started, above the ${severity} norm of ${formatDuration(detectNorm)}.`);
  }

  const judge = (ms: number | null, normMinutes: number, what: string) => {
    if (ms === null) return;
    const took = formatDuration(wholeMinutes(ms));
    const norm = formatDuration(normMinutes * MINUTE);
    if (ms > normMinutes * MINUTE) poorly.push(`${what} took ${took}, above the ${severity} norm of ${norm}.`);
    else well.push(`${what} took ${took}, within the ${severity} norm of ${norm}.`);
  };
  judge(durations.timeToIdentifyMs, norms.identifyMinutes[severity], "Identifying the cause");
  judge(durations.timeToMitigateMs, norms.mitigateMinutes[severity], "Mitigating it");

  const results = stepResults(record, live);
  const verdicts = gateVerdicts(results);
  const byGate = new Map<number, { gate: (typeof verdicts.didNotHelp)[number]["gate"]; steps: string[] }>();
  for (const { step, gate } of verdicts.didNotHelp) {
    const seen = byGate.get(gate.entryId) ?? { gate, steps: [] };
    seen.steps.push(`“${step.title}”`);
    byGate.set(gate.entryId, seen);
  }
  for (const { gate, steps } of byGate.values()) {
    const why = gate.reason === "no improvement" ? "showed no improvement" : `did not pass (${gate.reason})`;
    poorly.push(`${listOf(steps)} ran, but “${gate.title}” ${why}: ${steps.length === 1 ? "it" : "they"} did not help.`);
  }
  for (const step of verdicts.helped) well.push(`A metric gate confirmed that “${step.title}” worked.`);

  // Steps that failed: a retried one says so once, with the reasons.
  const gatesReported = new Set(verdicts.didNotHelp.map((v) => v.gate.entryId));
  const failures = results.filter((r) => !r.succeeded && !gatesReported.has(r.entryId));
  const byStep = new Map<string, typeof failures>();
  for (const f of failures) byStep.set(`${f.title}`, [...(byStep.get(f.title) ?? []), f]);
  for (const [title, attempts] of byStep) {
    const later = results.some((r) => r.succeeded && r.title === title && r.at > attempts.at(-1)!.at);
    const reasons = [...new Set(attempts.map((a) => a.reason))].join("; ");
    const times = attempts.length === 1 ? "failed" : `failed ${attempts.length} times`;
    poorly.push(`“${title}” ${times} (${reasons})${later ? " before a later attempt succeeded" : ""}.`);
  }

  const threshold = norms.approvalWaitMinutes * MINUTE;
  const approved = results.filter((r) => r.requestedAt && r.approvedAt);
  // Measured between the minutes shown, as every interval in the document is.
  const waitOf = (r: (typeof approved)[number]) => wholeMinutes(r.approvedAt!.getTime()) - wholeMinutes(r.requestedAt!.getTime());
  const waited = approved.filter((r) => waitOf(r) > threshold);
  for (const r of waited) {
    const wait = formatDuration(waitOf(r));
    poorly.push(`Approval of “${r.title}” waited ${wait} (asked ${clock(r.requestedAt!)}, approved ${clock(r.approvedAt!)}).`);
  }
  if (approved.length > 0 && waited.length === 0) {
    well.push(`${approved.length === 1 ? "The approval" : `All ${approved.length} approvals`} came within ${formatDuration(threshold)} of being asked.`);
  }

  const refires = pageRefires(live, page);
  if (refires.count > 0) poorly.push(`The page re-fired ${refires.count === 1 ? "once" : refires.count === 2 ? "twice" : `${refires.count} times`} after it was first received (last at ${clock(refires.last!)}).`);

  const mark = (items: string[]) => items.map((i) => `${i} ${SUGGESTED}`);
  return { wentWell: mark(well), wentPoorly: mark(poorly) };
}

function detectionSource(page: TimelineEntry | undefined, incident: Incident): { person?: string; alert?: string } {
  const source = page?.data.source ?? incident.source;
  if (source === "slack") return { person: page?.actor ?? incident.declaredBy ?? "" };
  if (source === "pagerduty") return { alert: "PagerDuty" };
  if (source === "datadog") return { alert: "Datadog" };
  return typeof source === "string" ? { alert: source } : {};
}

/** Pages after the first one: PagerDuty or a monitor telling again that the trouble is not over. */
function pageRefires(live: TimelineEntry[], first: TimelineEntry | undefined): { count: number; last?: Date } {
  const again = live.filter((e) => e.kind === "page" && e.id !== first?.id && e.data.source !== "slack");
  return { count: again.length, ...(again.length > 0 && { last: again.at(-1)!.eventAt }) };
}
