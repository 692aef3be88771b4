// The waiting step's message: who may approve (the stored set), a plain warning when nobody
// else can, and buttons that stay valid Block Kit.
import { describe, expect, it } from "vitest";
import type { KnownBlock } from "@slack/types";
import { decide, type PlaybookRun } from "../../src/domain/playbook-run.js";
import type { EligibleSet } from "../../src/domain/approval-policy.js";
import { stepMessage } from "../../src/views/slack/step-message.js";
import { newRun, plan } from "../helpers/playbook-fixtures.js";

const now = new Date("2026-03-08T09:15:00Z");

function waiting(eligible: EligibleSet): PlaybookRun {
  let run = decide(newRun(), { type: "start" }, now).run;
  run = decide(run, { type: "prepared", position: 0, input: {}, plan: plan(), peakHours: false }, now).run;
  run = { ...run, steps: run.steps.map((s, i) => (i === 0 ? { ...s, state: "running" as const } : s)) };
  run = decide(run, { type: "succeeded", position: 0, output: null }, now).run;
  return decide(run, { type: "prepared", position: 1, input: {}, plan: plan(), peakHours: false, eligible }, now).run;
}
const render = (run: PlaybookRun, commander: string | null) => stepMessage(run, run.steps[1]!, commander, "UTC");
const text = (blocks: KnownBlock[]) => JSON.stringify(blocks);

describe("a step waiting for approval", () => {
  it("names the approvers stored with the request, not whoever commands now", () => {
    const run = waiting({ commander: "UCMD", users: [], groups: [{ name: "dba", members: ["UDBA"] }] });
    expect(text(render(run, "UCMD").blocks)).toContain("may approve: the incident commander (<@UCMD>) or members of dba (<@UDBA>)");
    expect(text(render(run, "UTAKER").blocks)).toContain("may approve: <@UCMD> (commander when approval was requested) or members of dba (<@UDBA>)");
    expect(text(render(run, "UCMD").blocks)).not.toContain(":warning: Nobody");
  });

  it("offers Approve, Deny and Re-request approval as valid Block Kit", () => {
    const run = waiting({ commander: "UCMD", users: [], groups: [] });
    const actions = render(run, "UCMD").blocks.filter((b) => b.type === "actions") as { elements: { action_id: string; text: { text: string } }[] }[];
    expect(actions).toHaveLength(1);
    const elements = actions[0]!.elements;
    expect(elements.map((e) => e.text.text)).toEqual(["Approve", "Deny", "Re-request approval"]);
    expect(new Set(elements.map((e) => e.action_id)).size).toBe(elements.length);
    expect(elements.length).toBeLessThanOrEqual(25);
    expect(elements.every((e) => e.text.text.length <= 75)).toBe(true);
  });

  it("says so when nobody but the run's starter could approve an irreversible step", () => {
    const run = waiting({ commander: "UREQ", users: [], groups: [{ name: "dba", members: [] }] });
    expect(text(render(run, "UREQ").blocks)).toContain(":warning: Nobody but <@UREQ>, who started the run, can approve this step, and it cannot be undone");
  });
});

describe("the risk a step message shows", () => {
  function planned(risk: { irreversible: boolean; readOnly?: boolean }, reversible: boolean): PlaybookRun {
    let run = decide(newRun(), { type: "start" }, now).run;
    run = { ...run, playbook: { ...run.playbook, steps: run.playbook.steps.map((s, i) => (i === 1 ? { ...s, reversible } : s)) } };
    run = decide(run, { type: "prepared", position: 0, input: {}, plan: plan(), peakHours: false }, now).run;
    run = { ...run, steps: run.steps.map((s, i) => (i === 0 ? { ...s, state: "running" as const } : s)) };
    run = decide(run, { type: "succeeded", position: 0, output: null }, now).run;
    return decide(run, { type: "prepared", position: 1, input: {}, plan: { ...plan(), risk }, peakHours: false, eligible: { commander: "UCMD", users: [], groups: [] } }, now).run;
  }
  const shown = (run: PlaybookRun) => {
    const blocks = stepMessage(run, run.steps[1]!, "UCMD", "UTC").blocks;
    const risk = (blocks.find((b) => b.type === "context" && JSON.stringify(b).includes("re-run")) as { elements: { text: string }[] }).elements[0]!.text.split(" · ")[0];
    const approve = (blocks.find((b) => b.type === "actions") as { elements: { action_id: string; confirm?: unknown }[] } | undefined)?.elements[0];
    return { risk, confirms: Boolean(approve?.confirm) };
  };

  it("comes from what the action does: a read-only check is never called irreversible", () => {
    expect(shown(planned({ irreversible: false, readOnly: true }, false))).toEqual({ risk: ":mag: read-only", confirms: false });
    expect(shown(planned({ irreversible: false }, true))).toEqual({ risk: "reversible", confirms: false });
    expect(shown(planned({ irreversible: false }, false))).toEqual({ risk: ":warning: *irreversible*", confirms: true });
    // The action's own word wins over the playbook's declared rollback.
    expect(shown(planned({ irreversible: true }, true))).toEqual({ risk: ":warning: *irreversible*", confirms: true });
  });
});

describe("a run that can no longer act", () => {
  it("shows no buttons once aborted, and only Retry on a failed run", () => {
    let run = decide(newRun(), { type: "start" }, now).run;
    run = decide(run, { type: "prepared", position: 0, input: {}, plan: plan(), peakHours: false }, now).run;
    run = { ...run, steps: run.steps.map((s, i) => (i === 0 ? { ...s, state: "running" as const } : s)) };
    const failed = decide(run, { type: "failed", position: 0, error: "boom" }, now).run;
    const labels = (r: PlaybookRun) => stepMessage(r, r.steps[0]!, "UCMD", "UTC").blocks.flatMap((b) => (b.type === "actions" ? (b as { elements: { text: { text: string } }[] }).elements.map((e) => e.text.text) : []));
    expect(failed.state).toBe("failed");
    expect(labels(failed)).toEqual(["Retry"]);
    const aborted = { ...failed, state: "aborted" as const };
    expect(labels(aborted)).toEqual([]);
    expect(() => decide(aborted, { type: "retry", position: 0, userId: "UCMD" }, now)).toThrow(/aborted/);
  });
});
