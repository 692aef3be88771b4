// Post-mortem drafting, checked against golden files so a change in wording is a reviewed change.
// UPDATE_GOLDEN=1 rewrites them. Records are built the way Firebreak writes them: the same entry
// texts, and playbook entries produced by the run state machine itself.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import type { Followup } from "../../src/domain/lifecycle.js";
import { decide, type PlaybookRun, type RunEvent } from "../../src/domain/playbook-run.js";
import type { TimelineEntry } from "../../src/domain/timeline.js";
import { playbookSchema } from "../../src/domain/playbook-schema.js";
import { draftPostmortem, postmortemModel } from "../../src/views/postmortem/draft.js";
import { fixSentence } from "../../src/views/postmortem/postmortem-summary.js";
import { DEFAULT_POSTMORTEM_TEMPLATE, loadPostmortemTemplate } from "../../src/postmortem/load-template.js";
import type { PostmortemRecord } from "../../src/domain/postmortem.js";
import { plan } from "../helpers/playbook-fixtures.js";
import { goldenDir, goldenFiles } from "../helpers/golden.js";

const LA = "America/Los_Angeles";
const template = loadPostmortemTemplate(DEFAULT_POSTMORTEM_TEMPLATE);
const expectGolden = goldenFiles("postmortems");
const postmortemsDir = goldenDir("postmortems");

/** A record under construction: entries get ids in the order they are added, as the store would. */
function recorder(day: string) {
  const entries: TimelineEntry[] = [];
  const at = (clock: string) => new Date(clock.includes("T") ? clock : `${day}T${clock}-08:00`);
  const add = (clock: string, kind: string, text: string, extra: Partial<TimelineEntry> = {}) => {
    const eventAt = at(clock);
    entries.push({ id: entries.length + 1, incidentId: 42, eventAt, recordedAt: eventAt, kind, actor: null, text, data: {}, sourceKey: null, removedAt: null, removedBy: null, editedAt: null, editedBy: null, ...extra });
  };
  /** Drives a run through the state machine and records its entries as the engine does. */
  const run = (id: number, spec: Record<string, unknown>, requestedBy: string, events: [string, RunEvent][]): PlaybookRun => {
    const playbook = playbookSchema.parse({ description: "test playbook", ...spec });
    let current: PlaybookRun = {
      id, incidentId: 42, playbook, params: {}, state: "running", requestedBy, version: 1,
      steps: playbook.steps.map((s, position) => ({ id: id * 10 + position, position, stepId: s.id, state: "pending", round: 0, attempt: 0, input: null, plan: null, requiredApprovals: 0, approvals: [], approvalExpiresAt: null, output: null, error: null, version: 1 })),
    };
    for (const [clock, event] of events) {
      const decision = decide(current, event, at(clock));
      // A worker's claim (ready → running) happens in the store, outside `decide`.
      current = { ...decision.run, steps: decision.run.steps.map((s) => (s.state === "ready" ? { ...s, state: "running" as const } : s)) };
      const stepId = "position" in event ? playbook.steps[event.position]!.id : undefined;
      for (const note of decision.timeline) add(clock, note.kind, note.text, { actor: note.actor, data: { runId: id, playbookId: playbook.id, ...(stepId && { stepId }) } });
    }
    return current;
  };
  return { entries, at, add, run };
}

const prepared = (position: number, summary = "do it"): RunEvent => ({ type: "prepared", position, input: {}, plan: plan(summary), peakHours: false });
const done = (position: number): RunEvent => ({ type: "succeeded", position, output: null });
const failed = (position: number, error: string): RunEvent => ({ type: "failed", position, error });
const approve = (position: number, userId: string): RunEvent => ({ type: "approve", position, userId });
const byCommander = { from: "commander" };

function baseIncident(at: (clock: string) => Date, fields: Partial<Incident>): Incident {
  return {
    id: 42, title: "", severity: "SEV2", status: "investigating", description: "", services: [], source: "slack", declaredBy: null, commander: null,
    channelId: null, channelName: null, pagerdutyIncidentId: null, pagerdutyIncidentUrl: null, datadogMonitorId: null, datadogMonitorUrl: null,
    pagerdutyServiceId: null, pagerdutyEscalationPolicyId: null, channelCreatedAt: null, headerTs: null, announcementTs: null, slackFailure: null,
    lastUpdateAt: null, archivedAt: null, detectedAt: at("09:00"), declaredAt: at("09:00"), resolvedAt: null, version: 1, ...fields,
  };
}

const r = (clock: string) => new Date(`2026-01-14T${clock}-08:00`);
const followup = (id: number, text: string, createdAt: Date, issueUrl: string | null = null): Followup => ({ id, incidentId: 42, text, createdBy: "U0CORA", createdAt, issueUrl });

/** The orders-index outage of January 14, as Firebreak recorded it from PagerDuty and Slack. */
function outage(): PostmortemRecord {
  const r = recorder("2026-01-14");
  const title = "API is degraded — DB CPU at 100%";
  r.add("09:05:00", "page", `Paged by PagerDuty (Orders API): ${title}`, { data: { source: "pagerduty" }, sourceKey: "pagerduty:E1" });
  r.add("09:05:02", "declared", `INC-42 declared (SEV1): ${title}`, { sourceKey: "declared" });
  r.add("09:05:04", "channel", "Channel #inc-20260114-api-is-degraded-db-cpu-at-100 created", { data: { channelId: "C0INC42" } });
  r.add("09:05:06", "responders", "Responders invited: <@U0ADA>, <@U0CORA>");
  r.add("09:05:07", "header", "Header posted and pinned");
  r.add("09:05:08", "announcement", "Announced in <#C0INCIDENTS>");
  r.add("09:05:10", "pagerduty-note", "PagerDuty note added: Slack channel #inc-20260114-api-is-degraded-db-cpu-at-100");
  r.add("09:06:00", "page", `PagerDuty re-triggered: ${title}`, { data: { pagerdutyIncidentId: "Q1OUTAGE" } });
  r.add("09:07:00", "page", `PagerDuty re-triggered: ${title}`, { data: { pagerdutyIncidentId: "Q1OUTAGE" } });
  r.add("09:08:00", "acknowledged", "Acknowledged in PagerDuty by Ada Oncall", { actor: "PADA1", data: { pagerduty: true } });
  r.add("09:10:00", "role", "<@U0BEN> is now comms, set by <@U0CORA>", { actor: "U0CORA", data: { role: "comms", userId: "U0BEN" } });
  r.add("09:12:00", "status", "Status set to identified by <@U0CORA>", { actor: "U0CORA", data: { status: "identified", from: "investigating" } });
  const failover = r.run(7, {
    id: "failover-to-backup-cluster", title: "Fail over to the backup cluster",
    steps: [
      { id: "scale-up-backup", title: "Scale up the backup cluster", action: "kubernetes.scale", approval: byCommander },
      { id: "wait-backup-ready", title: "Wait until every backup pod is ready", action: "kubernetes.wait_rollout" },
      { id: "shift", title: "Shift all traffic to the backup cluster", action: "traffic.shift", approval: byCommander },
      { id: "check-errors", title: "Check the error rate recovered on the backup", action: "datadog.metric_gate" },
    ],
  }, "U0ADA", [
    ["09:13:00", { type: "start" }], ["09:13:05", prepared(0, "Scale Deployment orders-api in backup to 40 replicas")], ["09:14:00", approve(0, "U0CORA")], ["09:14:20", done(0)],
    ["09:14:25", prepared(1)], ["09:14:45", done(1)], ["09:14:50", prepared(2, "Shift api-switch: primary 0%, backup 100%")], ["09:14:58", approve(2, "U0CORA")],
    // The gate's error as the metric gate writes it: the failover changed nothing, since the database is shared.
    ["09:15:10", done(2)], ["09:15:15", prepared(3)], ["09:20:15", failed(3, "metric gate failed: avg:api.errors{env:prod} stayed at 31 (needs < 2) for 5m, no improvement since the first check (30); values seen: 30, 32, 31")],
  ]);
  r.add("09:21:00", "note", "Failover did not help; CPU still 100% — shared database", { actor: "U0ADA" });
  const impact = "About 2,670 API requests failed and 1 in 3 orders could not be placed";
  r.add("09:25:00", "impact", `Impact: ${impact}`, { actor: "U0BEN", data: { impact } });
  r.add("09:30:00", "custom", "Wrong channel, ignore", { actor: "U0BEN", removedAt: r.at("09:31:00"), removedBy: "U0CORA" });
  r.add("09:31:00", "edit", "<@U0CORA> removed the 9:30am PT entry: “Wrong channel, ignore”", { actor: "U0CORA" });
  r.add("09:45:00", "pin", "orders_pkey_new is INVALID; the old index was dropped at 9:30 by the migration", { actor: "U0BEN", data: { addedBy: "U0CORA" } });
  const rebuildPlaybook = {
    id: "rebuild-invalid-index", title: "Rebuild an invalid PostgreSQL index",
    steps: [
      { id: "find", title: "List invalid indexes", action: "postgres.find_invalid_indexes" },
      { id: "rebuild", title: "Rebuild the index concurrently", action: "postgres.rebuild_index", approval: byCommander, risky: true },
      { id: "db_cpu_gate", title: "Wait for database CPU to come back down", action: "datadog.metric_gate" },
    ],
  };
  // Started first with the wrong database target: the plan is refused, so a new run is started.
  const wrongTarget = r.run(8, rebuildPlaybook, "U0ADA", [
    ["09:45:30", { type: "start" }], ["09:45:32", prepared(0)], ["09:45:40", done(0)],
    ["09:45:41", { type: "prepare_failed", position: 1, error: "Could not plan it: its input is invalid: target: no postgres target “orders-replica”; known targets: orders" }],
  ]);
  const rebuild = r.run(9, rebuildPlaybook, "U0ADA", [
    ["09:46:00", { type: "start" }], ["09:46:05", prepared(0)], ["09:46:30", done(0)], ["09:46:35", prepared(1, "REINDEX INDEX CONCURRENTLY public.orders_pkey_new")],
    ["09:53:00", approve(1, "U0CORA")], ["09:58:00", done(1)], ["09:58:05", prepared(2)], ["09:59:30", done(2)],
  ]);
  // Restarted afterwards for good measure: the last step before mitigation, but not what fixed it.
  const restart = r.run(10, {
    id: "restart-api", title: "Restart the API pods",
    steps: [{ id: "restart", title: "Restart the orders-api pods", action: "kubernetes.rollout_restart", approval: byCommander }],
  }, "U0ADA", [["09:59:35", { type: "start" }], ["09:59:36", prepared(0, "Restart Deployment orders-api")], ["09:59:40", approve(0, "U0CORA")], ["09:59:55", done(0)]]);
  r.add("10:00:00", "update", "Status update by <@U0CORA> (status monitoring): orders_pkey_new is valid again; CPU down to 35%. Watching for 10 minutes.", { actor: "U0CORA", data: { status: "monitoring", severity: "SEV1", from: "identified" } });
  r.add("10:00:00", "status", "Status set to monitoring by <@U0CORA>", { actor: "U0CORA", data: { status: "monitoring", from: "identified" } });
  r.add("10:00:05", "posted", "Update posted in <#C0INCIDENTS>");
  const rootCause = "A migration left orders_pkey_new INVALID and then dropped the valid index";
  r.add("10:10:00", "resolved", "Resolved by <@U0CORA>: Index rebuilt; CPU at 30% and steady", { actor: "U0CORA", data: { status: "resolved", from: "monitoring", summary: "Index rebuilt; CPU at 30% and steady", rootCause } });
  r.add("10:12:00", "followup", "Follow-up added by <@U0CORA>: Check index validity before dropping an index", { actor: "U0CORA", data: { followupId: 1 } });
  r.add("10:13:00", "followup", "Follow-up added by <@U0ADA>: Alert on invalid indexes", { actor: "U0ADA", data: { followupId: 2 } });
  r.add("2026-01-15T18:10:00Z", "archived", "Channel #inc-20260114-api-is-degraded-db-cpu-at-100 archived");
  return {
    incident: baseIncident(r.at, {
      title, severity: "SEV1", status: "resolved", services: ["orders-api"], source: "pagerduty", commander: "U0CORA",
      channelId: "C0INC42", channelName: "inc-20260114-api-is-degraded-db-cpu-at-100",
      pagerdutyIncidentId: "Q1OUTAGE", pagerdutyIncidentUrl: "https://acme.pagerduty.com/incidents/Q1OUTAGE",
      detectedAt: r.at("09:05:00"), declaredAt: r.at("09:05:02"), resolvedAt: r.at("10:10:00"),
    }),
    timeline: r.entries,
    runs: [failover, wrongTarget, rebuild, restart],
    followups: [followup(1, "Check index validity before dropping an index", r.at("10:12:00")), followup(2, "Alert on invalid indexes", r.at("10:13:00"))],
    roles: [{ incidentId: 42, name: "comms", userId: "U0BEN", assignedBy: "U0CORA", assignedAt: r.at("09:10:00") }],
    edits: {},
    names: { U0ADA: "Ada Oncall", U0CORA: "Cora Commander", U0BEN: "Ben Builder" },
    timeZone: LA,
    channelUrl: "https://slack.com/app_redirect?channel=C0INC42",
  };
}

/** Declared in Slack a few minutes ago; nobody has written anything yet. */
function justDeclared(): PostmortemRecord {
  const r = recorder("2026-01-14");
  r.add("14:15:00", "page", "Declared in Slack by <@U0DEV>", { actor: "U0DEV", data: { source: "slack" } });
  r.add("14:15:00", "declared", "INC-42 declared (SEV3): Checkout page is slow for some users", { actor: "U0DEV" });
  r.add("14:15:02", "channel", "Channel #inc-20260114-checkout-page-is-slow-for-some-users created");
  const at = r.at("14:15:00");
  return {
    incident: baseIncident(r.at, { title: "Checkout page is slow for some users", severity: "SEV3", declaredBy: "U0DEV", commander: "U0DEV", detectedAt: at, declaredAt: at }),
    timeline: r.entries, runs: [], followups: [], roles: [], edits: {}, names: { U0DEV: "Dee Developer" }, timeZone: LA,
  };
}

/** Past midnight, from Datadog, with two approvers, people's own sections, and a published pull request. */
function editedAndPublished(): PostmortemRecord {
  const r = recorder("2026-01-20");
  const title = "Checkout 5xx above 5%";
  r.add("23:41:00", "custom", "Deploy of checkout v2.14 started", { actor: "U0DEV", data: { addedBy: "U0DEV" } });
  r.add("23:50:00", "page", `Datadog monitor triggered: ${title}`, { data: { source: "datadog" } });
  r.add("23:50:05", "declared", `INC-42 declared (SEV2): ${title}`);
  r.add("23:52:00", "page", `Datadog re-triggered for INC-42: ${title}`, { data: { datadog: true, monitorId: "9001", transition: "Re-Triggered" } });
  r.add("23:53:00", "status", "Status set to identified by <@U0DEV>", { actor: "U0DEV", data: { status: "identified", from: "investigating" } });
  r.add("23:58:00", "severity", "Severity changed from SEV2 to SEV1 by <@U0DEV>", { actor: "U0DEV", data: { severity: "SEV1", from: "SEV2" } });
  r.add("2026-01-21T08:05:00Z", "page", `Datadog re-triggered for INC-42: ${title}`, { data: { datadog: true, monitorId: "9001", transition: "Re-Triggered" } });
  const rollback = r.run(3, {
    id: "roll-back", title: "Roll back a deployment",
    steps: [{ id: "undo", title: "Roll back checkout to v2.13", action: "kubernetes.rollback", approval: { from: { users: ["U0DEV", "U0SAM"] }, count: 2 } }],
  }, "U0DEV", [["2026-01-21T08:06:00Z", { type: "start" }], ["2026-01-21T08:06:10Z", prepared(0)], ["2026-01-21T08:07:00Z", approve(0, "U0DEV")], ["2026-01-21T08:08:00Z", approve(0, "U0SAM")], ["2026-01-21T08:10:00Z", done(0)]]);
  r.add("2026-01-21T08:12:00Z", "note", "Error rate | p99 both falling\nsee <https://dash.example.com/checkout|the dashboard>; asked <@U0NEW> to watch", { actor: "U0SAM" });
  r.add("2026-01-21T08:20:00Z", "recovered", `Datadog monitor recovered: ${title}`, { data: { datadog: true, monitorId: "9001", transition: "Recovered" } });
  r.add("2026-01-21T08:21:00Z", "status", "Status set to monitoring by <@U0DEV>", { actor: "U0DEV", data: { status: "monitoring", from: "identified" } });
  r.add("2026-01-21T08:40:00Z", "resolved", "Resolved by <@U0DEV>: Rolled back to v2.13", { actor: "U0DEV", data: { status: "resolved", from: "monitoring", summary: "Rolled back to v2.13" } });
  return {
    incident: baseIncident(r.at, {
      title, severity: "SEV1", status: "resolved", services: ["checkout", "payments"], source: "datadog", commander: "U0DEV", channelName: "inc-20260120-checkout-5xx-above-5",
      datadogMonitorId: "9001", datadogMonitorUrl: "https://app.datadoghq.com/monitors/9001",
      detectedAt: r.at("23:50:00"), declaredAt: r.at("23:50:05"), resolvedAt: r.at("2026-01-21T08:40:00Z"),
    }),
    timeline: r.entries,
    runs: [rollback],
    followups: [
      followup(5, "Page on checkout 5xx before customers notice", r.at("2026-01-21T08:45:00Z"), "https://github.com/acme/postmortems/issues/12"),
      followup(6, "Document the rollback for <@U0SAM>'s team", r.at("2026-01-21T08:46:00Z"), "https://github.com/acme/postmortems/issues/13"),
    ],
    roles: [],
    edits: {
      tldr: "Checkout failed one request in twenty for 50 minutes after v2.14 shipped. Rolling back fixed it.",
      impact: "One checkout request in twenty failed for 50 minutes: about 1,900 orders.",
      rootCause: "v2.14 set the payments connection pool to 0.\n\nThe config validator accepted it, because 0 meant \"unlimited\" in v2.12.",
      remediations: "- [ ] Validate pool sizes in CI\n\n* Canary every checkout deploy",
      wentWell: "The rollback playbook took 4 minutes from start to finish.",
      wentPoorly: "Nobody saw the deploy start; it was only found by looking back.",
    },
    names: { U0DEV: "Dee Developer", U0SAM: "Sam Reliability", U0NEW: "Nia Newcomer" },
    timeZone: LA,
    channelUrl: "https://slack.com/app_redirect?channel=C0INC57",
    pullRequestUrl: "https://github.com/acme/postmortems/pull/57",
  };
}

/**
 * Workers OOM-killed over two days, reported by customers, and written up the morning after: every
 * time was given with `at` or corrected, so the record reads as it happened, not as it was typed.
 */
function slowBurn(): PostmortemRecord {
  const r = recorder("2026-02-10");
  const typedAt = r.at("2026-02-12T19:00:00Z");
  const late = (clock: string, kind: string, text: string, extra: Partial<TimelineEntry> = {}) => {
    r.add(clock, kind, text, extra);
    r.entries.at(-1)!.recordedAt = typedAt;
  };
  late("2026-02-09T18:12:00Z", "note", "Worker v3.2 rolled out: per-call buffers doubled", { actor: "U0DEV" });
  // Marked as the start of trouble (`/incident note trigger at …`): the deploy above is background.
  late("2026-02-09T19:02:00-08:00", "note", "First customer ticket about a call cut off mid-sentence", { actor: "U0SUP", data: { trigger: true } });
  late("09:40:00", "page", "Declared in Slack by <@U0SUP>", { actor: "U0SUP", data: { source: "slack" }, editedAt: typedAt, editedBy: "U0ADA" });
  late("09:40:00", "declared", "INC-42 declared (SEV3): Calls drop mid-conversation for some customers", { actor: "U0SUP" });
  late("09:52:00", "note", "Looking at worker logs; nothing stands out yet", { actor: "U0ADA" });
  const early = "212 calls dropped mid-conversation so far, reported by 9 customers";
  late("11:00:00", "impact", `Impact: ${early}`, { actor: "U0SUP", data: { impact: early } });
  late("2026-02-11T20:10:00-08:00", "status", "Status set to identified by <@U0ADA>", { actor: "U0ADA", data: { status: "identified", from: "investigating" } });
  late("2026-02-11T20:12:00-08:00", "note", "Workers are OOM-killed under evening load; call state lives only in worker memory", { actor: "U0ADA" });
  late("2026-02-11T21:00:00-08:00", "severity", "Severity changed from SEV3 to SEV2 by <@U0ADA>", { actor: "U0ADA", data: { severity: "SEV2", from: "SEV3" } });
  const total = "1,705 calls ended abruptly across 214 customers";
  late("2026-02-11T21:30:00-08:00", "impact", `Impact: ${total}`, { actor: "U0SUP", data: { impact: total } });
  late("2026-02-11T22:05:00-08:00", "mitigated", "Mitigated, as <@U0ADA> recorded when resolving", { actor: "U0ADA" });
  const summary = "Raised the worker memory limit to 2 GiB and rolled back the buffer change. No OOM kills in 11 hours.";
  const rootCause =
    "Worker v3.2 doubled per-call buffers, so workers ran out of memory under evening load and were OOM-killed. Call state lived only in worker memory, so every call on a killed worker was lost.";
  late("2026-02-12T09:30:00-08:00", "resolved", `Resolved by <@U0ADA>: ${summary}`, { actor: "U0ADA", data: { status: "resolved", from: "identified", summary, rootCause } });
  return {
    incident: baseIncident(r.at, {
      title: "Calls drop mid-conversation for some customers", severity: "SEV2", status: "resolved", services: ["call-workers"], source: "slack", declaredBy: "U0SUP", commander: "U0ADA",
      // The incident row keeps the time it was typed; the corrected timeline is what counts.
      detectedAt: typedAt, declaredAt: typedAt, resolvedAt: typedAt,
    }),
    timeline: r.entries,
    runs: [],
    followups: [followup(9, "Keep call state in Redis so a killed worker loses no calls", typedAt), followup(10, "Alert on OOM kills per deployment", typedAt)],
    roles: [],
    edits: {},
    names: { U0SUP: "Sue Support", U0ADA: "Ada Oncall", U0DEV: "Dee Developer" },
    serviceNames: { "call-workers": "Call workers" },
    timeZone: LA,
  };
}

const goldens = { "outage.md": outage, "ongoing.md": justDeclared, "edited-and-published.md": editedAndPublished, "slow-burn.md": slowBurn };

describe("draftPostmortem", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("drafts the orders-index outage from its raw record (golden)", () => {
    const draft = draftPostmortem(outage(), template);
    expect(draft.filename).toBe("postmortems/2026-01-14-api-is-degraded-db-cpu-at-100.md");
    expect(draft.title).toBe("INC-42: API is degraded — DB CPU at 100% — Post-mortem");
    expect(draft.model.tldr).toBe(
      "About 2,670 API requests failed and 1 in 3 orders could not be placed over 1h 5m (9:05am – 10:10am PT). " +
        "A migration left orders_pkey_new INVALID and then dropped the valid index. " +
        "Index rebuilt; CPU at 30% and steady (“Rebuild the index concurrently” approved by Cora Commander, who resolved it).",
    );
    expectGolden("outage.md", draft.markdown);
  });

  it("curates the timeline: key moments marked, a failed plan folded into its retry, bookkeeping and admin left out", () => {
    const record = outage();
    record.timeline.push({ ...record.timeline.at(-1)!, id: 999, eventAt: r("11:00:00"), kind: "postmortem", text: "Post-mortem published by <@U0CORA>" });
    const rows = postmortemModel(record).timeline.flatMap((d) => d.entries.map((e) => e.text));
    expect(rows).toContain("**Detected:** Paged by PagerDuty (Orders API): API is degraded — DB CPU at 100% (paged 3 times by 9:07am PT)");
    expect(rows).toContain("**Succeeded:** Rebuild the index concurrently (first attempt failed: wrong target)");
    expect(rows).toContain("**No improvement:** Check the error rate recovered on the backup (the metric gate did not pass)");
    expect(rows.filter((t) => t.startsWith("**Mitigated") || t.startsWith("**Resolved"))).toHaveLength(2);
    const all = rows.join("\n");
    for (const gone of ["Could not plan it", "declared (SEV1)", "Follow-up added", "is now comms", "published"]) expect(all).not.toContain(gone);
    // The abandoned run (wrong target) leaves no line of its own: one start for the rebuild.
    expect(rows.filter((t) => t.startsWith("Playbook “Rebuild an invalid PostgreSQL index” started"))).toHaveLength(1);
  });

  describe("credits the fix in the TL;DR", () => {
    const withoutSummary = (record: PostmortemRecord) => ({
      ...record,
      timeline: record.timeline.map((e) => (e.kind === "resolved" ? { ...e, text: "Resolved by <@U0CORA>", data: { ...e.data, summary: "" } } : e)),
    });
    it("to the step whose metric gate showed improvement, not the failover whose gate did not, nor the restart after it", () => {
      expect(postmortemModel(withoutSummary(outage())).tldr).toMatch(/ The step “Rebuild the index concurrently”, approved by Cora Commander, fixed it, as its metric gate showed\.$/);
    });
    it("names the step a metric gate confirmed, and who approved it, beside the writer's own summary, and who resolved it", () => {
      const rebuild = { entryId: 1, at: r("09:58:00"), title: "Rebuild the index concurrently", approvers: ["Ben Builder"] };
      expect(fixSentence([rebuild], { summary: "Rebuilt the index. CPU is back.", by: "Ada Oncall" }, [rebuild])).toBe(
        "Rebuilt the index (“Rebuild the index concurrently” approved by Ben Builder, resolved by Ada Oncall).",
      );
      // No gate confirmed it: the writer's summary says what fixed it, and only the resolver is named.
      expect(fixSentence([rebuild], { summary: "Rebuilt the index. CPU is back.", by: "Ada Oncall" })).toBe("Rebuilt the index (resolved by Ada Oncall).");
      expect(fixSentence([], { summary: "Rolled back.", by: "Ada Oncall" })).toBe("Rolled back (resolved by Ada Oncall).");
    });
    it("does not credit the last approved step beside the writer's summary when it is not what the summary says (the sandbox's story)", () => {
      const rebuild = { entryId: 1, at: r("09:58:00"), title: "Rebuild the index concurrently", approvers: ["Dev Patel"] };
      const restart = { entryId: 2, at: r("09:59:00"), title: "Restart the pods (rolling)", approvers: ["Dev Patel"] };
      const resolve = { summary: "Rebuilt the invalid orders_email_key index; checkout latency is back to normal.", by: "Sam Rivera" };
      expect(fixSentence([rebuild, restart], resolve)).toBe("Rebuilt the invalid orders_email_key index; checkout latency is back to normal (resolved by Sam Rivera).");
      // A gate that confirmed the rebuild still gets it named, not the restart after it.
      expect(fixSentence([rebuild, restart], resolve, [rebuild])).toBe(
        "Rebuilt the invalid orders_email_key index; checkout latency is back to normal (“Rebuild the index concurrently” approved by Dev Patel, resolved by Sam Rivera).",
      );
      // Without a summary, the fallback to the last approved step stays.
      expect(fixSentence([rebuild, restart], undefined)).toBe("The step “Restart the pods (rolling)”, approved by Dev Patel, mitigated it.");
    });
    it("to the last approved step before mitigation when no gate showed anything", () => {
      const record = withoutSummary(outage());
      const noGates = { ...record, timeline: record.timeline.filter((e) => !/Wait for database CPU|Check the error rate/.test(e.text)) };
      expect(postmortemModel(noGates).tldr).toMatch(/ The step “Restart the orders-api pods”, approved by Cora Commander, mitigated it\.$/);
    });
  });

  it("drafts an incident that is still ongoing, with a prompt wherever nothing is known (golden)", () => {
    const draft = draftPostmortem(justDeclared(), template);
    expect(draft.filename).toBe("postmortems/2026-01-14-checkout-page-is-slow-for-some-users.md");
    expect(draft.sections).toEqual({
      tldr: draft.model.tldr, impact: "", rootCause: "", resolution: "", remediations: "", wentWell: "",
      // Only what the record shows is suggested, each for the writer to keep or delete.
      wentPoorly: "- Detected by a person (Dee Developer declared it in Slack), not by an alert. _(suggested — keep or delete)_",
    });
    expectGolden("ongoing.md", draft.markdown);
  });

  it("keeps what people wrote over the draft, and links the pull request and issues (golden)", () => {
    const draft = draftPostmortem(editedAndPublished(), template);
    expect(draft.filename).toBe("postmortems/2026-01-20-checkout-5xx-above-5.md");
    expect(draft.model.remediations.map((r) => r.text)).toEqual(["Page on checkout 5xx before customers notice", "Document the rollback for Sam Reliability's team", "Validate pool sizes in CI", "Canary every checkout deploy"]);
    expectGolden("edited-and-published.md", draft.markdown);
  });

  it("drafts a customer-reported slow burn over two days, entered afterwards with its times (golden)", () => {
    const draft = draftPostmortem(slowBurn(), template);
    expect(draft.model.tldr).toBe(
      "1,705 calls ended abruptly across 214 customers over 1d 23h (Tue Feb 10, 2026, 9:40am PT – Thu Feb 12, 2026, 9:30am PT). " +
        "Worker v3.2 doubled per-call buffers, so workers ran out of memory under evening load and were OOM-killed. " +
        "Raised the worker memory limit to 2 GiB and rolled back the buffer change (resolved by Ada Oncall).",
    );
    expect(draft.model.durations).toEqual({ detect: "14h 38m", acknowledge: "1d 10h", identify: "1d 10h", mitigate: "1d 12h", resolve: "1d 23h" });
    expectGolden("slow-burn.md", draft.markdown);
  });

  describe.each(Object.entries(goldens))("the golden %s", (name, record) => {
    const { model, markdown } = draftPostmortem(record(), template);

    it("names people, never by their Slack ids", () => {
      expect(markdown).not.toMatch(/\bU[A-Z0-9]{8,}\b/);
      expect(markdown).not.toMatch(/\bU0[A-Z]{2,}\b/);
    });

    it("has a TL;DR of at most three sentences, which leads with the impact when there is one", () => {
      const sentences = model.tldr.split(/(?<=[.!?…])\s+(?=[A-Z0-9“"])/).filter((t) => t.trim());
      expect(sentences.length).toBeLessThanOrEqual(3);
      if (model.impact.statement && !record().edits.tldr) expect(model.tldr.startsWith(model.impact.statement.replace(/[.!?…]+$/, ""))).toBe(true);
      if (model.impact.statement) expect(markdown).toContain(`## Impact\n\n${model.impact.statement}\n\n- **Window:**`);
    });

    it("reports durations that agree with the window", () => {
      const window = /\*\*Window:\*\* (.*)/.exec(markdown)![1]!;
      const times = [...window.matchAll(/(?:\w{3} (\w{3}) (\d+), (\d{4}), )?(\d{1,2}):(\d{2})([ap]m)/g)];
      if (model.impact.duration === "ongoing") return expect(window).toContain("ongoing");
      const [day] = /(\w+ \d+, \d{4}),/.exec(window)?.slice(1) ?? [];
      const instant = (m: RegExpMatchArray) => {
        const date = m[1] ? `${m[1]} ${m[2]}, ${m[3]}` : day!;
        const hour = (Number(m[4]) % 12) + (m[6] === "pm" ? 12 : 0);
        return Date.parse(`${date} ${hour}:${m[5]} UTC`);
      };
      const minutes = (instant(times[1]!) - instant(times[0]!)) / 60_000;
      const shown = /(?:(\d+)d)? ?(?:(\d+)h)? ?(?:(\d+)m)?/.exec(model.impact.duration)!;
      // Two units at most, rounded down, as formatDuration says it.
      const said = Number(shown[1] ?? 0) * 1440 + Number(shown[2] ?? 0) * 60 + Number(shown[3] ?? 0);
      expect(minutes - said).toBeGreaterThanOrEqual(0);
      expect(minutes - said).toBeLessThan(minutes >= 1440 ? 60 : 1);
      expect(model.durations.resolve).toBe(model.impact.duration);
    });
  });

  it("has no Slack user id, and a TL;DR of at most three sentences, in any golden file (the exported one included)", () => {
    const files = readdirSync(postmortemsDir).filter((f) => f.endsWith(".md"));
    expect(files).toContain("export-slow-burn.md");
    for (const file of files) {
      const markdown = readFileSync(join(postmortemsDir, file), "utf8");
      expect(markdown, file).not.toMatch(/\bU[A-Z0-9]{8,}\b/);
      const tldr = /## TL;DR\n\n([\s\S]*?)\n\n## /.exec(markdown)![1]!;
      expect(tldr.split(/(?<=[.!?…])\s+(?=[A-Z0-9“"])/).length, file).toBeLessThanOrEqual(3);
    }
  });

  it("measures between the minutes it shows, so a 9:05 – 9:15 window is 10m, not 9m", () => {
    const r = recorder("2026-01-14");
    r.add("09:05:40", "page", "Declared in Slack by <@U0DEV>", { actor: "U0DEV", data: { source: "slack" } });
    r.add("09:15:10", "resolved", "Resolved by <@U0DEV>: Rolled back", { actor: "U0DEV", data: { status: "resolved", summary: "Rolled back" } });
    const model = postmortemModel({ ...justDeclared(), timeline: r.entries, incident: { ...justDeclared().incident, status: "resolved", resolvedAt: r.at("09:15:10") } });
    expect(model.impact.window).toBe("Wednesday, January 14, 2026, 9:05am – 9:15am PT");
    expect(model.impact.duration).toBe("10m");
    expect(model.durations.resolve).toBe("10m");
  });

  it("moves detection, resolution, the window and every duration when the page and resolve entries are corrected", () => {
    const record = outage();
    const moved = record.timeline.map((e) =>
      e.kind === "page" && e.data.source === "pagerduty" ? { ...e, eventAt: r("08:50:00"), editedAt: r("11:00:00"), editedBy: "U0CORA" }
        : e.kind === "resolved" ? { ...e, eventAt: r("10:40:00"), editedAt: r("11:00:00"), editedBy: "U0CORA" }
        : e,
    );
    const model = postmortemModel({ ...record, timeline: moved });
    expect(model.detected).toBe("Wed Jan 14, 2026, 8:50am PT");
    expect(model.resolved).toBe("Wed Jan 14, 2026, 10:40am PT");
    expect(model.impact).toMatchObject({ window: "Wednesday, January 14, 2026, 8:50am – 10:40am PT", duration: "1h 50m" });
    expect(model.durations).toMatchObject({ acknowledge: "18m", identify: "22m", mitigate: "1h 10m", resolve: "1h 50m" });
    expect(model.tldr).toContain(" over 1h 50m (8:50am – 10:40am PT).");
  });

  it("falls back to the resolve summary when no playbook step mitigated it", () => {
    const record = editedAndPublished();
    const model = postmortemModel({ ...record, runs: [], timeline: record.timeline.filter((e) => e.data.runId === undefined), edits: {} });
    expect(model.tldr).toBe(
      "Checkout 5xx above 5%: checkout and payments were affected for 50m (Tue Jan 20, 2026, 11:50pm PT – Wed Jan 21, 2026, 12:40am PT). Rolled back to v2.13 (resolved by Dee Developer).",
    );
  });

  it("keeps an approval nobody has answered yet, and a denial, as their own lines", () => {
    const r = recorder("2026-01-14");
    const steps = [{ id: "a", title: "Restart the pods", action: "kubernetes.restart", approval: byCommander }];
    r.run(1, { id: "restart", title: "Restart", steps }, "U0ADA", [["14:20", { type: "start" }], ["14:21", prepared(0, "Restart 6 pods")], ["14:22", { type: "deny", position: 0, userId: "U0CORA", reason: "not yet" }]]);
    r.run(2, { id: "restart", title: "Restart", steps }, "U0ADA", [["14:30", { type: "start" }], ["14:31", prepared(0, "Restart 6 pods")]]);
    const model = postmortemModel({ ...justDeclared(), timeline: [...justDeclared().timeline, ...r.entries.map((e) => ({ ...e, id: e.id + 100 }))], names: { U0ADA: "Ada Oncall", U0CORA: "Cora Commander" } });
    expect(model.timeline[0]!.entries.slice(1).map((e) => `${e.time} ${e.text}`)).toEqual([
      "2:20pm PT Playbook “Restart” started by Ada Oncall",
      "2:22pm PT Cora Commander denied “Restart the pods”: not yet",
      "2:30pm PT Playbook “Restart” started by Ada Oncall",
      "2:31pm PT Approval requested for “Restart the pods”: Restart 6 pods — needs 1",
    ]);
  });

  it("is a pure function of the record: the clock does not matter, and the record is not changed", () => {
    const record = deepFreeze(outage());
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2030-06-01T12:00:00Z"));
    const first = draftPostmortem(record, template);
    vi.setSystemTime(new Date("2041-12-31T23:59:00Z"));
    expect(draftPostmortem(record, template)).toEqual(first);
    expect(postmortemModel(structuredClone(record))).toEqual(first.model);
  });

  it("drafts 10,000 timeline entries", () => {
    const r = recorder("2026-01-14");
    for (let i = 0; i < 10_000; i++) r.add(new Date(Date.UTC(2026, 0, 14, 17) + i * 30_000).toISOString(), i % 3 === 0 ? "note" : "custom", `Observation ${i} | from <@U0ADA>`, { actor: "U0BEN" });
    const record = { ...justDeclared(), timeline: r.entries };
    const draft = draftPostmortem(record, template);
    // Those before the declaration are its background.
    expect([...draft.model.background!.entries, ...draft.model.timeline.flatMap((d) => d.entries)]).toHaveLength(10_000);
    // No names are known in this record, so people appear by their Slack ids.
    expect(draft.markdown).toContain("| Wed Jan 14, 2026, 9:00am PT | U0BEN: Observation 0 \\| from U0ADA |");
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
