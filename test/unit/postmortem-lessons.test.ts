// The suggested "went well / poorly" items: only what the record shows, judged against the team's
// norms (firebreak.yaml `postmortem_norms`) at the highest severity the incident reached.
import { describe, expect, it } from "vitest";
import { incidentDurations } from "../../src/domain/durations.js";
import type { Incident } from "../../src/domain/incident.js";
import { postmortemNorms } from "../../src/domain/postmortem-norms.js";
import type { PostmortemRecord } from "../../src/domain/postmortem.js";
import type { TimelineEntry } from "../../src/domain/timeline.js";
import { draftLessons, SUGGESTED } from "../../src/views/postmortem/postmortem-lessons.js";

const at = (clock: string) => new Date(`2026-03-02T${clock}:00-08:00`);
let id = 0;
const entry = (clock: string, kind: string, text: string, data: Record<string, unknown> = {}, actor: string | null = null): TimelineEntry => ({
  id: ++id, incidentId: 7, eventAt: at(clock), recordedAt: at(clock), kind, actor, text, data, sourceKey: null, removedAt: null, removedBy: null, editedAt: null, editedBy: null,
});

function record(timeline: TimelineEntry[], fields: Partial<Incident> = {}): PostmortemRecord {
  const incident = {
    id: 7, title: "Checkout slow", severity: "SEV3", status: "resolved", description: "", services: [], source: "pagerduty", declaredBy: null, commander: "U0ADA",
    channelId: null, channelName: null, pagerdutyIncidentId: null, pagerdutyIncidentUrl: null, datadogMonitorId: null, datadogMonitorUrl: null, pagerdutyServiceId: null,
    pagerdutyEscalationPolicyId: null, channelCreatedAt: null, headerTs: null, announcementTs: null, slackFailure: null, lastUpdateAt: null, archivedAt: null,
    detectedAt: at("09:00"), declaredAt: at("09:00"), resolvedAt: at("11:00"), version: 1, ...fields,
  } as Incident;
  return { incident, timeline, runs: [], followups: [], roles: [], edits: {}, names: { U0ADA: "Ada Oncall", U0SUE: "Sue Support" }, timeZone: "America/Los_Angeles" };
}
const lessons = (r: PostmortemRecord, norms = postmortemNorms()) => draftLessons(r, r.timeline, incidentDurations(r.incident, r.timeline), norms);

describe("draftLessons", () => {
  it("judges time to identify at the highest severity reached, not the severity it ended at", () => {
    const timeline = [
      entry("09:00", "page", "Paged by PagerDuty: Checkout slow", { source: "pagerduty" }),
      entry("09:10", "severity", "Severity changed from SEV3 to SEV1", { from: "SEV3", severity: "SEV1" }),
      entry("09:20", "severity", "Severity changed from SEV1 to SEV3", { from: "SEV1", severity: "SEV3" }),
      entry("09:45", "status", "Status set to identified", { status: "identified" }),
      entry("11:00", "resolved", "Resolved", { status: "resolved" }),
    ];
    const { wentWell, wentPoorly } = lessons(record(timeline));
    expect(wentPoorly).toContain(`Identifying the cause took 45m, above the SEV1 norm of 30m. ${SUGGESTED}`);
    expect(wentWell).toContain(`Detected by an alert (PagerDuty). ${SUGGESTED}`);
    // The team's own norm, from firebreak.yaml, changes the verdict.
    const lenient = lessons(record(timeline), postmortemNorms({ identify_minutes: { SEV1: 60 } }));
    expect(lenient.wentWell).toContain(`Identifying the cause took 45m, within the SEV1 norm of 1h. ${SUGGESTED}`);
  });

  it("says a person detected it, and how long users were affected before, when the start of trouble is marked", () => {
    const timeline = [
      entry("07:30", "note", "Deploy of checkout v9", {}, "U0ADA"),
      entry("08:10", "note", "First customer complaint", { trigger: true }, "U0SUE"),
      entry("09:00", "page", "Declared in Slack by <@U0SUE>", { source: "slack" }, "U0SUE"),
      entry("09:20", "status", "Status set to identified", { status: "identified" }),
      entry("09:50", "resolved", "Resolved", { status: "resolved" }),
    ];
    const { wentPoorly, wentWell } = lessons(record(timeline, { source: "slack", declaredBy: "U0SUE" }));
    expect(wentPoorly.slice(0, 2)).toEqual([`Detected by a person (Sue Support declared it in Slack), not by an alert. ${SUGGESTED}`, `Users were affected for 50m before it was detected. ${SUGGESTED}`]);
    expect(wentWell).toEqual([`Identifying the cause took 20m, within the SEV3 norm of 4h. ${SUGGESTED}`, `Mitigating it took 50m, within the SEV3 norm of 8h. ${SUGGESTED}`]);
  });

  it("suggests nothing it cannot see: an ongoing incident declared from an alert has no verdicts yet", () => {
    const timeline = [entry("09:00", "page", "Paged by PagerDuty: Checkout slow", { source: "pagerduty" })];
    expect(lessons(record(timeline, { status: "investigating", resolvedAt: null }))).toEqual({ wentWell: [`Detected by an alert (PagerDuty). ${SUGGESTED}`], wentPoorly: [] });
  });
});
