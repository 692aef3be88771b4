// The Kubernetes and traffic actions, built from firebreak.yaml's targets and limits. Names of
// clusters and traffic switches become each action's input enum, so a playbook naming a target
// that is not configured fails `firebreak playbooks check` instead of a step.
import type { KubernetesTargets } from "../../ports/kubernetes.js";
import type { ActionDefinition } from "../action-registry.js";
import { rolloutRestartAction } from "./kubernetes-rollout-restart.js";
import { scaleAction } from "./kubernetes-scale.js";
import { waitRolloutAction } from "./kubernetes-wait-rollout.js";
import { trafficShiftAction, type TrafficTargets } from "./traffic-shift.js";

export interface KubernetesActionsDeps {
  kubernetes: KubernetesTargets;
  /** `targets.traffic` from firebreak.yaml. */
  trafficTargets: TrafficTargets;
  /** config.targetSecrets.trafficTokens. */
  trafficTokens: Readonly<Record<string, string>>;
  /** `blast_radius` from firebreak.yaml. */
  blastRadius: Readonly<Record<string, number>>;
  fetch?: typeof fetch;
  /** How often kubernetes.wait_rollout reads the workload (default 2 s). */
  pollIntervalMs?: number;
}

export function kubernetesActions(deps: KubernetesActionsDeps): ActionDefinition[] {
  const clusters = new Set(deps.kubernetes.names());
  for (const [name, target] of Object.entries(deps.trafficTargets)) {
    if (target.kind === "gateway" && !clusters.has(target.cluster)) {
      throw new Error(`traffic target "${name}" names the cluster "${target.cluster}", which is not under targets.kubernetes in firebreak.yaml`);
    }
  }
  return [rolloutRestartAction(deps), waitRolloutAction(deps), scaleAction(deps), trafficShiftAction(deps)];
}
