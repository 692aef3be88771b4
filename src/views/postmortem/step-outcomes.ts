// What each playbook step came to, read from the timeline the engine wrote: which steps changed
// something on whose approval, which metric gates showed the change helped, and why a step failed
// in words a post-mortem reader follows ("wrong target", not the validator's message).
import type { PostmortemRecord } from "../../domain/postmortem.js";
import type { TimelineEntry } from "../../domain/timeline.js";

export const METRIC_GATE_ACTION = "datadog.metric_gate";

export interface StepResult {
  entryId: number;
  at: Date;
  runId: number;
  stepId: string;
  position: number;
  title: string;
  action: string;
  succeeded: boolean;
  /** Why it failed, readable; empty when it succeeded. */
  reason: string;
  /** The people who approved it (names), empty for a step that needs no approval. */
  approvers: string[];
  /** When approval was first asked for and when the last approval came, for steps that needed it. */
  requestedAt?: Date;
  approvedAt?: Date;
}

const failed = /^Step “.*” failed: ([\s\S]*)$/;
const succeeded = /^Step “.*” succeeded/;

/** Every step that finished, in timeline order, with its run's definition and approvals. */
export function stepResults(record: PostmortemRecord, live: TimelineEntry[]): StepResult[] {
  const results: StepResult[] = [];
  for (const entry of live) {
    if (entry.kind !== "step" || typeof entry.data.runId !== "number" || typeof entry.data.stepId !== "string") continue;
    const failure = failed.exec(entry.text);
    if (!failure && !succeeded.test(entry.text)) continue;
    const { runId, stepId } = entry.data;
    const run = record.runs.find((r) => r.id === runId);
    const position = run?.playbook.steps.findIndex((s) => s.id === stepId) ?? -1;
    const def = run?.playbook.steps[position];
    const approvals = live.filter((e) => e.data.runId === runId && e.data.stepId === stepId && e.eventAt <= entry.eventAt);
    const requestedAt = approvals.find((e) => e.kind === "approval-request")?.eventAt;
    const approvedAt = approvals.findLast((e) => e.kind === "approval")?.eventAt;
    const stepRun = run?.steps.find((s) => s.stepId === stepId);
    const approvers = (stepRun?.approvals ?? []).filter((a) => a.decision === "approve").map((a) => record.names[a.userId] ?? a.userId);
    results.push({
      entryId: entry.id,
      at: entry.eventAt,
      runId,
      stepId,
      position,
      title: def?.title ?? /“(.*?)”/.exec(entry.text)?.[1] ?? stepId,
      action: def?.action ?? "",
      succeeded: !failure,
      reason: failure ? readableFailure(failure[1]!) : "",
      approvers,
      ...(requestedAt && { requestedAt }),
      ...(approvedAt && { approvedAt }),
    });
  }
  return results;
}

/**
 * The steps whose effect a metric gate confirmed: in each run, the steps that changed something
 * (approved ones) before a gate that passed, back to the previous gate. A gate that failed says
 * the steps before it did not help.
 */
export function gateVerdicts(results: StepResult[]): { helped: StepResult[]; didNotHelp: { step: StepResult; gate: StepResult }[] } {
  const helped: StepResult[] = [];
  const didNotHelp: { step: StepResult; gate: StepResult }[] = [];
  const byRun = new Map<number, StepResult[]>();
  for (const r of results) byRun.set(r.runId, [...(byRun.get(r.runId) ?? []), r]);
  for (const steps of byRun.values()) {
    let since: StepResult[] = [];
    for (const step of steps) {
      if (step.action !== METRIC_GATE_ACTION) {
        if (step.succeeded && step.approvers.length > 0) since.push(step);
        continue;
      }
      if (step.succeeded) helped.push(...since);
      else didNotHelp.push(...since.map((s) => ({ step: s, gate: step })));
      since = [];
    }
  }
  return { helped, didNotHelp };
}

/**
 * A step's error as a reader would say it. The engine's errors are written for the person fixing
 * the step ("Could not plan it: its input is invalid: target: …"); a post-mortem says what went
 * wrong ("wrong target").
 */
export function readableFailure(error: string): string {
  const invalid = /its input is invalid: ([\w.]+):/.exec(error);
  if (invalid) return invalid[1] === "input" ? "invalid input" : `wrong ${invalid[1]!.split(".").at(-1)}`;
  if (/^metric gate failed:/.test(error)) {
    if (/no improvement/.test(error)) return "no improvement";
    if (/returned no data|could not be read|had no data/.test(error)) return "no metric data";
    return "the metric did not reach its threshold";
  }
  if (/outcome is unknown|stopped before reporting/.test(error)) return "interrupted";
  if (/timed? ?out/i.test(error)) return "timed out";
  const head = error.replace(/^Could not plan it: /, "").split(/[;:\n]/)[0]!.trim();
  return head.length > 60 ? `${head.slice(0, 59)}…` : head;
}

/** A step's line in the timeline: its outcome marked, with earlier failed attempts folded in. */
export function stepOutcome(record: PostmortemRecord, entry: TimelineEntry, earlier: string[]): string {
  const [result] = stepResults(record, [entry]);
  if (!result) return entry.text;
  const gate = result.action === METRIC_GATE_ACTION;
  const attempts = earlier.length === 0 ? "" : earlier.length === 1 ? ` (first attempt failed: ${earlier[0]})` : ` (${earlier.length} earlier attempts failed: ${[...new Set(earlier)].join("; ")})`;
  if (result.succeeded) return gate ? `**Metric improved:** ${result.title}${attempts}` : `**Succeeded:** ${result.title}${attempts}`;
  if (gate && result.reason === "no improvement") return `**No improvement:** ${result.title} (the metric gate did not pass)`;
  return `**Failed:** ${result.title} — ${result.reason}`;
}
