// kubernetes.wait_rollout: waits as `kubectl rollout status` does. A rollout is complete once the
// controller has observed the latest generation (status.observedGeneration >= metadata.generation)
// and the updated, ready and available counts all equal spec.replicas with no old pods left;
// a StatefulSet must also have moved its currentRevision to the updateRevision.
// https://github.com/kubernetes/kubectl/blob/master/pkg/polymorphichelpers/rollout_status.go
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { Workload, WorkloadKind } from "../../ports/kubernetes.js";
import { defineAction, type ActionDefinition } from "../action-registry.js";
import { durationMs, durationSchema } from "../../domain/playbook-schema.js";
import { desiredReplicas, workloadInputShape, workloadLabel, type KubernetesActionDeps } from "./kubernetes-rollout-restart.js";

export interface WaitRolloutDeps extends KubernetesActionDeps {
  /** How often the workload is read (default 2 s). */
  pollIntervalMs?: number;
}

const MAX_WAIT_MS = 3_600_000;

export interface RolloutState {
  done: boolean;
  /** Set when waiting longer cannot help. */
  failed?: string;
  /** "ready 3/5", with whatever else is still short. */
  text: string;
  ready: number;
  replicas: number;
}

export function rolloutState(kind: WorkloadKind, workload: Workload): RolloutState {
  const replicas = desiredReplicas(workload);
  const status = workload.status;
  const ready = status?.readyReplicas ?? 0;
  if ((status?.observedGeneration ?? 0) < (workload.metadata?.generation ?? 0)) {
    return { done: false, text: `ready ${ready}/${replicas}, waiting for the controller to see the change`, ready, replicas };
  }
  const updated = status?.updatedReplicas ?? 0;
  const available = status?.availableReplicas ?? 0;
  const total = status?.replicas ?? 0;
  // A partitioned StatefulSet update only moves pods at or above the partition ordinal.
  const strategy = (workload.spec as { updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } } } | undefined)?.updateStrategy;
  const partition = kind === "StatefulSet" ? Math.min(strategy?.rollingUpdate?.partition ?? 0, replicas) : 0;
  const toUpdate = replicas - partition;
  const short = [
    updated < toUpdate ? `updated ${updated}/${toUpdate}` : "",
    available < replicas && available !== ready ? `available ${available}/${replicas}` : "",
    total > replicas ? `${total - replicas} old pod${total - replicas === 1 ? "" : "s"} terminating` : "",
  ].filter(Boolean);
  const text = [`ready ${ready}/${replicas}`, ...short].join(", ");
  if (kind === "Deployment") {
    const progressing = (workload.status as { conditions?: { type: string; reason?: string }[] } | undefined)?.conditions?.find((c) => c.type === "Progressing");
    if (progressing?.reason === "ProgressDeadlineExceeded") return { done: false, failed: "it exceeded its progress deadline", text, ready, replicas };
  } else if (strategy?.type === "OnDelete") {
    return { done: false, failed: "its updateStrategy is OnDelete, so pods change only when deleted", text, ready, replicas };
  }
  const revisions = workload.status as { currentRevision?: string; updateRevision?: string } | undefined;
  const revisionDone = kind === "Deployment" || partition > 0 || !revisions?.updateRevision || revisions.currentRevision === revisions.updateRevision;
  const done = updated >= toUpdate && ready === replicas && available === replicas && total === replicas && revisionDone;
  return { done, text, ready, replicas };
}

export function waitRolloutAction(deps: WaitRolloutDeps): ActionDefinition {
  const pollIntervalMs = deps.pollIntervalMs ?? 2_000;
  const input = z.strictObject({
    ...workloadInputShape(deps.kubernetes.names()),
    timeout: durationSchema.refine((d) => durationMs(d) <= MAX_WAIT_MS, { error: "at most 1h" }),
  });
  return defineAction({
    name: "kubernetes.wait_rollout",
    description: "Wait until a Deployment's or StatefulSet's rollout is complete, as `kubectl rollout status` does; fail after the timeout with the counts reached.",
    input,
    outputs: ["ready", "replicas"],
    plan: async ({ timeout, ...ref }, ctx) => {
      const state = rolloutState(ref.kind, await deps.kubernetes.readWorkload(ref, ctx.signal));
      return {
        summary: `Wait up to ${timeout} for the rollout of ${workloadLabel(ref)} in ${ref.namespace} on ${ref.cluster} to complete`,
        details: [{ kind: "kubernetes", text: `Now: ${state.done ? "complete" : state.text}` }],
        risk: { irreversible: false, readOnly: true },
      };
    },
    run: async ({ timeout, ...ref }, ctx) => {
      // A clock that only moves forward: the deadline must not shift with wall-clock corrections.
      const deadline = performance.now() + durationMs(timeout);
      let reported = "";
      for (;;) {
        ctx.signal.throwIfAborted();
        const state = rolloutState(ref.kind, await deps.kubernetes.readWorkload(ref, ctx.signal));
        if (state.text !== reported) {
          ctx.progress(state.text);
          reported = state.text;
        }
        if (state.failed) throw new Error(`rollout of ${workloadLabel(ref)} failed: ${state.failed} (${state.text})`);
        if (state.done) return { ready: state.ready, replicas: state.replicas };
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`rollout of ${workloadLabel(ref)} not ready after ${timeout}: ${state.text}`);
        await sleep(Math.min(pollIntervalMs, left), undefined, { signal: ctx.signal });
      }
    },
    summarize: ({ ready, replicas }, ref) => `Rollout of ${workloadLabel(ref)} complete: ${ready}/${replicas} ready`,
  });
}
