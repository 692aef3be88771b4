import { describe, expect, it } from "vitest";
import { formatDuration, incidentDurations } from "../../src/domain/durations.js";
import type { TimelineEntry } from "../../src/domain/timeline.js";

let nextId = 1;
const entry = (at: string, kind: string, data: Record<string, unknown> = {}, extra: Partial<TimelineEntry> = {}): TimelineEntry => ({
  id: nextId++, incidentId: 42, eventAt: new Date(at), recordedAt: new Date(at), kind, actor: "U0ALICE", text: kind, data,
  sourceKey: null, removedAt: null, removedBy: null, editedAt: null, editedBy: null, ...extra,
});

const detectedAt = new Date("2026-03-08T09:05:00Z");
const open = { detectedAt, status: "monitoring" as const, resolvedAt: null };
const resolved = { detectedAt, status: "resolved" as const, resolvedAt: new Date("2026-03-08T10:15:00Z") };

describe("incidentDurations", () => {
  it("measures acknowledge, mitigate and resolve from detection", () => {
    const entries = [
      entry("2026-03-08T09:05:00Z", "page"),
      entry("2026-03-08T09:09:00Z", "acknowledged", { pagerduty: true }),
      entry("2026-03-08T09:20:00Z", "status", { status: "identified", from: "investigating" }),
      entry("2026-03-08T10:00:00Z", "status", { status: "monitoring", from: "identified" }),
      entry("2026-03-08T10:15:00Z", "resolved", { status: "resolved", from: "monitoring" }),
    ];
    expect(incidentDurations(resolved, entries)).toEqual({
      detectedAt,
      acknowledgedAt: new Date("2026-03-08T09:09:00Z"),
      identifiedAt: new Date("2026-03-08T09:20:00Z"),
      mitigatedAt: new Date("2026-03-08T10:00:00Z"),
      resolvedAt: new Date("2026-03-08T10:15:00Z"),
      timeToAcknowledgeMs: 4 * 60_000,
      timeToIdentifyMs: 15 * 60_000,
      timeToMitigateMs: 55 * 60_000,
      timeToResolveMs: 70 * 60_000,
      troubleStartedAt: null,
      // Which entries those moments came from, so the post-mortem's timeline can mark them.
      moments: { detected: entries[0]!.id, acknowledged: entries[1]!.id, identified: entries[2]!.id, mitigated: entries[3]!.id, resolved: entries[4]!.id },
    });
  });

  it("starts trouble at an entry marked as the trigger, and only one before detection", () => {
    const deploy = entry("2026-03-08T08:30:00Z", "note");
    const trigger = entry("2026-03-08T08:50:00Z", "note", { trigger: true });
    const page = entry("2026-03-08T09:05:00Z", "page");
    // Marked after detection, it is no start of trouble: detection already happened.
    const late = entry("2026-03-08T09:30:00Z", "note", { trigger: true });
    const durations = incidentDurations(open, [deploy, trigger, page, late]);
    expect(durations.troubleStartedAt).toEqual(new Date("2026-03-08T08:50:00Z"));
    expect(durations.moments).toMatchObject({ trigger: trigger.id, detected: page.id });
    expect(incidentDurations(open, [deploy, page, late]).troubleStartedAt).toBeNull();
  });

  it("reads detection and resolution from the timeline, so correcting those entries moves every interval", () => {
    // Entered the morning after: the page and the resolve were corrected back to when they happened.
    const entries = [
      entry("2026-03-06T15:55:00Z", "page", {}, { editedAt: new Date(), editedBy: "U0CMD" }),
      entry("2026-03-06T16:30:00Z", "status", { status: "identified" }),
      entry("2026-03-07T02:10:00Z", "mitigated"),
      entry("2026-03-07T09:00:00Z", "resolved", { status: "resolved" }, { editedAt: new Date(), editedBy: "U0CMD" }),
    ];
    const stale = { detectedAt, status: "resolved" as const, resolvedAt: new Date("2026-03-08T10:15:00Z") };
    expect(incidentDurations(stale, entries)).toMatchObject({
      detectedAt: new Date("2026-03-06T15:55:00Z"),
      identifiedAt: new Date("2026-03-06T16:30:00Z"),
      mitigatedAt: new Date("2026-03-07T02:10:00Z"),
      resolvedAt: new Date("2026-03-07T09:00:00Z"),
      timeToIdentifyMs: 35 * 60_000,
      timeToResolveMs: (17 * 60 + 5) * 60_000,
    });
  });

  it("counts a status change as acknowledgement when it comes first, whatever the input order", () => {
    const entries = [entry("2026-03-08T09:30:00Z", "acknowledged"), entry("2026-03-08T09:12:00Z", "status", { status: "identified" })];
    expect(incidentDurations(open, entries)).toMatchObject({ acknowledgedAt: new Date("2026-03-08T09:12:00Z"), timeToAcknowledgeMs: 7 * 60_000 });
  });

  it("ignores removed entries and entries of other kinds", () => {
    const entries = [
      entry("2026-03-08T09:06:00Z", "acknowledged", {}, { removedAt: new Date(), removedBy: "U0CMD" }),
      entry("2026-03-08T09:07:00Z", "status", { status: "monitoring" }, { removedAt: new Date(), removedBy: "U0CMD" }),
      entry("2026-03-08T09:08:00Z", "note", { status: "monitoring" }),
      entry("2026-03-08T09:10:00Z", "status", { status: "identified" }),
    ];
    expect(incidentDurations(open, entries)).toMatchObject({ acknowledgedAt: new Date("2026-03-08T09:10:00Z"), mitigatedAt: null, timeToMitigateMs: null });
  });

  it("falls back to a resolved entry for mitigation, and never places mitigation after it", () => {
    const pagerdutyResolve = entry("2026-03-08T09:50:00Z", "resolved", { pagerduty: true });
    expect(incidentDurations(resolved, [pagerdutyResolve]).mitigatedAt).toEqual(new Date("2026-03-08T09:50:00Z"));
    const laterMonitoring = entry("2026-03-08T10:05:00Z", "status", { status: "monitoring" });
    expect(incidentDurations(resolved, [laterMonitoring, pagerdutyResolve]).timeToMitigateMs).toBe(45 * 60_000);
  });

  it("reports no resolution while the incident is open, even if resolvedAt lingers from a reopen", () => {
    const reopened = { detectedAt, status: "investigating" as const, resolvedAt: new Date("2026-03-08T10:15:00Z") };
    expect(incidentDurations(reopened, [])).toEqual({
      detectedAt, acknowledgedAt: null, identifiedAt: null, mitigatedAt: null, resolvedAt: null, timeToAcknowledgeMs: null, timeToIdentifyMs: null, timeToMitigateMs: null, timeToResolveMs: null,
      troubleStartedAt: null, moments: {},
    });
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "<1m"],
    [59_999, "<1m"],
    [60_000, "1m"],
    [45 * 60_000 + 59_000, "45m"],
    [60 * 60_000, "1h"],
    [65 * 60_000, "1h 5m"],
    [(23 * 60 + 59) * 60_000, "23h 59m"],
    [25 * 3_600_000, "1d 1h"],
    [2 * 86_400_000, "2d"],
    [(51 * 60 + 30) * 60_000, "2d 3h"],
    [-5 * 60_000, "-5m"],
  ])("%i ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
