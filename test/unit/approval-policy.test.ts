// Who may approve, deny, retry, skip or abort — and the sentence everyone else gets.
import { describe, expect, it } from "vitest";
import { mayDecide, type DecisionRequest, type StepDecision } from "../../src/domain/approval-policy.js";
import { isPeakHours } from "../../src/domain/peak-hours.js";
import { decide, type PlaybookRun } from "../../src/domain/playbook-run.js";
import { newRun, plan, samplePlaybook } from "../helpers/playbook-fixtures.js";

const now = new Date("2026-03-08T09:15:00Z");
const incident = { id: 42, status: "investigating" as const, commander: "UCMD" };

/** Step 2 ("Rebuild the index", irreversible, from commander or group dba) waiting for approval. */
function awaitingRebuild(): PlaybookRun {
  let run = decide(newRun(), { type: "start" }, now).run;
  run = decide(run, { type: "prepared", position: 0, input: {}, plan: plan(), peakHours: false }, now).run;
  run = { ...run, steps: run.steps.map((s, i) => (i === 0 ? { ...s, state: "running" as const } : s)) };
  run = decide(run, { type: "succeeded", position: 0, output: null }, now).run;
  return decide(run, { type: "prepared", position: 1, input: {}, plan: plan(), peakHours: false }, now).run;
}

function request(decision: StepDecision, userId: string, overrides: Partial<DecisionRequest> = {}): DecisionRequest {
  const run = overrides.run ?? awaitingRebuild();
  const step = run.steps[1]!;
  return { decision, userId, userGroups: [], incident, run, step, def: run.playbook.steps[1]!, shown: { version: step.version, round: step.round }, now, ...overrides };
}

const verdict = (r: DecisionRequest) => {
  const v = mayDecide(r);
  return v.ok ? "allowed" : v.reason;
};

describe("approving a step", () => {
  it("is allowed to the commander and to members of a listed group", () => {
    expect(verdict(request("approve", "UCMD"))).toBe("allowed");
    expect(verdict(request("approve", "UDBA", { userGroups: ["dba"] }))).toBe("allowed");
  });

  it("is refused to anyone else, naming who may", () => {
    expect(verdict(request("approve", "UOUTSIDER"))).toBe("Only the incident commander (<@UCMD>) or members of dba can approve “Rebuild the index”.");
    expect(verdict(request("deny", "UOUTSIDER"))).toMatch(/^Only the incident commander/);
  });

  it("needs someone other than the requester for an irreversible step (two-person rule)", () => {
    const run = { ...awaitingRebuild(), requestedBy: "UCMD" };
    expect(verdict(request("approve", "UCMD", { run }))).toBe("“Rebuild the index” cannot be undone, so someone other than the person who started the run (<@UCMD>) must approve it.");
    expect(verdict(request("approve", "UDBA", { run, userGroups: ["dba"] }))).toBe("allowed");
    // The requester may still deny their own step.
    expect(verdict(request("deny", "UCMD", { run }))).toBe("allowed");
    // A reversible step may be approved by the person who asked for it.
    const reversible = awaitingRebuild();
    const def = { ...reversible.playbook.steps[1]!, reversible: true };
    expect(verdict(request("approve", "UREQ", { run: { ...reversible, requestedBy: "UREQ" }, def, userGroups: ["dba"] }))).toBe("allowed");
  });

  it("refuses an expired request, a stale message, a second approval by the same person, and a resolved incident", () => {
    expect(verdict(request("approve", "UCMD", { now: new Date(now.getTime() + 15 * 60_000) }))).toBe("This approval request has expired; it is being asked again in a new message.");
    expect(verdict(request("approve", "UCMD", { shown: { version: 1, round: 1 } }))).toMatch(/^This message is out of date/);
    const once = decide(awaitingRebuild(), { type: "approve", position: 1, userId: "UCMD" }, now).run;
    const twice = { ...once, steps: once.steps.map((s, i) => (i === 1 ? { ...s, state: "awaiting_approval" as const, requiredApprovals: 2 } : s)) };
    expect(verdict(request("approve", "UCMD", { run: twice, step: twice.steps[1]!, shown: { version: twice.steps[1]!.version, round: 1 } }))).toBe(
      "You have already approved “Rebuild the index”; it needs 1 more approval from someone else.",
    );
    expect(verdict(request("approve", "UCMD", { incident: { ...incident, status: "resolved" } }))).toBe("INC-42 is resolved, so its playbook steps can no longer be changed.");
  });
});

describe("retry, skip and abort", () => {
  it("are open to the approvers, the commander and the requester, and only for steps that need a decision", () => {
    const run = awaitingRebuild();
    const interrupted = { ...run, steps: run.steps.map((s, i) => (i === 1 ? { ...s, state: "interrupted" as const } : s)) };
    const on = (decision: StepDecision, userId: string) => request(decision, userId, { run: interrupted, step: interrupted.steps[1]! });
    expect(verdict(on("retry", "UCMD"))).toBe("allowed");
    expect(verdict(on("skip", "UREQ"))).toBe("allowed");
    expect(verdict(on("abort", "UDBA"))).toMatch(/^Only the incident commander/);
    expect(verdict(request("retry", "UCMD"))).toBe("“Rebuild the index” is awaiting approval; only an interrupted or failed step can be run again.");
    expect(verdict(request("skip", "UCMD"))).toBe("allowed");
  });
});

describe("peak hours", () => {
  const peak = { windows: [{ days: ["mon", "tue", "wed", "thu", "fri"] as const, from: "09:00", to: "18:00" }, { days: ["sat"] as const, from: "22:00", to: "02:00" }] };
  const p = { ...peak, windows: peak.windows.map((w) => ({ ...w, days: [...w.days] })) };
  it("are read in the team's time zone, including windows past midnight", () => {
    expect(isPeakHours(new Date("2026-03-09T17:30:00Z"), p, "America/Los_Angeles")).toBe(true); // Mon 10:30 PDT
    expect(isPeakHours(new Date("2026-03-09T15:30:00Z"), p, "America/Los_Angeles")).toBe(false); // Mon 08:30 PDT
    expect(isPeakHours(new Date("2026-03-08T17:30:00Z"), p, "America/Los_Angeles")).toBe(false); // Sunday
    expect(isPeakHours(new Date("2026-03-08T08:30:00Z"), p, "America/Los_Angeles")).toBe(true); // Sun 01:30 PDT, Saturday's window
    expect(isPeakHours(new Date("2026-03-09T17:30:00Z"), undefined, "UTC")).toBe(false);
  });
});
