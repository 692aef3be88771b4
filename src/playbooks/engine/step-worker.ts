// Runs claimed steps. A claim is a row lock plus a lease, so two workers (or two replicas) never
// run the same step; the lease is renewed while the action runs, and a worker that dies stops
// renewing it, which the sweep turns into `interrupted` (or a re-run, for an idempotent step).
import { randomUUID } from "node:crypto";
import type { ClaimedStep } from "../../ports/store.js";
import { createPollLoop } from "../../jobs/poll-loop.js";
import { durationMs } from "../../domain/playbook-schema.js";
import { actionContext } from "./action-context.js";
import { applyEvent } from "./apply-event.js";
import { RENDER_STEP_JOB, type EngineDeps } from "./engine-deps.js";
import { resolveWith, stepScope } from "./step-scope.js";

export interface StepWorkerOptions {
  owner?: string;
  leaseMs?: number;
  pollMs?: number;
  /** Progress is shown in Slack at most this often per step (chat.update limits). */
  progressEveryMs?: number;
}

export interface StepWorker {
  start(): void;
  stop(): Promise<void>;
  nudge(): void;
  /** Runs claimable steps and sweeps expired leases until there is nothing left (tests). */
  drain(): Promise<void>;
  /** True when this worker runs nothing and no step (on any replica) is ready, running or rolling back. */
  idleNow(): Promise<true | string>;
}

export function createStepWorker(deps: EngineDeps, options: StepWorkerOptions = {}): StepWorker {
  const owner = options.owner ?? `steps-${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const running = new Set<Promise<void>>();
  const stopping = new AbortController();

  async function execute(claim: ClaimedStep): Promise<void> {
    const run = (await deps.store.runs.get(claim.runId))!;
    const incident = (await deps.store.incidents.get(run.incidentId))!;
    const step = run.steps[claim.position]!;
    const def = run.playbook.steps[claim.position]!;
    const log = deps.log.child({ runId: run.id, stepId: def.id, attempt: claim.attempt });
    const rollingBack = claim.state === "rolling_back";
    const timeout = AbortSignal.timeout(durationMs(def.timeout));
    const signal = AbortSignal.any([timeout, stopping.signal]);
    const heartbeat = setInterval(() => {
      void deps.store.runs.heartbeat(step.id, owner, new Date(deps.now().getTime() + leaseMs)).catch(() => undefined);
    }, leaseMs / 3);
    let lastShown = 0;
    const progress = (text: string) => {
      void deps.store.runs.setProgress(step.id, owner, text).then(async () => {
        if (Date.now() - lastShown < (options.progressEveryMs ?? 2_000)) return;
        lastShown = Date.now();
        await deps.store.jobs.enqueue({ kind: RENDER_STEP_JOB, payload: { runId: run.id, position: step.position } }, deps.now());
        deps.nudgeJobs();
      }).catch(() => undefined);
    };
    const context = actionContext(log, deps.now, signal, progress, run.incidentId);
    try {
      if (rollingBack) {
        const rollback = def.rollback!;
        const input = resolveWith(rollback.with, stepScope(run, incident, step.position));
        await deps.registry.get(rollback.action)!.run(deps.registry.get(rollback.action)!.input.parse(input), context);
        await report(claim, { type: "rollback_succeeded", position: step.position });
        return;
      }
      const action = deps.registry.get(def.action)!;
      log.info({ action: def.action }, "running step");
      const output = (await action.run(step.input, context)) ?? null;
      if (def.verify) {
        const verifier = deps.registry.get(def.verify.action)!;
        const scope = stepScope({ ...run, steps: run.steps.map((s) => (s.position === step.position ? { ...s, output } : s)) }, incident, step.position);
        progress("verifying");
        await verifier.run(verifier.input.parse(resolveWith(def.verify.with, scope)), context).catch((error: unknown) => {
          throw new Error(`verify (${def.verify!.action}) failed: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
      await report(claim, { type: "succeeded", position: step.position, output });
    } catch (error) {
      const message = timeout.aborted ? `timed out after ${def.timeout}` : error instanceof Error ? error.message : String(error);
      if (stopping.signal.aborted && !timeout.aborted) return; // shutting down: leave the lease to expire, a person decides
      log.warn({ err: error }, "step failed");
      await report(claim, rollingBack ? { type: "rollback_failed", position: step.position, error: message } : { type: "failed", position: step.position, error: message });
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function report(claim: ClaimedStep, event: Parameters<typeof applyEvent>[2]) {
    const result = await applyEvent(deps, claim.runId, event);
    if (!result.ok) deps.log.warn({ runId: claim.runId, position: claim.position, reason: result.reason, event: event.type }, "a step finished but its result could not be applied");
  }

  async function sweep(): Promise<void> {
    for (const expired of await deps.store.runs.expiredLeases(deps.now())) {
      const run = await deps.store.runs.get(expired.runId);
      const state = run?.steps[expired.position]?.state;
      const event = state === "rolling_back"
        ? ({ type: "rollback_failed", position: expired.position, error: "the worker stopped during the rollback; its outcome is unknown" } as const)
        : ({ type: "lease_expired", position: expired.position } as const);
      await applyEvent(deps, expired.runId, event);
    }
  }

  // Ticks in progress: between the claim's commit and `running.add` the step is ours but not listed.
  let ticking = 0;
  async function tick(): Promise<boolean> {
    ticking++;
    try {
      await sweep();
      const claim = await deps.store.runs.claim(owner, deps.now(), leaseMs);
      if (!claim) return false;
      const work = execute(claim).catch((error: unknown) => deps.log.error({ err: error, runId: claim.runId }, "step worker failed"));
      running.add(work);
      void work.finally(() => running.delete(work));
      return true;
    } finally {
      ticking--;
    }
  }

  const loop = createPollLoop(tick, {
    pollMs: options.pollMs ?? 1_000,
    onError: (error) => deps.log.warn({ err: error }, "could not claim playbook steps; will try again"),
  });

  return {
    start: () => loop.start(),
    async stop() {
      await loop.stop();
      stopping.abort();
      await Promise.allSettled([...running]);
    },
    nudge: () => loop.nudge(),
    async drain() {
      while (await tick()) await Promise.allSettled([...running]);
      await Promise.allSettled([...running]);
    },
    async idleNow() {
      const here = () => (ticking > 0 || running.size > 0 ? `the step worker has ${running.size} step(s) in hand` : true);
      if (here() !== true) return here();
      const busy = await deps.store.runs.busy();
      if (busy > 0) return `${busy} step(s) ready, running or rolling back`;
      return here();
    },
  };
}
