// kubernetes.rollout_restart: what `kubectl rollout restart` does, and nothing else. kubectl sets
// spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] to the current time
// (RFC 3339) and sends it as a strategic merge patch; the pod-template change makes the
// controller replace every pod, one batch at a time, under the workload's own rollout rules.
// https://github.com/kubernetes/kubectl/blob/master/pkg/polymorphichelpers/objectrestarter.go
// Restarting kills in-memory state (the OOM-killed call workers lost every call), so the number
// of pods touched is the step's blast radius, capped by firebreak.yaml's blast_radius.
import { z } from "zod";
import { workloadPath, type KubernetesTargets, type Workload, type WorkloadRef } from "../../ports/kubernetes.js";
import { defineAction, type ActionDefinition } from "../action-registry.js";

export interface KubernetesActionDeps {
  kubernetes: KubernetesTargets;
  /** `blast_radius` from firebreak.yaml: action name → the most units one step may touch. */
  blastRadius: Readonly<Record<string, number>>;
}

export const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
const MAX_PODS_LISTED = 10;

/** A name from firebreak.yaml's targets; an enum, so `playbooks check` refuses unknown ones. */
export function targetNameSchema(names: readonly string[], section: string): z.ZodType<string> {
  const [first, ...rest] = names;
  if (first === undefined) {
    return z.string().refine(() => false, { error: `no targets are configured under ${section} in firebreak.yaml` });
  }
  return z.enum([first, ...rest], { error: (issue) => `unknown target ${JSON.stringify(issue.input)}; ${section} in firebreak.yaml lists ${names.join(", ")}` });
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The input fields that name one Deployment or StatefulSet. */
export function workloadInputShape(clusters: readonly string[]) {
  return {
    cluster: targetNameSchema(clusters, "targets.kubernetes"),
    namespace: z.string().max(63).regex(dnsLabel, { error: "a namespace is a DNS label: lowercase letters, digits and '-'" }),
    kind: z.enum(["Deployment", "StatefulSet"]),
    name: z.string().max(253).regex(dnsSubdomain, { error: "a workload name uses lowercase letters, digits, '-' and '.'" }),
  };
}

/** "deployment/api", as kubectl names objects. */
export const workloadLabel = (ref: Pick<WorkloadRef, "kind" | "name">) => `${ref.kind.toLowerCase()}/${ref.name}`;

/** The API defaults spec.replicas to 1 when it is unset. */
export const desiredReplicas = (workload: Workload) => workload.spec?.replicas ?? 1;

/** Why a step touching `count` units is refused, or undefined when it is within the limit. */
export function blastRadiusRefusal(action: string, count: number, unit: string, limits: Readonly<Record<string, number>>): string | undefined {
  const limit = limits[action];
  if (limit === undefined || count <= limit) return undefined;
  return `${action} would touch ${count} ${unit}, over the blast-radius limit of ${limit} (blast_radius.${action} in firebreak.yaml)`;
}

/** Go's time.RFC3339, as kubectl writes it: seconds precision, UTC here. */
export const rfc3339 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

export const restartPatch = (restartedAt: string) => ({ spec: { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } } });

function refusalOf(workload: Workload, ref: WorkloadRef, limits: KubernetesActionDeps["blastRadius"]): string | undefined {
  // kubectl refuses too: a paused Deployment would take the new template but never roll it out.
  if (ref.kind === "Deployment" && (workload as { spec?: { paused?: boolean } }).spec?.paused) {
    return `can't restart paused ${workloadLabel(ref)} (run kubectl rollout resume first)`;
  }
  return blastRadiusRefusal("kubernetes.rollout_restart", desiredReplicas(workload), "pods", limits);
}

export function rolloutRestartAction(deps: KubernetesActionDeps): ActionDefinition {
  const input = z.strictObject(workloadInputShape(deps.kubernetes.names()));
  return defineAction({
    name: "kubernetes.rollout_restart",
    description: "Restart a Deployment's or StatefulSet's pods the way `kubectl rollout restart` does: a rolling replacement under the workload's own rollout rules.",
    input,
    outputs: ["restartedAt", "replicas"],
    plan: async (ref, ctx) => {
      const workload = await deps.kubernetes.readWorkload(ref, ctx.signal);
      const replicas = desiredReplicas(workload);
      const refusal = refusalOf(workload, ref, deps.blastRadius);
      const patch = restartPatch(rfc3339(ctx.now()));
      const selector = workload.spec?.selector?.matchLabels ?? {};
      const pods = replicas > 0 && Object.keys(selector).length > 0 ? await deps.kubernetes.listPods(ref.cluster, ref.namespace, selector, ctx.signal) : [];
      const names = pods.map((pod) => pod.metadata?.name ?? "?");
      const listed = names.slice(0, MAX_PODS_LISTED).join(", ") + (names.length > MAX_PODS_LISTED ? `, and ${names.length - MAX_PODS_LISTED} more` : "");
      const ready = workload.status?.readyReplicas ?? 0;
      return {
        summary: refusal
          ? `Refused: ${refusal}`
          : `Restart ${workloadLabel(ref)} in ${ref.namespace} on ${ref.cluster}: its ${replicas} pod${replicas === 1 ? "" : "s"} are replaced by a rolling update`,
        ...(!refusal && { change: `rollout restart ${workloadLabel(ref)} (${replicas} pod${replicas === 1 ? "" : "s"})` }),
        details: [
          { kind: "kubernetes", text: `${ref.kind} ${ref.namespace}/${ref.name} on ${ref.cluster}: ${replicas} replicas, ${ready} ready` },
          { kind: "kubernetes", text: `PATCH ${workloadPath(ref)}\nContent-Type: application/strategic-merge-patch+json\n\n${JSON.stringify(patch, null, 2)}` },
          ...(names.length > 0 ? [{ kind: "text" as const, text: `Pods to be replaced: ${listed}` }] : []),
        ],
        // In-memory state of every replaced pod is lost; nothing brings it back.
        risk: { irreversible: true, blastRadius: { unit: "pods", count: replicas } },
      };
    },
    run: async (ref, ctx) => {
      const workload = await deps.kubernetes.readWorkload(ref, ctx.signal);
      const replicas = desiredReplicas(workload);
      const refusal = refusalOf(workload, ref, deps.blastRadius);
      if (refusal) throw new Error(refusal);
      const restartedAt = rfc3339(ctx.now());
      ctx.signal.throwIfAborted();
      await deps.kubernetes.patchWorkload(ref, restartPatch(restartedAt), "strategic-merge", ctx.signal);
      ctx.log.info({ cluster: ref.cluster, namespace: ref.namespace, workload: workloadLabel(ref), replicas, restartedAt }, "rollout restart requested");
      return { restartedAt, replicas };
    },
    // The restart is requested, not finished: kubernetes.wait_rollout says when the pods are back.
    summarize: ({ replicas }, ref) => `Rolling restart of ${workloadLabel(ref)} started: ${replicas} pod${replicas === 1 ? "" : "s"} to replace`,
  });
}
