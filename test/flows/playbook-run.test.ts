// Starting a playbook run and deciding its guarded step: the step waits for the commander, a
// click from anyone else is refused and runs nothing, the commander's approval runs the action
// once and the run completes, and a second click on the same (now old) button changes nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import type { Incident } from "../../src/domain/incident.js";
import { parseJsonWith } from "../../src/kernel/parse-json.js";
import { defineAction } from "../../src/playbooks/action-registry.js";
import { decideStep } from "../../src/playbooks/engine/decide-step.js";
import { startRun } from "../../src/playbooks/engine/start-run.js";
import { playbookSchema } from "../../src/domain/playbook-schema.js";
import { STEP_ACTIONS } from "../../src/views/slack/step-message.js";
import { flowWorld, type FlowWorld } from "./flow-world.js";

const ADA = "UADA"; // the commander
const BEN = "UBEN"; // a responder
const scaled: number[] = [];
const scale = defineAction({
  name: "test.scale",
  description: "pretends to scale a deployment",
  input: z.strictObject({ replicas: z.number().int() }),
  plan: async ({ replicas }) => ({ summary: `Scale checkout to ${replicas} replicas`, details: [], risk: { irreversible: false } }),
  run: async ({ replicas }) => void scaled.push(replicas),
});
const playbook = playbookSchema.parse({
  id: "scale-checkout",
  title: "Scale checkout",
  description: "More replicas for checkout.",
  params: { replicas: { type: "integer", default: 6 } },
  steps: [{ id: "scale", title: "Scale checkout", action: "test.scale", with: { replicas: "{{ params.replicas }}" }, approval: { from: "commander" } }],
});

let w: FlowWorld;
let incident: Incident;
beforeAll(async () => {
  w = await flowWorld({ playbooks: [playbook], actions: [scale] });
  const created = await w.store.incidents.create({ title: "Checkout slow", severity: "SEV2", source: "slack", detectedAt: new Date(), commander: ADA });
  incident = (await w.store.incidents.update(created.id, created.version, { channelId: "CRUN" }))!;
});
afterAll(() => w.close());

const buttonValue = z.object({ runId: z.number().int(), position: z.number().int(), version: z.number().int(), round: z.number().int() });
/** What the Approve button on the latest step message carries, read as the listener reads it. */
function approveButton() {
  const message = w.chat.posted.filter((p) => p.channel === "CRUN").at(-1)!.message;
  const actions = (message.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === "actions")!;
  return parseJsonWith(buttonValue, actions.elements!.find((e) => e.action_id === STEP_ACTIONS.approve)!.value, "the Approve button");
}

it("runs the guarded step only after the commander approves, and only once", async () => {
  const started = await startRun(w.engine.deps, { incident, playbook, params: { replicas: 6 }, userId: BEN });
  expect(started.ok).toBe(true);
  const runId = started.ok ? started.run.id : 0;
  await w.settle();
  expect((await w.store.runs.get(runId))!.steps[0]!.state).toBe("awaiting_approval");
  expect(scaled).toEqual([]);
  const shown = approveButton();
  expect(shown).toMatchObject({ runId, position: 0 });

  // Ben may start the run, but only the commander may approve this step.
  const refused = await decideStep(w.engine.deps, { decision: "approve", userId: BEN, shown });
  expect(refused.ok).toBe(false);
  await w.settle();
  expect(scaled).toEqual([]);
  expect((await w.store.runs.get(runId))!.steps[0]).toMatchObject({ state: "awaiting_approval", approvals: [] });

  expect(await decideStep(w.engine.deps, { decision: "approve", userId: ADA, shown })).toEqual({ ok: true });
  // Approved and not yet run: the worker reads that from the database, not from its memory.
  expect(await w.engine.worker.idleNow()).toBe("1 step(s) ready, running or rolling back");
  await w.settle();
  const run = (await w.store.runs.get(runId))!;
  expect(run.state).toBe("succeeded");
  expect(run.steps[0]).toMatchObject({ state: "succeeded", attempt: 1 });
  expect(run.steps[0]!.approvals.map((a) => [a.userId, a.decision])).toEqual([[ADA, "approve"]]);
  expect(scaled).toEqual([6]);
  const timeline = await w.store.timeline.list(incident.id);
  expect(timeline.filter((e) => e.kind === "approval").map((e) => e.actor)).toEqual([ADA]);
  // The step message in the channel now shows the outcome.
  expect(w.chat.posted.filter((p) => p.channel === "CRUN").at(-1)!.message.text).toMatch(/Scale checkout: succeeded$/);

  // The same click again (Slack redelivers, or a double press) is refused and runs nothing.
  expect((await decideStep(w.engine.deps, { decision: "approve", userId: ADA, shown })).ok).toBe(false);
  await w.settle();
  expect(scaled).toEqual([6]);
  expect((await w.store.runs.get(runId))!.steps[0]!.approvals).toHaveLength(1);
});
