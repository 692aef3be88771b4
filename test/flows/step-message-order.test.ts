// Step messages appear in step order. A read-only check that runs without approval moves through
// its states at once, so the next step's first render can be claimed before the check's own
// message is posted; that render waits for it (deferred, no attempt spent) instead of posting
// the later step's message above the earlier one.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Incident } from "../../src/domain/incident.js";
import { playbookSchema } from "../../src/domain/playbook-schema.js";
import { createJobRunner, DeferJob } from "../../src/jobs/job-runner.js";
import { createWriteLedger } from "../../src/jobs/write-ledger.js";
import { createLogger } from "../../src/kernel/log.js";
import { defineAction } from "../../src/playbooks/action-registry.js";
import { RENDER_STEP_JOB } from "../../src/playbooks/engine/engine-deps.js";
import { startRun } from "../../src/playbooks/engine/start-run.js";
import { flowWorld, type FlowWorld } from "./flow-world.js";

const ADA = "UADA";
const check = defineAction({
  name: "test.check",
  description: "reads something",
  input: z.strictObject({}),
  plan: async () => ({ summary: "Look at the thing", details: [], risk: { irreversible: false, readOnly: true } }),
  run: async () => ({ ok: true }),
});
const change = defineAction({
  name: "test.change",
  description: "changes something",
  input: z.strictObject({}),
  plan: async () => ({ summary: "Change the thing", details: [], risk: { irreversible: false } }),
  run: async () => undefined,
});
const playbook = playbookSchema.parse({
  id: "check-then-change",
  title: "Check, then change",
  description: "A read-only check, then a guarded change.",
  steps: [
    { id: "check", title: "Check the thing", action: "test.check" },
    { id: "change", title: "Change the thing", action: "test.change", approval: { from: "commander" } },
  ],
});

let w: FlowWorld;
let incident: Incident;
beforeAll(async () => {
  w = await flowWorld({ playbooks: [playbook], actions: [check, change] });
  const created = await w.store.incidents.create({ title: "Thing broken", severity: "SEV2", source: "slack", detectedAt: new Date(), commander: ADA });
  incident = (await w.store.incidents.update(created.id, created.version, { channelId: "CORDER" }))!;
});
afterAll(() => w.close());

it("posts the second step's message only after the first step's", async () => {
  const started = await startRun(w.engine.deps, { incident, playbook, params: {}, userId: ADA });
  const runId = started.ok ? started.run.id : 0;
  // Everything but rendering runs: the check plans and runs, the change is planned and waits.
  const { [RENDER_STEP_JOB]: render, ...others } = w.engine.jobHandlers;
  const log = createLogger({ level: "silent" });
  const noRender = createJobRunner({ jobs: w.store.jobs, log, handlers: others });
  for (let i = 0; i < 20 && (await w.store.runs.get(runId))!.steps[1]!.state !== "awaiting_approval"; i++) {
    await noRender.drain();
    await w.engine.worker.drain();
  }
  const run = (await w.store.runs.get(runId))!;
  expect(run.steps.map((s) => s.state)).toEqual(["succeeded", "awaiting_approval"]);

  // The change's render comes first: it waits for the check's message.
  const queued = await w.store.jobs.list({ kind: RENDER_STEP_JOB, status: "pending" });
  const changeRender = queued.find((job) => (job.payload as { position: number }).position === 1)!;
  const now = new Date();
  const context = { job: changeRender, log, now, writes: createWriteLedger(changeRender, async () => undefined, () => now) };
  await expect(render!(changeRender.payload, context)).rejects.toBeInstanceOf(DeferJob);
  expect(w.chat.posted.filter((p) => p.channel === "CORDER" && p.message.text.startsWith("Step "))).toEqual([]);

  // A render that waited is due again a moment later (pacing, not idleness): settle until it has run.
  const titles = () => w.chat.posted.filter((p) => p.channel === "CORDER" && p.message.text.startsWith("Step ")).map((p) => p.message.text.split(":")[0]);
  await vi.waitFor(async () => {
    await w.settle();
    expect(titles()).toHaveLength(2);
  }, { timeout: 20_000, interval: 300 });
  expect(titles()).toEqual(["Step 1/2 · Check the thing", "Step 2/2 · Change the thing"]);
  // The check is labelled for what it does: it only reads, so it is not irreversible.
  const blocks = JSON.stringify(w.chat.posted.find((p) => p.message.text.startsWith("Step 1/2"))!.message.blocks);
  expect(blocks).toContain(":mag: read-only");
  expect(blocks).not.toContain("irreversible");
});
