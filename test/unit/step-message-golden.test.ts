// Golden step messages of the shipped rebuild playbook, one per risk its actions carry: the
// read-only find step, the choice the rebuild step asks for, the rebuild waiting for approval
// (the one statement that matters, details in a thread), its details reply, and the read-only
// metric gate, and the gate passed: a finished step says what it found in a sentence, its raw
// output in a thread. A change to what a commander reads at 3am shows up here as a diff to review.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { decide, type PlaybookRun } from "../../src/domain/playbook-run.js";
import { playbookSchema } from "../../src/domain/playbook-schema.js";
import { stepDetails, stepMessage, stepOutput } from "../../src/views/slack/step-message.js";
import { summarizeInvalidIndexes } from "../../src/playbooks/actions/postgres-find-invalid-indexes.js";
import { summarizeGate } from "../../src/playbooks/actions/datadog-metric-gate.js";
import { newRun } from "../helpers/playbook-fixtures.js";
import { validateBlocks } from "../../src/sandbox/emulators/slack/block-kit/validate-blocks.js";

const now = new Date("2026-03-08T03:15:00Z");
const playbook = playbookSchema.parse(parse(readFileSync("playbooks/rebuild-invalid-index.yaml", "utf8")));
const eligible = { commander: "UCMD", users: [], groups: [{ name: "dba", members: ["UDBA"] }] };
const findPlan = {
  summary: "Find invalid indexes on postgres target orders-db (read-only)",
  details: [{ kind: "sql" as const, text: "SELECT n.nspname AS schema, … FROM pg_index i … WHERE (NOT i.indisvalid OR NOT i.indisready)" }, { kind: "text" as const, text: "$1 (schema) = NULL, $2 (table) = NULL" }],
  risk: { irreversible: false, readOnly: true },
};
const rebuildPlan = {
  summary: "Rebuild index public.orders_created_at_idx on table public.orders with REINDEX INDEX CONCURRENTLY, then check it is valid and ready",
  change: 'REINDEX INDEX CONCURRENTLY "public"."orders_created_at_idx";',
  details: [
    { kind: "sql" as const, text: 'REINDEX INDEX CONCURRENTLY "public"."orders_created_at_idx"' },
    { kind: "text" as const, text: "table public.orders; index size 2 GB; currently INVALID; CREATE INDEX orders_created_at_idx ON public.orders USING btree (created_at)" },
  ],
  risk: { irreversible: false },
};
const gatePlan = { summary: "Wait until avg:cpu{db:orders} is below 70 (up to 15m, every 1m)", details: [{ kind: "text" as const, text: "query: avg:cpu{db:orders}" }], risk: { irreversible: false, readOnly: true } };

function running(run: PlaybookRun, position: number): PlaybookRun {
  return { ...run, steps: run.steps.map((s, i) => (i === position ? { ...s, state: "running" as const } : s)) };
}
const output = {
  indexes: [
    { name: "public.orders_created_at_idx", schema: "public", table: "orders", index: "orders_created_at_idx", size: "2 GB" },
    { name: "public.orders_customer_idx", schema: "public", table: "orders", index: "orders_customer_idx", size: "12 MB" },
  ],
  count: 2,
};
const gateInput = { query: "avg:cpu{db:orders}", below: 70 };
const gateOutput = { passed: true, value: 30, checks: 2, values: [82, 30] };
function stages() {
  let run = decide({ ...newRun(playbook, "UREQ"), params: { target: "orders-db", cpu_query: "avg:cpu{db:orders}", cpu_below: 70 } }, { type: "start" }, now).run;
  run = decide(run, { type: "prepared", position: 0, input: {}, plan: findPlan, peakHours: false }, now).run;
  run = decide(running(run, 0), { type: "succeeded", position: 0, output }, now).run;
  const choosing = run;
  run = decide(run, { type: "choose", position: 1, userId: "UCMD", value: "public.orders_created_at_idx" }, now).run;
  const awaiting = decide(run, { type: "prepared", position: 1, input: {}, plan: rebuildPlan, peakHours: false, eligible }, now).run;
  run = decide(awaiting, { type: "approve", position: 1, userId: "UDBA" }, now).run;
  run = decide(running(run, 1), { type: "succeeded", position: 1, output: { index: "public.orders_created_at_idx", valid: true } }, now).run;
  const gate = decide(run, { type: "prepared", position: 2, input: gateInput, plan: gatePlan, peakHours: false }, now).run;
  const passed = decide(running(gate, 2), { type: "succeeded", position: 2, output: gateOutput }, now).run;
  return { choosing, awaiting, gate, passed };
}

describe("golden step messages of the rebuild playbook", () => {
  const { choosing, awaiting, gate, passed } = stages();
  it("the read-only find step, succeeded: what it found in a sentence, the raw output in a thread", () => {
    const message = stepMessage(choosing, choosing.steps[0]!, "UCMD", "UTC", summarizeInvalidIndexes(output));
    expect(message).toMatchSnapshot();
    expect(JSON.stringify(message.blocks)).toContain("Found 2 invalid indexes: orders_created_at_idx on orders, orders_customer_idx on orders");
    expect(JSON.stringify(message.blocks)).not.toContain("12 MB");
    expect(stepOutput(choosing.steps[0]!)).toMatchSnapshot();
    expect(JSON.stringify(stepOutput(choosing.steps[0]!).blocks)).toContain("12 MB");
  });
  it("the rebuild step asking which found index to rebuild", () => {
    expect(stepMessage(choosing, choosing.steps[1]!, "UCMD", "UTC")).toMatchSnapshot();
  });
  it("the rebuild step waiting for approval: the statement, details in thread", () => {
    expect(stepMessage(awaiting, awaiting.steps[1]!, "UCMD", "UTC")).toMatchSnapshot();
  });
  it("the rebuild step's details reply", () => {
    expect(stepDetails(awaiting, awaiting.steps[1]!)).toMatchSnapshot();
  });
  it("are all Block Kit that Slack accepts, including a choice of more than 100 values and very long names", () => {
    const many = { ...output, indexes: Array.from({ length: 130 }, (_, i) => ({ name: `public.${"x".repeat(90)}_${i}` })) };
    const crowded = { ...choosing, steps: choosing.steps.map((s, i) => (i === 0 ? { ...s, output: many } : s)) };
    const messages = [stepMessage(choosing, choosing.steps[1]!, "UCMD", "UTC"), stepMessage(crowded, crowded.steps[1]!, "UCMD", "UTC"), stepMessage(awaiting, awaiting.steps[1]!, "UCMD", "UTC"), stepDetails(awaiting, awaiting.steps[1]!)];
    for (const message of messages) expect(validateBlocks(message.blocks, "message", "/blocks")).toEqual([]);
    expect(JSON.stringify(messages[1])).toContain("(the first 100 of 130)");
  });
  it("the read-only metric gate", () => {
    expect(stepMessage(gate, gate.steps[2]!, "UCMD", "UTC")).toMatchSnapshot();
  });
  it("the metric gate, passed", () => {
    const message = stepMessage(passed, passed.steps[2]!, "UCMD", "UTC", summarizeGate(gateOutput, gateInput));
    expect(message).toMatchSnapshot();
    expect(JSON.stringify(message.blocks)).toContain("avg:cpu{db:orders} 30 (&lt; 70): passed after 2 checks");
    for (const m of [message, stepOutput(passed.steps[2]!)]) expect(validateBlocks(m.blocks, "message", "/blocks")).toEqual([]);
  });
});
