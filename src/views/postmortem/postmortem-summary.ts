// The TL;DR and the Resolution, drafted from the record the way published post-mortems open: what
// users saw and for how long, the cause in one sentence, and what fixed it on whose approval — at
// most three sentences. The root cause's paragraph belongs in Root Cause, not here.
import type { TimelineEntry } from "../../domain/timeline.js";
import type { PostmortemRecord } from "../../domain/postmortem.js";

export interface SummaryFacts {
  /** What users saw, as recorded (`/incident impact`) or edited; empty when nobody said. */
  impact: string;
  /** How long: "1h 5m (9:05am – 10:10am PT)" when resolved. */
  lasted?: string;
  /** Since when, while it is ongoing: "Wed Jan 14, 2026, 9:05am PT". */
  since?: string;
  /** The affected services and the title, for when nobody recorded the impact. */
  services: string[];
  title: string;
  rootCause: string;
  /** What fixed it, with who approved it: a sentence, or empty when the record does not say. */
  fix: string;
}

export function assembleTldr(facts: SummaryFacts): string {
  const impact = firstSentence(facts.impact).replace(/[.!?…\s]+$/, "");
  const title = facts.title.replace(/[.!?…\s]+$/, "");
  const affected = facts.services.length > 0 ? `${title}: ${listOf(facts.services)} ${facts.services.length > 1 ? "were" : "was"} affected` : title;
  // Impact leads with a count ("2,670 requests failed"), which happens over a time; without one,
  // the services were affected for it.
  const lead = impact ? `${impact}${facts.lasted ? ` over ${facts.lasted}` : ""}` : `${affected}${facts.lasted ? ` for ${facts.lasted}` : ""}`;
  const sentences = [facts.lasted ? `${lead}.` : `${lead} since ${facts.since ?? "detection"}; it is ongoing.`];
  const cause = firstSentence(facts.rootCause);
  if (cause) sentences.push(asSentence(cause));
  if (facts.fix) sentences.push(facts.fix);
  return sentences.join(" ");
}

export interface Mitigation {
  entryId: number;
  at: Date;
  title: string;
  approvers: string[];
}

/**
 * The steps that changed something on a person's say-so, before mitigation: checks and waits run
 * without approval and change nothing themselves, so they are left to the timeline.
 */
export function approvedSteps(record: PostmortemRecord, live: TimelineEntry[], until: Date | null): Mitigation[] {
  return live
    .filter((e) => e.kind === "step" && (until === null || e.eventAt <= until) && /^Step “.*” succeeded/.test(e.text))
    .map((e) => {
      const run = record.runs.find((r) => r.id === e.data.runId);
      const stepRun = run?.steps.find((s) => s.stepId === e.data.stepId);
      const title = run?.playbook.steps.find((s) => s.id === e.data.stepId)?.title ?? /“(.*)”/.exec(e.text)?.[1] ?? "";
      const approvers = (stepRun?.approvals ?? []).filter((a) => a.decision === "approve").map((a) => record.names[a.userId] ?? a.userId);
      return { entryId: e.id, at: e.eventAt, title, approvers };
    })
    .filter((s) => s.approvers.length > 0);
}

/**
 * One sentence on what fixed it and on whose approval. The writer's resolve summary says what
 * fixed it best; without one, the step a metric gate showed helping; without that, the last
 * approved step before mitigation. The last step alone misleads: a pod restart run after the
 * index rebuild would take the rebuild's credit. With the writer's summary, a step a metric gate
 * confirmed is still named with its approvers (the summary seldom says who agreed to the
 * change), but no other: beside "Rebuilt the invalid index", the last approved step — a restart
 * — would credit the wrong change, so only who resolved it is named.
 */
export function fixSentence(steps: Mitigation[], resolve: { summary: string; by: string } | undefined, confirmed: Mitigation[] = []): string {
  const summary = firstSentence(resolve?.summary ?? "").replace(/[.!?…]+$/, "");
  if (summary) return `${summary}${credit(confirmed.at(-1), resolve?.by ?? "")}.`;
  const step = confirmed.at(-1) ?? steps.at(-1);
  if (step) return `The step “${step.title}”, approved by ${listOf(step.approvers)}, ${confirmed.includes(step) ? "fixed it, as its metric gate showed" : "mitigated it"}.`;
  return "";
}

/** " (“Rebuild the index concurrently” approved by Ben, resolved by Ada)", or the parts known. */
function credit(step: Mitigation | undefined, resolver: string): string {
  if (!step) return resolver ? ` (resolved by ${resolver})` : "";
  const approved = `“${step.title}” approved by ${listOf(step.approvers)}`;
  if (!resolver) return ` (${approved})`;
  return step.approvers.length === 1 && step.approvers[0] === resolver ? ` (${approved}, who resolved it)` : ` (${approved}, resolved by ${resolver})`;
}

/**
 * The first sentence of the first paragraph: up to a full stop followed by a space and a capital
 * or a digit, so "v2.14" and "e.g. the pool" stay whole.
 */
export function firstSentence(text: string): string {
  const paragraph = text.trim().split(/\n\s*\n|\n/)[0]?.trim() ?? "";
  const end = /[.!?…](?=\s+[A-Z0-9“"(])/.exec(paragraph);
  return end ? paragraph.slice(0, end.index + 1) : paragraph;
}

export const listOf = (items: string[]) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`);

const asSentence = (text: string) => (/[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

