// The engine's guards with a real store and a recording chat port: blast radius, and a step
// whose action is unavailable — each refused before anything runs, with the reason recorded.
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import type { SqlStore } from "../../src/adapters/store/store.js";
import { createJobRunner } from "../../src/jobs/job-runner.js";
import { createLogger } from "../../src/kernel/log.js";
import { createActionRegistry, defineAction } from "../../src/playbooks/action-registry.js";
import { createPlaybookEngine } from "../../src/playbooks/engine/create-engine.js";
import { startRun } from "../../src/playbooks/engine/start-run.js";
import { playbookSchema } from "../../src/domain/playbook-schema.js";
import { openTestStore } from "../helpers/databases.js";
import { recordingChat } from "../helpers/recording-chat.js";

let store: SqlStore;
beforeAll(async () => {
  store = await openTestStore("pglite");
});
afterAll(() => store.close());

const runs: string[] = [];
const restart = defineAction({
  name: "test.restart_pods",
  description: "pretends to restart pods",
  input: z.strictObject({ pods: z.number().int() }),
  plan: async ({ pods }) => ({ summary: `Restart ${pods} pods`, details: [], risk: { irreversible: false, blastRadius: { unit: "pods", count: pods } } }),
  run: async ({ pods }) => void runs.push(`restarted ${pods}`),
});

async function runPlaybook(pods: number) {
  const chat = recordingChat();
  const log = createLogger({ level: "silent" });
  const playbook = playbookSchema.parse({ id: "guarded", title: "Guarded", description: "d", steps: [{ id: "restart", title: "Restart pods", action: "test.restart_pods", with: { pods } }] });
  const jobs = { runner: undefined as ReturnType<typeof createJobRunner> | undefined };
  const engine = createPlaybookEngine({
    store, chat, log, now: () => new Date(), timezone: "UTC", playbooks: [playbook],
    registry: createActionRegistry([restart]),
    file: { peak_hours: undefined, approver_groups: {}, blast_radius: { "test.restart_pods": 20 }, services: {}, targets: { postgres: {}, kubernetes: {}, traffic: {} } },
    markers: false,
    nudgeJobs: () => undefined,
  });
  jobs.runner = createJobRunner({ jobs: store.jobs, handlers: engine.jobHandlers, log });
  const created = await store.incidents.create({ title: "Guards", severity: "SEV3", source: "slack", detectedAt: new Date() });
  const incident = (await store.incidents.update(created.id, created.version, { channelId: `CGUARD${created.id}` }))!;
  const started = await startRun(engine.deps, { incident, playbook, params: {}, userId: "U1" });
  if (!started.ok) throw new Error(started.reason);
  for (let i = 0; i < 5; i++) {
    await jobs.runner.drain();
    await engine.worker.drain();
  }
  return { run: (await store.runs.get(started.run.id))!, chat, incident };
}

it("refuses a step whose plan touches more than its blast-radius limit, before it runs", async () => {
  const { run, chat, incident } = await runPlaybook(50);
  expect(run.steps[0]).toMatchObject({ state: "failed" });
  expect(run.steps[0]!.error).toBe("Could not plan it: it would touch 50 pods, over the limit of 20 set for test.restart_pods in firebreak.yaml (blast_radius); nothing was run");
  expect(runs).toEqual([]);
  expect(chat.posted.at(-1)!.message.text).toBe("Step 1/1 · Restart pods: failed");
  expect((await store.timeline.list(incident.id)).map((e) => e.text)).toContain(`Step “Restart pods” failed: ${run.steps[0]!.error}`);
});

it("runs the same step when it stays within the limit", async () => {
  const { run } = await runPlaybook(20);
  expect(run.state).toBe("succeeded");
  expect(runs).toEqual(["restarted 20"]);
});
