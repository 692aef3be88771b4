// What a finished step's message says in place of its raw output: every shipped action that
// returns something says it in one sentence, built from its own output (and input), and an
// output it cannot read (a row from an older release) falls back to the thread alone.
import { describe, expect, it } from "vitest";
import { createActionRegistry } from "../../src/playbooks/action-registry.js";
import { builtinActions } from "../../src/playbooks/builtin-actions.js";
import { datadogActions } from "../../src/playbooks/actions/datadog-actions.js";
import { kubernetesActions } from "../../src/playbooks/actions/kubernetes-actions.js";
import { postgresActions } from "../../src/playbooks/actions/postgres-actions.js";
import { stepOutcome } from "../../src/playbooks/engine/step-output.js";
import type { PostgresTargets } from "../../src/ports/postgres-target.js";
import type { KubernetesTargets } from "../../src/ports/kubernetes.js";
import type { DatadogPort } from "../../src/ports/metrics-events.js";
import type { PlaybookRun, StepRun } from "../../src/domain/playbook-run.js";

const never = async (): Promise<never> => {
  throw new Error("summaries never reach a system");
};
// Only what building the actions reads: the target names.
const registry = createActionRegistry([
  ...builtinActions({ addNote: never }),
  ...postgresActions({ names: () => ["orders-db"], withClient: never } as unknown as PostgresTargets),
  ...kubernetesActions({ kubernetes: { names: () => ["prod"] } as unknown as KubernetesTargets, trafficTargets: {}, trafficTokens: {}, blastRadius: {} }),
  ...datadogActions({ queryMetric: never, postEvent: never } as DatadogPort),
]);
const summary = (action: string, output: unknown, input: unknown) => registry.get(action)!.summarize!(output, input);
const deployment = { cluster: "prod", namespace: "shop", kind: "Deployment", name: "api" };

describe("a finished step's one-sentence result", () => {
  it("exists for every shipped action that returns an output", () => {
    const silent = [...registry.values()].filter((a) => (a.outputs?.length ?? 0) > 0 && !a.summarize).map((a) => a.name);
    expect(silent).toEqual([]);
  });

  it("says what each action did, in the words of its plan", () => {
    const found = (n: number) => ({ indexes: Array.from({ length: n }, (_, i) => ({ name: `public.idx_${i}`, schema: "public", table: "orders", index: `idx_${i}` })), count: n });
    expect(summary("postgres.find_invalid_indexes", { indexes: [{ name: "public.orders_email_key", schema: "public", table: "orders", index: "orders_email_key" }], count: 1 }, {})).toBe(
      "Found 1 invalid index: orders_email_key on orders",
    );
    expect(summary("postgres.find_invalid_indexes", found(0), {})).toBe("No invalid indexes found");
    expect(summary("postgres.find_invalid_indexes", found(5), {})).toBe("Found 5 invalid indexes: idx_0 on orders, idx_1 on orders, idx_2 on orders, and 2 more");
    expect(summary("postgres.rebuild_index", { index: "public.orders_email_key", valid: true, durationMs: 12_000 }, {})).toBe("Rebuilt public.orders_email_key in 12s; it is valid and ready");
    expect(summary("postgres.verify_index_valid", { index: "public.orders_email_key", valid: true, ready: true, size: "2 GB" }, {})).toBe("public.orders_email_key is valid and ready (2 GB)");
    expect(summary("postgres.drop_index", { dropped: "public.orders_email_key_old", coveredBy: "public.orders_email_key" }, {})).toBe(
      "Dropped public.orders_email_key_old; public.orders_email_key serves the same columns",
    );
    expect(summary("kubernetes.scale", { from: 3, to: 6 }, { ...deployment, replicas: 6 })).toBe("Scaled deployment/api 3→6");
    expect(summary("kubernetes.scale", { from: 6, to: 6 }, { ...deployment, replicas: 6 })).toBe("deployment/api already had 6 replicas");
    expect(summary("kubernetes.rollout_restart", { restartedAt: "2026-03-08T03:15:00Z", replicas: 3 }, deployment)).toBe("Rolling restart of deployment/api started: 3 pods to replace");
    expect(summary("kubernetes.wait_rollout", { ready: 3, replicas: 3 }, { ...deployment, timeout: "5m" })).toBe("Rollout of deployment/api complete: 3/3 ready");
    expect(summary("traffic.shift", { previous: { primary: 100, backup: 0 }, current: { primary: 0, backup: 100 } }, { switch: "edge", weights: { primary: 0, backup: 100 } })).toBe(
      "Shifted traffic on edge: primary 100→0, backup 0→100",
    );
    expect(summary("datadog.metric_gate", { passed: true, value: 30, checks: 2, values: [82, 30] }, { query: "avg:postgresql.cpu{db:orders}", below: 50 })).toBe(
      "avg:postgresql.cpu{db:orders} 30 (< 50): passed after 2 checks",
    );
    expect(summary("datadog.event", { id: "42" }, { title: "Failover to backup" })).toBe('Posted the Datadog event "Failover to backup" (id 42)');
  });

  it("is left out when the stored output cannot be read, rather than failing the message", () => {
    const run = { playbook: { steps: [{ action: "kubernetes.scale" }] } } as unknown as PlaybookRun;
    const step = { position: 0, state: "succeeded", output: "not an object", input: null } as unknown as StepRun;
    expect(stepOutcome(registry, run, step)).toBeUndefined();
  });
});
