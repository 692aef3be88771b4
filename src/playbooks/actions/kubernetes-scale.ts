// kubernetes.scale: sets a Deployment's or StatefulSet's replicas through the scale subresource,
// as `kubectl scale` does (a merge patch of autoscaling/v1 Scale spec.replicas). The subresource
// touches nothing but the replica count, so a concurrent template change is never overwritten.
// The pods started or stopped are the blast radius, capped by blast_radius["kubernetes.scale"].
import { z } from "zod";
import { workloadPath } from "../../ports/kubernetes.js";
import { defineAction, type ActionDefinition } from "../action-registry.js";
import { blastRadiusRefusal, workloadInputShape, workloadLabel, type KubernetesActionDeps } from "./kubernetes-rollout-restart.js";

export const MAX_REPLICAS = 1000;

export function scaleAction(deps: KubernetesActionDeps): ActionDefinition {
  const input = z.strictObject({
    ...workloadInputShape(deps.kubernetes.names()),
    replicas: z.int().min(0).max(MAX_REPLICAS),
  });
  const refusal = (from: number, to: number) => blastRadiusRefusal("kubernetes.scale", Math.abs(to - from), "pods", deps.blastRadius);
  return defineAction({
    name: "kubernetes.scale",
    description: "Scale a Deployment or StatefulSet to a number of replicas through its scale subresource, as `kubectl scale` does.",
    input,
    outputs: ["from", "to"],
    plan: async ({ replicas: to, ...ref }, ctx) => {
      const from = (await deps.kubernetes.readScale(ref, ctx.signal)).spec?.replicas ?? 0;
      const refused = refusal(from, to);
      const label = `${workloadLabel(ref)} in ${ref.namespace} on ${ref.cluster}`;
      const patch = { spec: { replicas: to } };
      return {
        summary: refused ? `Refused: ${refused}` : `Scale ${label} from ${from} to ${to} replicas`,
        ...(!refused && from !== to && { change: `scale ${workloadLabel(ref)} ${from}→${to}` }),
        details: [
          { kind: "kubernetes", text: `${ref.kind} ${ref.namespace}/${ref.name} on ${ref.cluster}: ${from} → ${to} replicas` },
          { kind: "kubernetes", text: `PATCH ${workloadPath(ref, "scale")}\nContent-Type: application/merge-patch+json\n\n${JSON.stringify(patch, null, 2)}` },
        ],
        risk: { irreversible: false, blastRadius: { unit: "pods", count: Math.abs(to - from) } },
        ...(from === to ? { noop: `${label} already has ${to} replicas` } : {}),
      };
    },
    run: async ({ replicas: to, ...ref }, ctx) => {
      const from = (await deps.kubernetes.readScale(ref, ctx.signal)).spec?.replicas ?? 0;
      if (from === to) return { from, to };
      const refused = refusal(from, to);
      if (refused) throw new Error(refused);
      ctx.signal.throwIfAborted();
      await deps.kubernetes.patchScale(ref, { spec: { replicas: to } }, ctx.signal);
      ctx.log.info({ cluster: ref.cluster, namespace: ref.namespace, workload: workloadLabel(ref), from, to }, "scaled");
      return { from, to };
    },
    // "Scaled deployment/api 3→6", as the plan's change line names it.
    summarize: ({ from, to }, ref) => (from === to ? `${workloadLabel(ref)} already had ${to} replicas` : `Scaled ${workloadLabel(ref)} ${from}→${to}`),
  });
}
