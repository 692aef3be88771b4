// Every transition of the run state machine, as a pure function.
import { describe, expect, it } from "vitest";
import { APPROVAL_TTL_MS, decide, InvalidTransition, type PlaybookRun, type RunEvent } from "../../src/domain/playbook-run.js";
import { newRun, plan, samplePlaybook } from "../helpers/playbook-fixtures.js";

const now = new Date("2026-03-08T09:15:00Z");
// A worker's claim (ready → running) happens in the store, outside `decide`; the helper does the same.
const claimIfReady = (run: PlaybookRun): PlaybookRun => ({ ...run, steps: run.steps.map((s) => (s.state === "ready" ? { ...s, state: "running" as const } : s)) });
const apply = (run: PlaybookRun, ...events: RunEvent[]) => events.reduce((r, e) => claimIfReady(decide(r, e, now).run), run);
const states = (run: PlaybookRun) => run.steps.map((s) => s.state);
const eligible = { commander: "UCMD", users: [], groups: [{ name: "dba", members: ["UDBA"] }] };
const prepared = (position: number, extra = {}): RunEvent => ({ type: "prepared", position, input: { text: "x" }, plan: plan(), peakHours: false, eligible, ...extra });

describe("a playbook run", () => {
  it("starts by planning its first step, and a step without approval becomes ready", () => {
    const started = decide(newRun(), { type: "start" }, now);
    expect(states(started.run)).toEqual(["preparing", "pending", "pending"]);
    expect(started.commands).toContainEqual({ type: "prepare", position: 0 });
    expect(started.timeline[0]!.text).toBe("Playbook “Sample” started by <@UREQ>");
    const ready = decide(started.run, prepared(0), now);
    expect(ready.run.steps[0]).toMatchObject({ state: "ready", input: { text: "x" } });
    expect(ready.commands).toEqual(expect.arrayContaining([{ type: "execute", position: 0 }, { type: "render", position: 0 }]));
    expect(() => decide(started.run, { type: "start" }, now)).toThrow(InvalidTransition);
  });

  it("asks for approval with an expiry, and runs once enough distinct people approve", () => {
    const atRebuild = apply(newRun(), { type: "start" }, prepared(0), { type: "succeeded", position: 0, output: { found: 1 } });
    expect(states(atRebuild)).toEqual(["succeeded", "preparing", "pending"]);
    const asked = decide(atRebuild, prepared(1), now);
    expect(asked.run.steps[1]).toMatchObject({ state: "awaiting_approval", round: 1, requiredApprovals: 1, approvalExpiresAt: new Date(now.getTime() + APPROVAL_TTL_MS) });
    expect(asked.commands).toContainEqual({ type: "expire_approval", position: 1, round: 1, at: new Date(now.getTime() + APPROVAL_TTL_MS) });
    expect(asked.timeline[0]!.text).toBe("Approval requested for “Rebuild the index”: do it — needs 1 from the incident commander (<@UCMD>) or members of dba (<@UDBA>)");
    // Who may approve is fixed with the request.
    expect(asked.run.steps[1]!.eligible).toEqual(eligible);
    const approved = decide(asked.run, { type: "approve", position: 1, userId: "UCMD" }, now);
    expect(approved.run.steps[1]!.state).toBe("ready");
    expect(approved.timeline[0]!.text).toBe("<@UCMD> approved “Rebuild the index” (1/1)");
    expect(() => decide(approved.run, { type: "approve", position: 1, userId: "UOTHER" }, now)).toThrow("“Rebuild the index” is approved and about to run now, so this no longer applies");
  });

  it("needs one more approval for a risky step at peak hours, and counts distinct people", () => {
    const atShift = apply(newRun(), { type: "start" }, prepared(0), { type: "succeeded", position: 0, output: null }, prepared(1), { type: "approve", position: 1, userId: "UCMD" }, { type: "succeeded", position: 1, output: null });
    const asked = decide(atShift, prepared(2, { peakHours: true }), now);
    expect(asked.run.steps[2]!.requiredApprovals).toBe(2);
    expect(asked.timeline[0]!.text).toContain("(one more because it is peak hours)");
    const once = decide(asked.run, { type: "approve", position: 2, userId: "UCMD" }, now).run;
    expect(once.steps[2]!.state).toBe("awaiting_approval");
    expect(() => decide(once, { type: "approve", position: 2, userId: "UCMD" }, now)).toThrow("already approved");
    expect(decide(once, { type: "approve", position: 2, userId: "USECOND" }, now).run.steps[2]!.state).toBe("ready");
  });

  it("completes when the last step succeeds", () => {
    const run = apply(newRun(samplePlaybook([{}, { approval: undefined }, { approval: undefined }])), { type: "start" },
      prepared(0), { type: "succeeded", position: 0, output: 1 }, prepared(1), { type: "succeeded", position: 1, output: 2 }, prepared(2));
    const done = decide(claimIfReady(run), { type: "succeeded", position: 2, output: 3 }, now);
    expect(done.run.state).toBe("succeeded");
    expect(done.timeline.map((t) => t.text)).toContain("Playbook “Sample” completed");
  });

  it("stops on a denial, recording who and why, and cancels what is left", () => {
    const asked = apply(newRun(), { type: "start" }, prepared(0), { type: "succeeded", position: 0, output: null }, prepared(1));
    const denied = decide(asked, { type: "deny", position: 1, userId: "UDBA", reason: "not at peak" }, now);
    expect(denied.run.state).toBe("failed");
    expect(states(denied.run)).toEqual(["succeeded", "denied", "cancelled"]);
    expect(denied.timeline[0]).toEqual({ kind: "denial", actor: "UDBA", text: "<@UDBA> denied “Rebuild the index”: not at peak" });
  });

  it("re-requests an expired approval in a new round, and ignores a stale expiry", () => {
    const asked = apply(newRun(), { type: "start" }, prepared(0), { type: "succeeded", position: 0, output: null }, prepared(1), { type: "approve", position: 1, userId: "X" });
    const pending = apply(newRun(samplePlaybook([{}, { approval: { from: "commander", count: 1 } }])), { type: "start" }, prepared(0), { type: "succeeded", position: 0, output: null }, prepared(1));
    const now2 = { commander: "UNEW", users: [], groups: [] };
    const expired = decide(pending, { type: "approval_expired", position: 1, round: 1, eligible: now2, commander: "UNEW" }, now);
    // The new round is asked of the approvers as they are now, and its version moves, so the
    // store saves it and the old message's buttons are out of date.
    expect(expired.run.steps[1]).toMatchObject({ state: "awaiting_approval", round: 2, approvals: [], eligible: now2, version: pending.steps[1]!.version + 1 });
    expect(expired.commands).toContainEqual({ type: "render", position: 1 });
    expect(expired.timeline[0]).toMatchObject({ kind: "approval-expired", text: "Approval for “Rebuild the index” expired unanswered; asked again of the incident commander (<@UNEW>)" });
    expect(decide(expired.run, { type: "approval_expired", position: 1, round: 1, eligible: now2, commander: "UNEW" }, now)).toMatchObject({ timeline: [], commands: [] });
    expect(decide(asked, { type: "approval_expired", position: 1, round: 1, eligible: now2, commander: "UNEW" }, now).timeline).toEqual([]);
  });

  it("re-requests a waiting step on request: a new round with the set as it is now, recorded with who asked", () => {
    const pending = apply(newRun(), { type: "start" }, prepared(0), { type: "succeeded", position: 0, output: null }, prepared(1));
    const fresh = { commander: "UCMD", users: [], groups: [{ name: "dba", members: ["UDBA", "UNEWDBA"] }] };
    const again = decide(pending, { type: "rerequest", position: 1, userId: "UREQ", eligible: fresh, commander: "UCMD" }, now);
    expect(again.run.steps[1]).toMatchObject({ state: "awaiting_approval", round: 2, eligible: fresh, version: pending.steps[1]!.version + 1 });
    expect(again.commands).toContainEqual({ type: "expire_approval", position: 1, round: 2, at: new Date(now.getTime() + APPROVAL_TTL_MS) });
    expect(again.timeline).toEqual([{ kind: "approval-request", actor: "UREQ", text: "<@UREQ> re-requested approval for “Rebuild the index”; may approve now: the incident commander (<@UCMD>) or members of dba (<@UDBA>, <@UNEWDBA>)" }]);
    const approved = claimIfReady(decide(pending, { type: "approve", position: 1, userId: "UCMD" }, now).run);
    expect(() => decide(approved, { type: "rerequest", position: 1, userId: "UREQ", eligible: fresh, commander: "UCMD" }, now)).toThrow(InvalidTransition);
  });

  it("fails a step whose plan is a no-op, with the plan's reason", () => {
    const run = decide(apply(newRun(), { type: "start" }), prepared(0, { plan: plan("drop", { noop: "index x does not exist" }) }), now).run;
    expect(run.steps[0]).toMatchObject({ state: "failed", error: "Nothing was done: index x does not exist" });
    expect(run.state).toBe("failed");
  });

  it("follows on_failure: continue goes on, rollback undoes completed steps in reverse", () => {
    const cont = apply(newRun(samplePlaybook([{ on_failure: "continue" }])), { type: "start" }, prepared(0));
    expect(states(decide(cont, { type: "failed", position: 0, error: "boom" }, now).run)).toEqual(["failed", "preparing", "pending"]);

    const pb = samplePlaybook([{ rollback: { action: "incident.note", with: { text: "undo find" } } }, { approval: undefined }, { approval: undefined, on_failure: "rollback" }]);
    const atShift = apply(newRun(pb), { type: "start" }, prepared(0), { type: "succeeded", position: 0, output: 1 }, prepared(1), { type: "succeeded", position: 1, output: 2 }, prepared(2));
    const failed = decide(atShift, { type: "failed", position: 2, error: "boom" }, now);
    expect(failed.run.state).toBe("failed");
    // The failed shift may have half-happened, so its own rollback runs first.
    expect(states(failed.run)).toEqual(["succeeded", "succeeded", "rolling_back"]);
    expect(failed.commands).toContainEqual({ type: "execute", position: 2 });
    const shiftUndone = decide(failed.run, { type: "rollback_succeeded", position: 2 }, now);
    // "rebuild" has no rollback, so the next one is "find".
    expect(states(shiftUndone.run)).toEqual(["rolling_back", "succeeded", "rolled_back"]);
    const undone = decide(shiftUndone.run, { type: "rollback_succeeded", position: 0 }, now);
    expect(states(undone.run)).toEqual(["rolled_back", "succeeded", "rolled_back"]);
    expect(undone.timeline[0]!.text).toBe("Rolled back “Find invalid indexes”");
  });

  it("re-runs an idempotent step whose worker died, but leaves any other interrupted for a person", () => {
    const running = (run: PlaybookRun, position: number) => ({ ...run, steps: run.steps.map((s) => (s.position === position ? { ...s, state: "running" as const } : s)) });
    const find = decide(running(apply(newRun(), { type: "start" }, prepared(0)), 0), { type: "lease_expired", position: 0 }, now);
    expect(find.run.steps[0]!.state).toBe("ready");
    expect(find.commands).toContainEqual({ type: "execute", position: 0 });

    const atRebuild = apply(newRun(), { type: "start" }, prepared(0), { type: "succeeded", position: 0, output: null }, prepared(1), { type: "approve", position: 1, userId: "U" });
    const lost = decide(running(atRebuild, 1), { type: "lease_expired", position: 1 }, now);
    expect(lost.run.steps[1]!.state).toBe("interrupted");
    expect(lost.commands.some((c) => c.type === "execute")).toBe(false);
    expect(lost.timeline[0]!.text).toContain("interrupted: its outcome is unknown");

    expect(decide(lost.run, { type: "retry", position: 1, userId: "UCMD" }, now).run.steps[1]!.state).toBe("ready");
    expect(states(decide(lost.run, { type: "skip", position: 1, userId: "UCMD" }, now).run)).toEqual(["succeeded", "skipped", "preparing"]);
    const aborted = decide(lost.run, { type: "abort", userId: "UCMD" }, now);
    expect(aborted.run.state).toBe("aborted");
    expect(states(aborted.run)).toEqual(["succeeded", "interrupted", "cancelled"]);
  });

  it("still records what a running step did after its run was aborted, without moving on", () => {
    const running = apply(newRun(), { type: "start" }, prepared(0));
    const claimed = { ...running, steps: running.steps.map((s, i) => (i === 0 ? { ...s, state: "running" as const } : s)) };
    const aborted = decide(claimed, { type: "abort", userId: "UCMD" }, now).run;
    const finished = decide(aborted, { type: "succeeded", position: 0, output: "done" }, now);
    expect(states(finished.run)).toEqual(["succeeded", "cancelled", "cancelled"]);
    expect(finished.run.state).toBe("aborted");
    expect(() => decide(aborted, { type: "approve", position: 1, userId: "U" }, now)).toThrow("been aborted");
  });

  it("retries a step that failed before it had a plan by planning it again", () => {
    const failed = decide(apply(newRun(), { type: "start" }), { type: "prepare_failed", position: 0, error: "db down" }, now).run;
    const retried = decide(failed, { type: "retry", position: 0, userId: "UCMD" }, now);
    expect(retried.run.state).toBe("running");
    expect(retried.run.steps[0]!.state).toBe("preparing");
    expect(retried.commands).toContainEqual({ type: "prepare", position: 0 });
  });
});
