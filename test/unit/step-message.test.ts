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
