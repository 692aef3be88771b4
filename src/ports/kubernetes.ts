// What playbook actions need from Kubernetes: workloads, their scale and pods, and Gateway API
// HTTPRoutes, on the clusters firebreak.yaml names (`targets.kubernetes`). Objects come back in
// the API's own shapes, typed by the official client's models; adapters/kubernetes.ts implements
// it over @kubernetes/client-node.
import type { V1Deployment, V1Pod, V1Scale, V1StatefulSet } from "@kubernetes/client-node";

export type { V1Deployment, V1Pod, V1Scale, V1StatefulSet };

export type WorkloadKind = "Deployment" | "StatefulSet";
export type Workload = V1Deployment | V1StatefulSet;

export interface WorkloadRef {
  cluster: string;
  namespace: string;
  kind: WorkloadKind;
  name: string;
}

export interface HttpRouteRef {
  cluster: string;
  namespace: string;
  name: string;
}

/** JSON Patch, JSON merge patch, or Kubernetes' strategic merge patch (built-in kinds only). */
export type PatchKind = "json" | "merge" | "strategic-merge";

export interface KubernetesTargets {
  names(): string[];
  /**
   * Reads the core group's resource list (GET /api/v1), which any authenticated identity may read
   * under Kubernetes' default RBAC (system:discovery), so it proves a target's credentials without
   * assuming what its role may list (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles).
   */
  verifyAccess(cluster: string, signal?: AbortSignal): Promise<void>;
  readWorkload(ref: WorkloadRef, signal?: AbortSignal): Promise<Workload>;
  patchWorkload(ref: WorkloadRef, body: unknown, patch: PatchKind, signal?: AbortSignal): Promise<Workload>;
  readScale(ref: WorkloadRef, signal?: AbortSignal): Promise<V1Scale>;
  /** A merge patch of the scale subresource. */
  patchScale(ref: WorkloadRef, body: unknown, signal?: AbortSignal): Promise<V1Scale>;
  listPods(cluster: string, namespace: string, matchLabels: Record<string, string>, signal?: AbortSignal): Promise<V1Pod[]>;
  /** The route as the API returns it; callers parse it, since a custom resource has no client model. */
  readHttpRoute(ref: HttpRouteRef, signal?: AbortSignal): Promise<unknown>;
  /** Custom resources take JSON Patch or merge patch only; strategic merge needs a built-in schema. */
  patchHttpRoute(ref: HttpRouteRef, body: unknown, patch: "json" | "merge", signal?: AbortSignal): Promise<unknown>;
}

/** A failed Kubernetes API call: the HTTP code and the Status `reason` (NotFound, Conflict, Forbidden, ...). */
export class KubernetesApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "KubernetesApiError";
  }
}

const plural = (kind: WorkloadKind) => (kind === "Deployment" ? "deployments" : "statefulsets");

/** The REST path of a workload (or its subresource), as plans show it. */
export function workloadPath(ref: Omit<WorkloadRef, "cluster">, subresource?: "scale"): string {
  return `/apis/apps/v1/namespaces/${ref.namespace}/${plural(ref.kind)}/${ref.name}${subresource ? `/${subresource}` : ""}`;
}

export const httpRoute = { group: "gateway.networking.k8s.io", version: "v1", plural: "httproutes" } as const;

export function httpRoutePath(ref: Omit<HttpRouteRef, "cluster">): string {
  return `/apis/${httpRoute.group}/${httpRoute.version}/namespaces/${ref.namespace}/${httpRoute.plural}/${ref.name}`;
}
