// The catch-up view: a pure function of the record; the same record gives the same summary.
import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import type { PlaybookRun, StepRun } from "../../src/domain/playbook-run.js";
import type { TimelineEntry } from "../../src/domain/timeline.js";
import { catchupElsewhere, catchupMessage, MAX_CHANGES } from "../../src/views/slack/catchup-view.js";

const at = (iso: string) => new Date(iso);
const incident = {
  id: 42, title: "Checkout <5xx> & more", severity: "SEV2", status: "identified", commander: "U0CORA", channelId: "C0INC",
} as Incident;
const entry = (n: number, text: string, actor: string | null = null): TimelineEntry => ({
  id: n, incidentId: 42, eventAt: at(`2026-03-08T10:${String(n).padStart(2, "0")}:00Z`), recordedAt: at(`2026-03-08T10:${String(n).padStart(2, "0")}:00Z`),
  kind: "note", actor, text, data: {}, sourceKey: null, removedAt: null, removedBy: null, editedAt: null, editedBy: null,
});
const step = (position: number, stepId: string, state: StepRun["state"], approvals: StepRun["approvals"] = []): StepRun => ({
  id: position + 1, position, stepId, state, round: 1, attempt: 1, input: null, plan: null, requiredApprovals: 2, approvals,
  approvalExpiresAt: null, output: null, error: null, version: 1,
});
const run = {
  id: 7, incidentId: 42, params: {}, state: "running", requestedBy: "U0CORA", version: 3,
  playbook: { id: "rebuild-index", title: "Rebuild an invalid index", steps: [{ id: "check", title: "Check validity" }, { id: "rebuild", title: "Rebuild concurrently" }, { id: "drop", title: "Drop the old index" }] },
  steps: [
    step(0, "check", "succeeded", [{ userId: "U0LEE", decision: "approve", reason: null, at: at("2026-03-08T10:05:00Z") }]),
    step(1, "rebuild", "awaiting_approval", [{ userId: "U0LEE", decision: "approve", reason: null, at: at("2026-03-08T10:06:00Z") }]),
    step(2, "drop", "pending"),
  ],
} as unknown as PlaybookRun;

describe("the catch-up view", () => {
  it("shows state, roles, changes since the last catch-up, actions run and waiting, and open follow-ups", () => {
    const rendered = catchupMessage({
      incident,
      roles: [{ incidentId: 42, name: "scribe", userId: "U0LEE", assignedBy: "U0CORA", assignedAt: at("2026-03-08T10:00:00Z") }],
      since: { reason: "last-catchup", at: at("2026-03-08T10:00:00Z") },
      changes: [entry(1, "Severity changed from SEV1 to SEV2 by <@U0CORA>", "U0CORA"), entry(2, "<!channel> DB CPU at 100%", "U0LEE")],
      runs: [run],
      followups: [
        { id: 1, incidentId: 42, text: "Alert on p99", createdBy: "U0CORA", createdAt: at("2026-03-08T10:03:00Z"), issueUrl: null },
        { id: 2, incidentId: 42, text: "Check index validity", createdBy: "U0CORA", createdAt: at("2026-03-08T10:04:00Z"), issueUrl: "https://github.com/acme/pm/issues/3" },
      ],
      timeZone: "UTC",
    });
    expect(rendered.text).toBe("Catch-up on INC-42: identified, SEV2, 2 changes since your last catch-up at Sun Mar 8, 10:00am UTC");
    const texts = (rendered.blocks as unknown as { text?: { text: string }; elements?: { text: string }[] }[]).map((b) => b.text?.text ?? b.elements![0]!.text);
    expect(texts).toEqual([
      "*Catch-up on INC-42: Checkout &lt;5xx&gt; &amp; more*\n*Status:* identified\n*Severity:* SEV2\n*Commander:* <@U0CORA>\n*Roles:* scribe <@U0LEE>",
      "*What changed since your last catch-up at Sun Mar 8, 10:00am UTC*\n• `10:01am UTC` Severity changed from SEV1 to SEV2 by <@U0CORA>\n• `10:02am UTC` &lt;!channel&gt; DB CPU at 100% — <@U0LEE>",
      "*Actions waiting*\n• Rebuild an invalid index › Rebuild concurrently: waiting for approval (1/2)\n*Actions run*\n• Rebuild an invalid index › Check validity: done (approved by <@U0LEE>)",
      "*Open follow-ups*\n• Alert on p99\n• Check index validity (<https://github.com/acme/pm/issues/3|issue>)",
      "Only you can see this. `/incident timeline` shows everything.",
    ]);
  });

  it("lists the latest changes when there are many, and says how many earlier ones it left out", () => {
    const changes = Array.from({ length: MAX_CHANGES + 5 }, (_, i) => entry(i, `Note ${i}`));
    const rendered = catchupMessage({ incident, roles: [], since: { reason: "window", at: at("2026-03-08T06:00:00Z"), hours: 4 }, changes, runs: [], followups: [], timeZone: "UTC" });
    const text = (rendered.blocks[1] as { text: { text: string } }).text.text;
    expect(text.split("\n").slice(0, 3)).toEqual(["*What changed in the last 4 hours*", "…and 5 earlier changes", "• `10:05am UTC` Note 5"]);
    expect(text.endsWith(`Note ${MAX_CHANGES + 4}`)).toBe(true);
    expect(rendered.blocks).toHaveLength(3);
  });

  it("outside an incident channel, names the open incidents' channels, or says none is open", () => {
    expect(catchupElsewhere([{ id: 3, title: "API down", channelId: "C0API" }, { id: 4, title: "No channel yet", channelId: null }])).toBe(
      "`/incident catchup` works in an incident's channel, and catches you up on that incident. Run it in one of the open incidents' channels:\n• <#C0API> INC-3: API down",
    );
    expect(catchupElsewhere([])).toBe("`/incident catchup` works in an incident's channel, and catches you up on that incident. No incident is open right now; run it in a resolved incident's channel to catch up on it.");
  });
});
