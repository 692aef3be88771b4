// The shipped rebuild playbook as a commander meets it: the find step lists invalid indexes, the
// rebuild step offers exactly those in a select (nobody types an index name), a choice plans the
// step with it and asks for approval, once; the plan's statement shows in the message and its
// details go to one thread reply; when nothing was found the step says so and the run can be ended.
// The actions are stand-ins with the real names (no database target here); the playbook is the
// shipped file.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Incident } from "../../src/domain/incident.js";
import { parseJsonWith } from "../../src/kernel/parse-json.js";
import { createActionRegistry, defineAction } from "../../src/playbooks/action-registry.js";
import { checkPlaybookSource } from "../../src/playbooks/check-playbooks.js";
import { chooseForStep } from "../../src/playbooks/engine/choose-step.js";
import { decideStep } from "../../src/playbooks/engine/decide-step.js";
import { startRun } from "../../src/playbooks/engine/start-run.js";
import type { Playbook } from "../../src/domain/playbook-schema.js";
import { STEP_ACTIONS } from "../../src/views/slack/step-message.js";
import { summarizeInvalidIndexes } from "../../src/playbooks/actions/postgres-find-invalid-indexes.js";
import { flowWorld, type FlowWorld } from "./flow-world.js";

const ADA = "UADA"; // the commander
const BEN = "UBEN"; // started the run
const EVE = "UEVE"; // neither

let found: string[] = [];
const planned: string[] = [];
const loose = z.record(z.string(), z.unknown());
const actions = [
  defineAction({
    name: "postgres.find_invalid_indexes",
    description: "stand-in",
    input: loose,
    outputs: ["indexes", "count"],
    plan: async () => ({ summary: "Find invalid indexes (read-only)", details: [{ kind: "sql", text: "SELECT … FROM pg_index WHERE NOT indisvalid" }], risk: { irreversible: false, readOnly: true } }),
    run: async () => ({ indexes: found.map((name) => ({ name, size: "12 MB" })), count: found.length }),
    summarize: summarizeInvalidIndexes,
  }),
  defineAction({
    name: "postgres.rebuild_index",
    description: "stand-in",
    input: z.object({ target: z.string(), index: z.string(), method: z.string() }),
    outputs: ["index"],
    plan: async ({ index }) => {
      planned.push(index);
      return {
        summary: `Rebuild index ${index} with REINDEX INDEX CONCURRENTLY`,
        change: `REINDEX INDEX CONCURRENTLY ${index};`,
        details: [{ kind: "sql", text: `REINDEX INDEX CONCURRENTLY ${index}` }, { kind: "text", text: "table public.orders; index size 12 MB; currently INVALID" }],
        risk: { irreversible: false },
      };
    },
    run: async ({ index }) => ({ index }),
  }),
  defineAction({ name: "postgres.verify_index_valid", description: "stand-in", input: loose, plan: async () => ({ summary: "check", details: [], risk: { irreversible: false, readOnly: true } }), run: async () => ({}) }),
  defineAction({ name: "datadog.metric_gate", description: "stand-in", input: loose, plan: async () => ({ summary: "gate", details: [], risk: { irreversible: false, readOnly: true } }), run: async () => ({}) }),
];
const playbook = checkPlaybookSource(readFileSync("playbooks/rebuild-invalid-index.yaml", "utf8"), "rebuild-invalid-index.yaml", createActionRegistry(actions)).playbook as Playbook;

let w: FlowWorld;
let incident: Incident;
beforeAll(async () => {
  w = await flowWorld({ playbooks: [playbook], actions });
  const created = await w.store.incidents.create({ title: "Orders slow", severity: "SEV2", source: "slack", detectedAt: new Date(), commander: ADA });
  incident = (await w.store.incidents.update(created.id, created.version, { channelId: "CRUN" }))!;
});
afterAll(() => w.close());

type Block = { type: string; text?: { text: string }; elements?: { type: string; action_id: string; value?: string; text?: { text: string }; options?: { text: { text: string }; value: string }[] }[] };
const stepMessage = (ts: string) => w.chat.posted.find((p) => p.channel === "CRUN" && p.ts === ts)!.message;
const blocksOf = (ts: string) => stepMessage(ts).blocks as Block[];
const choiceValue = z.object({ runId: z.number().int(), position: z.number().int(), version: z.number().int(), round: z.number().int(), choice: z.number().int() });
const buttonValue = choiceValue.omit({ choice: true });

async function start(): Promise<number> {
  const started = await startRun(w.engine.deps, { incident, playbook, params: { target: "orders-db", cpu_query: "avg:cpu{db:orders}", cpu_below: 70 }, userId: BEN });
  if (!started.ok) throw new Error(started.reason);
  await w.settle();
  return started.run.id;
}

describe("a step that asks for a choice from an earlier step's output", () => {
  it("offers what the find step found, plans with the choice once, and puts the plan's details in a thread", async () => {
    found = ["public.orders_created_at_idx", "billing.accounts_email_key"];
    const runId = await start();
    let run = (await w.store.runs.get(runId))!;
    expect(run.steps.map((s) => s.state)).toEqual(["succeeded", "choosing", "pending"]);
    expect(planned).toEqual([]); // nothing is planned before someone chooses
    // The find step says what it found in a sentence; its raw output is one reply in its thread.
    const findTs = run.steps[0]!.slackTs!;
    expect(JSON.stringify(blocksOf(findTs))).toContain("Found 2 invalid indexes: public.orders_created_at_idx, billing.accounts_email_key");
    expect(JSON.stringify(blocksOf(findTs))).not.toContain("12 MB");
    const outputReplies = w.chat.posted.filter((p) => p.message.threadTs === findTs && JSON.stringify(p.message.blocks).includes("Output of step 1"));
    expect(outputReplies).toHaveLength(1);
    expect(JSON.stringify(outputReplies[0]!.message.blocks)).toContain('\\"size\\": \\"12 MB\\"');
    const ts = run.steps[1]!.slackTs!;
    const select = blocksOf(ts).flatMap((b) => b.elements ?? []).find((e) => e.action_id === STEP_ACTIONS.choose)!;
    expect(select.type).toBe("static_select");
    expect(select.options!.map((o) => o.text.text)).toEqual(found);

    // Someone with no part in the run cannot choose; nothing moves.
    const second = parseJsonWith(choiceValue, select.options![1]!.value, "an option");
    expect(await chooseForStep(w.engine.deps, { userId: EVE, shown: second })).toMatchObject({ ok: false, reason: expect.stringContaining("can choose for it") });
    expect((await w.store.runs.get(runId))!.steps[1]!.state).toBe("choosing");

    expect(await chooseForStep(w.engine.deps, { userId: ADA, shown: second })).toEqual({ ok: true });
    // The same (now old) select chosen again, even with another option, changes nothing.
    const first = parseJsonWith(choiceValue, select.options![0]!.value, "an option");
    expect((await chooseForStep(w.engine.deps, { userId: BEN, shown: first })).ok).toBe(false);
    await w.settle();

    run = (await w.store.runs.get(runId))!;
    expect(run.params.index).toBe("billing.accounts_email_key");
    expect(run.steps[1]).toMatchObject({ state: "awaiting_approval", input: { index: "billing.accounts_email_key" } });
    expect(planned).toEqual(["billing.accounts_email_key"]);
    const timeline = await w.store.timeline.list(incident.id);
    expect(timeline.filter((e) => e.kind === "choice").map((e) => [e.actor, e.text])).toEqual([[ADA, `<@${ADA}> chose index billing.accounts_email_key for “Rebuild the index concurrently”`]]);

    // The message: the statement that matters, no raw details, and where they are.
    const shown = JSON.stringify(blocksOf(ts));
    expect(shown).toContain("```REINDEX INDEX CONCURRENTLY billing.accounts_email_key;```");
    expect(shown).toContain("Details in thread");
    expect(shown).not.toContain("currently INVALID");
    expect(blocksOf(ts).flatMap((b) => b.elements ?? []).some((e) => e.action_id === STEP_ACTIONS.choose)).toBe(false);
    // The details: one reply in the step message's thread, however many renders followed.
    const replies = w.chat.posted.filter((p) => p.message.threadTs === ts);
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0]!.message.blocks)).toContain("currently INVALID");
  });

  it("says so when nothing was found, and the run can be ended", async () => {
    found = [];
    const runId = await start();
    const run = (await w.store.runs.get(runId))!;
    expect(run.steps[1]!.state).toBe("choosing");
    const blocks = blocksOf(run.steps[1]!.slackTs!);
    expect(JSON.stringify(blocks)).toContain("found no index to choose from");
    const end = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === STEP_ACTIONS.abort)!;
    expect(end.text!.text).toBe("End run");
    expect(await decideStep(w.engine.deps, { decision: "abort", userId: BEN, shown: parseJsonWith(buttonValue, end.value!, "End run") })).toEqual({ ok: true });
    await w.settle();
    expect((await w.store.runs.get(runId))!.state).toBe("aborted");
    expect((await w.store.runs.get(runId))!.steps.map((s) => s.state)).toEqual(["succeeded", "cancelled", "cancelled"]);
  });
});
