// Drafting the post-mortem is a pure function over the whole record, redone on every preview and
// edit; a long incident (a day of notes, pages and playbook steps) must not make that slow.
// Reference: JSON.stringify of the same record — one pass over the data with no rendering.
import type { Incident } from "../src/domain/incident.js";
import type { TimelineEntry } from "../src/domain/timeline.js";
import { draftPostmortem } from "../src/views/postmortem/draft.js";
import { DEFAULT_POSTMORTEM_TEMPLATE, loadPostmortemTemplate } from "../src/postmortem/load-template.js";
import type { PostmortemRecord } from "../src/domain/postmortem.js";
import { median, round, type Benchmark } from "./bench-kit.js";

const ENTRIES = 10_000;
const WARMUP_RUNS = 3;
const RUNS = 15;
const TARGET_MS = 100;

const people = ["U0ADA", "U0GRACE", "U0LINUS", "U0KEN"];
/** Entries shaped like the ones Firebreak writes, spread over two local days. */
function entry(i: number, detectedAt: Date): TimelineEntry {
  const eventAt = new Date(detectedAt.getTime() + i * 9_000);
  const actor = people[i % people.length]!;
  const kinds: [string, string, Record<string, unknown>][] = [
    ["note", `Note by <@${actor}>: p99 latency on *checkout* is ${100 + (i % 400)} ms, see <https://grafana.example.com/d/${i}|dashboard>`, {}],
    ["page", `PagerDuty re-triggered: API is degraded — DB CPU at ${90 + (i % 10)}%`, { pagerdutyIncidentId: "PTRIG01" }],
    ["acknowledged", "Acknowledged in PagerDuty by Ada Oncall", { pagerduty: true }],
    ["severity", `Severity changed from SEV2 to SEV1 by <@${actor}>`, { from: "SEV2", severity: "SEV1" }],
    ["status", `Status changed to identified by <@${actor}>`, { status: "identified" }],
    ["pin", `<@${actor}>: restarting the replica pool in us-east-1 \`kubectl rollout restart\``, { ts: `1768410300.${String(i).padStart(6, "0")}` }],
  ];
  const [kind, text, data] = kinds[i % kinds.length]!;
  return { id: i + 1, incidentId: 42, eventAt, recordedAt: eventAt, kind, actor, text, data, sourceKey: `bench:${i}`, removedAt: null, removedBy: null, editedAt: null, editedBy: null };
}

/**
 * Run `run` starts on its own day, so no draft finds the times of another's entries already
 * formatted (time-format.ts keeps the last 20,000 minutes it formatted).
 */
function record(run: number): PostmortemRecord {
  const detectedAt = new Date(Date.UTC(2026, 0, 14 + 3 * run, 17, 5));
  const timeline = Array.from({ length: ENTRIES }, (_, i) => entry(i, detectedAt));
  const resolvedAt = new Date(timeline.at(-1)!.eventAt.getTime() + 60_000);
  timeline.push({ ...entry(ENTRIES, detectedAt), id: ENTRIES + 1, eventAt: resolvedAt, recordedAt: resolvedAt, kind: "resolved", text: "Resolved by <@U0ADA>", data: { summary: "Rebuilt the invalid index concurrently", rootCause: "A migration left the orders index INVALID" } });
  const incident: Incident = {
    id: 42, title: "API is degraded — DB CPU at 100%", severity: "SEV1", status: "resolved", description: "", services: ["api-service", "checkout"],
    source: "pagerduty", declaredBy: null, commander: "U0ADA", channelId: "C0INC42", channelName: "inc-20260114-api-is-degraded",
    pagerdutyIncidentId: "PTRIG01", pagerdutyIncidentUrl: "https://acme.pagerduty.com/incidents/PTRIG01", datadogMonitorId: null, datadogMonitorUrl: null,
    pagerdutyServiceId: "PF9KMXH", pagerdutyEscalationPolicyId: "PUS0KTE", channelCreatedAt: detectedAt, headerTs: "1768410300.000100", announcementTs: "1768410300.000200",
    slackFailure: null, lastUpdateAt: resolvedAt, archivedAt: null, detectedAt, declaredAt: detectedAt, resolvedAt, version: 7,
  };
  return {
    incident,
    timeline,
    runs: [],
    followups: Array.from({ length: 5 }, (_, i) => ({ id: i + 1, incidentId: 42, text: `Check index validity before dropping (${i + 1})`, createdBy: "U0ADA", createdAt: resolvedAt, issueUrl: null })),
    roles: [{ incidentId: 42, name: "comms", userId: "U0GRACE", assignedBy: "U0ADA", assignedAt: detectedAt }],
    edits: {},
    names: { U0ADA: "Ada Oncall", U0GRACE: "Grace H", U0LINUS: "Linus T", U0KEN: "Ken T" },
    timeZone: "America/Los_Angeles",
    channelUrl: "https://acme.slack.com/archives/C0INC42",
  };
}

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export const draft: Benchmark = async (ctx) => {
  const template = loadPostmortemTemplate(DEFAULT_POSTMORTEM_TEMPLATE);
  const inputs = Array.from({ length: WARMUP_RUNS + RUNS }, (_, run) => record(run));
  let markdownLength = 0;
  const drafting = (input: PostmortemRecord) => () => (markdownLength = draftPostmortem(input, template).markdown.length);
  const stringify = (input: PostmortemRecord) => () => JSON.stringify(input);
  ctx.progress(`${WARMUP_RUNS} warm-up runs, then ${RUNS} measured, each over its own ${inputs[0]!.timeline.length} timeline entries`);
  for (const input of inputs.slice(0, WARMUP_RUNS)) {
    drafting(input)();
    stringify(input)();
  }
  const draftMs: number[] = [];
  const stringifyMs: number[] = [];
  for (const input of inputs.slice(WARMUP_RUNS)) {
    draftMs.push(time(drafting(input)));
    stringifyMs.push(time(stringify(input)));
  }
  const value = median(draftMs);
  const reference = median(stringifyMs);
  return [
    {
      name: `post-mortem draft, ${ENTRIES.toLocaleString("en-US")} entries`,
      value: round(value, 2),
      unit: "ms",
      reference: { value: round(reference, 2), what: "JSON.stringify of the record" },
      ratio: value / reference,
      target: `≤ ${TARGET_MS} ms`,
      met: value <= TARGET_MS,
      note: `median of ${RUNS} after ${WARMUP_RUNS} warm-ups (in the bench process), each record on days no other draft formatted; slowest draft ${round(Math.max(...draftMs))} ms; ${Math.round(markdownLength / 1024)} KB of markdown`,
    },
  ];
};
