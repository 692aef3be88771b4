// The objects one emulated cluster holds and the API operations on them: read, replace and patch
// of Deployments, StatefulSets, their autoscaling/v1 Scale subresource and Gateway API HTTPRoutes,
// and listing pods by label selector. Writes follow the server's rules that clients rely on:
// resourceVersion preconditions (409), generation bumps on spec changes, status left alone by
// writes to the main resource, and strategic merge patch refused for custom resources (415).
import { applyPatch, PatchError, STRATEGIC_MERGE_PATCH, type Json } from "./patches.js";
import { conflict, failure, invalid, notFound, type Addressed, type StatusBody } from "./statuses.js";
import { metadata, newWorkload, podObjects, selectorMatcher, spec, templateHashOf, tick, type Workload, type WorkloadKind, type WorkloadSpec } from "./workloads.js";

type JsonObject = { [key: string]: Json };
export type Reply = { status: number; body: unknown };

export interface HttpRouteSpec {
  namespace?: string;
  name: string;
  parentGateway?: string;
  hostnames?: string[];
  rules: { backendRefs: { name: string; port?: number; weight?: number }[] }[];
}

const GATEWAY_GROUP = "gateway.networking.k8s.io";
const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);
const ok = (body: unknown): Reply => ({ status: 200, body });
const fail = (status: StatusBody): Reply => ({ status: status.code, body: status });

export class ClusterState {
  readonly workloads = new Map<string, Workload>();
  readonly routes = new Map<string, JsonObject>();
  private resourceVersion = 1000;
  private uid = 0;

  constructor(private readonly now: () => Date) {}

  private nextVersion(): string {
    this.resourceVersion += 1;
    return String(this.resourceVersion);
  }

  private nextUid(): string {
    this.uid += 1;
    return `00000000-0000-4000-8000-${String(this.uid).padStart(12, "0")}`;
  }

  addWorkload(kind: WorkloadKind, input: WorkloadSpec): void {
    const workload = newWorkload(kind, input, this.nextVersion(), this.nextUid(), this.now());
    this.workloads.set(`${kind}/${input.namespace ?? "default"}/${input.name}`, workload);
  }

  addRoute(input: HttpRouteSpec): void {
    const namespace = input.namespace ?? "default";
    const route: JsonObject = {
      apiVersion: `${GATEWAY_GROUP}/v1`,
      kind: "HTTPRoute",
      metadata: { name: input.name, namespace, uid: this.nextUid(), resourceVersion: this.nextVersion(), generation: 1, creationTimestamp: this.now().toISOString().replace(/\.\d{3}Z$/, "Z") },
      spec: {
        parentRefs: [{ group: GATEWAY_GROUP, kind: "Gateway", name: input.parentGateway ?? "public" }],
        ...(input.hostnames ? { hostnames: input.hostnames } : {}),
        rules: input.rules.map((rule) => ({ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: rule.backendRefs as unknown as Json })),
      },
    };
    defaultBackendRefs(route);
    this.routes.set(`${namespace}/${input.name}`, route);
  }

  /** Advances every controller by one tick. */
  tick(): void {
    for (const workload of this.workloads.values()) {
      if (tick(workload)) metadata(workload.object).resourceVersion = this.nextVersion();
    }
  }

  workload(kind: WorkloadKind, namespace: string, name: string): Workload | undefined {
    return this.workloads.get(`${kind}/${namespace}/${name}`);
  }

  getWorkload(a: Addressed, kind: WorkloadKind, scale: boolean): Reply {
    const workload = this.workload(kind, a.namespace, a.name ?? "");
    if (!workload) return fail(notFound(a));
    return ok(scale ? scaleOf(workload) : workload.object);
  }

  writeWorkload(a: Addressed, kind: WorkloadKind, scale: boolean, contentType: string | undefined, body: unknown): Reply {
    const workload = this.workload(kind, a.namespace, a.name ?? "");
    if (!workload) return fail(notFound(a));
    const current = scale ? scaleOf(workload) : workload.object;
    const incoming = this.incoming(a, current, contentType, body, true);
    if ("reply" in incoming) return incoming.reply;
    const next = incoming.object;
    const nextMeta = isObject(next.metadata) ? next.metadata : {};
    if (nextMeta.resourceVersion !== undefined && nextMeta.resourceVersion !== metadata(current).resourceVersion) return fail(conflict(a));
    const nextSpec = isObject(next.spec) ? next.spec : {};
    const replicas = nextSpec.replicas ?? spec(workload.object).replicas;
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
      return fail(invalid(a, scale ? "Scale" : kind, "spec.replicas", `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`));
    }
    const updated: JsonObject = scale ? { ...workload.object, spec: { ...spec(workload.object), replicas } } : { ...next, spec: { ...nextSpec, replicas } };
    if (JSON.stringify(spec(updated).selector) !== JSON.stringify(spec(workload.object).selector)) {
      return fail(invalid(a, kind, "spec.selector", "field is immutable"));
    }
    this.commit(workload, updated);
    return ok(scale ? scaleOf(workload) : workload.object);
  }

  /** Keeps what a client cannot change through the main resource: identity, generation and status. */
  private commit(workload: Workload, updated: JsonObject): void {
    const old = workload.object;
    const oldMeta = metadata(old);
    const specChanged = JSON.stringify(spec(updated)) !== JSON.stringify(spec(old));
    const templateChanged = templateHashOf(updated) !== templateHashOf(old);
    const meta: JsonObject = {
      ...(isObject(updated.metadata) ? updated.metadata : {}),
      name: oldMeta.name ?? null, namespace: oldMeta.namespace ?? null, uid: oldMeta.uid ?? null, creationTimestamp: oldMeta.creationTimestamp ?? null,
      generation: Number(oldMeta.generation) + (specChanged ? 1 : 0),
      resourceVersion: this.nextVersion(),
    };
    if (workload.kind === "Deployment" && templateChanged) {
      const annotations = isObject(meta.annotations) ? meta.annotations : {};
      meta.annotations = { ...annotations, "deployment.kubernetes.io/revision": String(Number(annotations["deployment.kubernetes.io/revision"] ?? 0) + 1) };
    }
    workload.object = { ...updated, apiVersion: "apps/v1", kind: workload.kind, metadata: meta, status: old.status ?? {} };
  }

  getRoute(a: Addressed): Reply {
    const route = this.routes.get(`${a.namespace}/${a.name ?? ""}`);
    return route ? ok(route) : fail(notFound(a));
  }

  writeRoute(a: Addressed, contentType: string | undefined, body: unknown): Reply {
    const key = `${a.namespace}/${a.name ?? ""}`;
    const route = this.routes.get(key);
    if (!route) return fail(notFound(a));
    // HTTPRoute is a custom resource: the server has no strategic-merge schema for it.
    const incoming = this.incoming(a, route, contentType, body, false);
    if ("reply" in incoming) return incoming.reply;
    const next = incoming.object;
    const nextMeta = isObject(next.metadata) ? next.metadata : {};
    const oldMeta = metadata(route);
    if (nextMeta.resourceVersion !== undefined && nextMeta.resourceVersion !== oldMeta.resourceVersion) return fail(conflict(a));
    const updated: JsonObject = { ...next, apiVersion: route.apiVersion ?? null, kind: "HTTPRoute" };
    const problem = defaultBackendRefs(updated);
    if (problem) return fail(invalid(a, "HTTPRoute", problem.field, problem.why));
    const specChanged = JSON.stringify(updated.spec) !== JSON.stringify(route.spec);
    updated.metadata = {
      ...nextMeta, name: oldMeta.name ?? null, namespace: oldMeta.namespace ?? null, uid: oldMeta.uid ?? null,
      creationTimestamp: oldMeta.creationTimestamp ?? null, generation: Number(oldMeta.generation) + (specChanged ? 1 : 0), resourceVersion: this.nextVersion(),
    };
    this.routes.set(key, updated);
    return ok(updated);
  }

  listPods(namespace: string, labelSelector: string | undefined): Reply {
    const matches = selectorMatcher(labelSelector);
    const items = [...this.workloads.values()]
      .filter((w) => metadata(w.object).namespace === namespace)
      .flatMap((w) => podObjects(w, String(metadata(w.object).resourceVersion)))
      .filter((pod) => matches((pod.metadata as { labels: Record<string, string> }).labels));
    return ok({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: String(this.resourceVersion) }, items });
  }

  /** The object a PUT or PATCH asks for, or the failure the server would answer instead. */
  private incoming(a: Addressed, current: JsonObject, contentType: string | undefined, body: unknown, strategic: boolean): { object: JsonObject } | { reply: Reply } {
    if (a.verb === "update") return isObject(body) ? { object: body } : { reply: fail(failure(400, "the request body must be a JSON object", "BadRequest")) };
    const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
    try {
      const next = applyPatch(type, current, body as Json, strategic);
      if (next === undefined) {
        const accepted = ["application/json-patch+json", "application/merge-patch+json", ...(strategic ? [STRATEGIC_MERGE_PATCH] : [])];
        return { reply: fail(failure(415, `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`, "UnsupportedMediaType")) };
      }
      // Patches share untouched subtrees with the stored object; the write must not alias them.
      return isObject(next) ? { object: structuredClone(next) } : { reply: fail(failure(422, "the patched object is not an object", "Invalid")) };
    } catch (error) {
      if (error instanceof PatchError) return { reply: fail(failure(error.code, error.message)) };
      throw error;
    }
  }
}

/** autoscaling/v1 Scale, as GET .../scale returns it. */
function scaleOf(workload: Workload): JsonObject {
  const meta = metadata(workload.object);
  const status = (workload.object.status ?? {}) as JsonObject;
  const matchLabels = ((spec(workload.object).selector as JsonObject | undefined)?.matchLabels ?? {}) as Record<string, string>;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name: meta.name ?? null, namespace: meta.namespace ?? null, uid: meta.uid ?? null, resourceVersion: meta.resourceVersion ?? null, creationTimestamp: meta.creationTimestamp ?? null },
    spec: { replicas: spec(workload.object).replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector: Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(",") },
  };
}

/** Applies the CRD's defaults to backendRefs (group "", kind Service, weight 1) and checks weights. */
function defaultBackendRefs(route: JsonObject): { field: string; why: string } | undefined {
  const rules = isObject(route.spec) && Array.isArray(route.spec.rules) ? route.spec.rules : [];
  for (const [r, rule] of rules.entries()) {
    if (!isObject(rule) || !Array.isArray(rule.backendRefs)) continue;
    for (const [b, ref] of rule.backendRefs.entries()) {
      if (!isObject(ref)) return { field: `spec.rules[${r}].backendRefs[${b}]`, why: "must be an object" };
      ref.group ??= "";
      ref.kind ??= "Service";
      ref.weight ??= 1;
      if (typeof ref.weight !== "number" || !Number.isInteger(ref.weight) || ref.weight < 0 || ref.weight > 1_000_000) {
        return { field: `spec.rules[${r}].backendRefs[${b}].weight`, why: `Invalid value: ${JSON.stringify(ref.weight)}: must be an integer between 0 and 1000000` };
      }
    }
  }
  return undefined;
}
