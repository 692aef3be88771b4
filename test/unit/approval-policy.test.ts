// Who may approve, deny, retry, skip or abort — and the sentence everyone else gets. Approvers
// are the set stored with the approval round, not whoever commands at click time.
import { describe, expect, it } from "vitest";
import { eligibleSet, mayDecide, unreachableApproval, type DecisionRequest, type EligibleSet, type StepDecision } from "../../src/domain/approval-policy.js";
import { isPeakHours } from "../../src/domain/peak-hours.js";
import { decide, type PlaybookRun } from "../../src/domain/playbook-run.js";
import { newRun, plan, samplePlaybook } from "../helpers/playbook-fixtures.js";

const now = new Date("2026-03-08T09:15:00Z");
const incident = { id: 42, status: "investigating" as const, commander: "UCMD" };
/** Asked while UCMD commanded; dba had UDBA. */
const asked: EligibleSet = { commander: "UCMD", users: [], groups: [{ name: "dba", members: ["UDBA"] }] };

/** Step 2 ("Rebuild the index", irreversible, from commander or group dba) waiting for approval. */
function awaitingRebuild(eligible: EligibleSet = asked): PlaybookRun {
  let run = decide(newRun(), { type: "start" }, now).run;
  run = decide(run, { type: "prepared", position: 0, input: {}, plan: plan(), peakHours: false }, now).run;
  run = { ...run, steps: run.steps.map((s, i) => (i === 0 ? { ...s, state: "running" as const } : s)) };
  run = decide(run, { type: "succeeded", position: 0, output: null }, now).run;
  return decide(run, { type: "prepared", position: 1, input: {}, plan: plan(), peakHours: false, eligible }, now).run;
}

function request(decision: StepDecision, userId: string, overrides: Partial<DecisionRequest> = {}): DecisionRequest {
  const run = overrides.run ?? awaitingRebuild();
  const step = overrides.step ?? run.steps[1]!;
  return { decision, userId, userGroups: [], incident, run, step, def: run.playbook.steps[1]!, shown: { version: step.version, round: step.round }, now, ...overrides };
}

const verdict = (r: DecisionRequest) => {
  const v = mayDecide(r);
  return v.ok ? "allowed" : v.reason;
};

describe("the eligible set", () => {
  it("is the commander at request time, the named users and each group's members then", () => {
    const def = samplePlaybook([{}, { approval: { from: ["commander", { group: "dba" }, { users: ["UNAMED"] }], count: 1 } }]).steps[1]!;
    expect(eligibleSet(def, "UCMD", { dba: ["UDBA", "UDBA"], other: ["UX"] })).toEqual({ commander: "UCMD", users: ["UNAMED"], groups: [{ name: "dba", members: ["UDBA"] }] });
    // A step that does not list the commander does not make the commander eligible.
    const groupOnly = samplePlaybook([{}, { approval: { from: { group: "dba" }, count: 1 } }]).steps[1]!;
    expect(eligibleSet(groupOnly, "UCMD", {}).commander).toBeNull();
  });
});

describe("approving a step", () => {
  it("is allowed to the commander and the group members stored with the request", () => {
    expect(verdict(request("approve", "UCMD"))).toBe("allowed");
    expect(verdict(request("approve", "UDBA", { userGroups: ["dba"] }))).toBe("allowed");
  });

  it("is refused to anyone else, naming who may", () => {
    expect(verdict(request("approve", "UOUTSIDER"))).toBe("Only the incident commander (<@UCMD>) or members of dba (<@UDBA>) can approve “Rebuild the index”.");
    expect(verdict(request("deny", "UOUTSIDER"))).toMatch(/^Only the incident commander/);
  });

  it("is refused to someone who took command after the request, and stays with the commander who handed over", () => {
    const selfMade = { ...incident, commander: "UTAKER" };
    expect(verdict(request("approve", "UTAKER", { incident: selfMade }))).toBe(
      "Only <@UCMD> (commander when approval was requested) or members of dba (<@UDBA>) can approve “Rebuild the index”. Approvers were fixed when approval was requested, before you took command; the person who started the run or a commander handed command can press *Re-request approval* to ask again.",
    );
    expect(verdict(request("deny", "UTAKER", { incident: selfMade }))).toMatch(/^Only <@UCMD> \(commander when approval was requested\)/);
    expect(verdict(request("approve", "UCMD", { incident: selfMade }))).toBe("allowed");
  });

  it("is refused to a group member removed since the request, and to one added since", () => {
    expect(verdict(request("approve", "UDBA", { userGroups: [] }))).toBe(
      "Only the incident commander (<@UCMD>) or members of dba (<@UDBA>) can approve “Rebuild the index”. You are no longer in the approver group that made you eligible.",
    );
    expect(verdict(request("approve", "UNEWDBA", { userGroups: ["dba"] }))).toMatch(/^Only the incident commander \(<@UCMD>\) or members of dba \(<@UDBA>\) can approve/);
    // Someone eligible by name keeps it.
    const named = awaitingRebuild({ commander: null, users: ["UNAMED"], groups: [] });
    expect(verdict(request("approve", "UNAMED", { run: named }))).toBe("allowed");
  });

  it("is refused for a round stored without a set, pointing at Re-request approval", () => {
    const run = awaitingRebuild();
    const legacy = { ...run, steps: run.steps.map((s, i) => (i === 1 ? { ...s, eligible: null } : s)) };
    expect(verdict(request("approve", "UCMD", { run: legacy }))).toBe("Nobody's approval was recorded for “Rebuild the index” when it was asked; press *Re-request approval* on its message to ask again.");
  });

  it("needs someone other than the requester for an irreversible step (two-person rule)", () => {
    const run = { ...awaitingRebuild(), requestedBy: "UCMD" };
    expect(verdict(request("approve", "UCMD", { run }))).toBe("“Rebuild the index” cannot be undone, so someone other than the person who started the run (<@UCMD>) must approve it.");
    expect(verdict(request("approve", "UDBA", { run, userGroups: ["dba"] }))).toBe("allowed");
    // The requester may still deny their own step.
    expect(verdict(request("deny", "UCMD", { run }))).toBe("allowed");
    // A reversible step may be approved by the person who asked for it.
    const reversible = awaitingRebuild({ ...asked, groups: [{ name: "dba", members: ["UDBA", "UREQ"] }] });
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
  const interruptedRun = () => {
    const run = awaitingRebuild();
    return { ...run, steps: run.steps.map((s, i) => (i === 1 ? { ...s, state: "interrupted" as const } : s)) };
  };
  const on = (decision: StepDecision, userId: string, overrides: Partial<DecisionRequest> = {}) => {
    const run = interruptedRun();
    return request(decision, userId, { run, step: run.steps[1]!, ...overrides });
  };

  it("skip and abort are open to the stored approvers, the commander and the requester", () => {
    expect(verdict(on("skip", "UREQ"))).toBe("allowed");
    expect(verdict(on("abort", "UDBA", { userGroups: ["dba"] }))).toBe("allowed");
    expect(verdict(on("abort", "UTAKER", { incident: { ...incident, commander: "UTAKER" } }))).toBe("allowed");
    expect(verdict(on("abort", "UOUTSIDER"))).toBe("Only members of dba (<@UDBA>) or the incident commander (<@UCMD>) or the person who started the run can abort “Rebuild the index”.");
    expect(verdict(request("skip", "UCMD"))).toBe("allowed");
  });

  it("retrying a step that was approved repeats it, so only its stored approvers may", () => {
    expect(verdict(on("retry", "UCMD"))).toBe("allowed");
    expect(verdict(on("retry", "UTAKER", { incident: { ...incident, commander: "UTAKER" } }))).toMatch(/^Only <@UCMD> \(commander when approval was requested\) or members of dba \(<@UDBA>\) can run “Rebuild the index” again/);
    expect(verdict(on("retry", "UREQ"))).toMatch(/^Only the incident commander \(<@UCMD>\) or members of dba \(<@UDBA>\) can run/);
    expect(verdict(request("retry", "UCMD"))).toBe("“Rebuild the index” is awaiting approval; only an interrupted or failed step can be run again.");
  });
});

describe("a request nobody can answer", () => {
  const irreversible = samplePlaybook().steps[1]!;
  it("says so plainly when only the run's starter is eligible for an irreversible step, and names the fix", () => {
    expect(unreachableApproval({ commander: "UREQ", users: [], groups: [{ name: "dba", members: [] }] }, irreversible, null, "UREQ", 1)).toBe(
      "Nobody but <@UREQ>, who started the run, can approve this step, and it cannot be undone, so they may not approve it themselves. Add an approver (to the approver group in firebreak.yaml or its Slack user group), or hand over command with `/incident commander @someone`, then press *Re-request approval*.",
    );
    expect(unreachableApproval({ commander: null, users: [], groups: [] }, irreversible, null, "UREQ", 1)).toMatch(/^Nobody can approve this step\. Add an approver/);
    expect(unreachableApproval(asked, irreversible, null, "UREQ", 1)).toBeUndefined();
    // A reversible step may be approved by its starter.
    expect(unreachableApproval({ commander: "UREQ", users: [], groups: [] }, { ...irreversible, reversible: true }, null, "UREQ", 1)).toBeUndefined();
    // So may a read-only one, whatever the playbook declares: there is nothing to undo.
    const readOnly = { summary: "Find invalid indexes", details: [], risk: { irreversible: false, readOnly: true } };
    expect(unreachableApproval({ commander: "UREQ", users: [], groups: [] }, irreversible, readOnly, "UREQ", 1)).toBeUndefined();
    // And an action that says its change cannot be undone is irreversible even where the playbook declares a rollback.
    const dropping = { summary: "Drop the index", details: [], risk: { irreversible: true } };
    expect(unreachableApproval({ commander: "UREQ", users: [], groups: [] }, { ...irreversible, reversible: true }, dropping, "UREQ", 1)).toMatch(/^Nobody but <@UREQ>/);
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
