// The objects one emulated cluster holds and the API operations on them: read, replace and patch
// of Deployments, StatefulSets, their autoscaling/v1 Scale subresource and Gateway API HTTPRoutes,
// and the pods their controllers run. Writes follow the server's rules that clients rely on:
// resourceVersion preconditions (409), generation bumps on spec changes, status left alone by
// writes to the main resource, and strategic merge patch refused for custom resources (415).
// Every change gets the next resourceVersion and goes to the change log that watches replay.
import { GATEWAY_GROUP } from "./discovery.js";
import { applyPatch, PatchError, STRATEGIC_MERGE_PATCH, type Json } from "./patches.js";
import { conflict, failure, invalid, notFound, type Addressed, type StatusBody } from "./statuses.js";
import type { ChangeEvent, WatchFeed } from "./watch-stream.js";
import { metadata, newWorkload, podObjects, spec, templateHashOf, tick, type Workload, type WorkloadKind, type WorkloadSpec } from "./workloads.js";

type JsonObject = { [key: string]: Json };
export type Reply = { status: number; body: unknown };

export interface HttpRouteSpec {
  namespace?: string;
  name: string;
  parentGateway?: string;
  hostnames?: string[];
  rules: { backendRefs: { name: string; port?: number; weight?: number }[] }[];
}

/** How many changes a watch can replay; an older resourceVersion gets 410 Expired. */
const REMEMBERED_CHANGES = 5000;
const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);
const ok = (body: unknown): Reply => ({ status: 200, body });
const fail = (status: StatusBody): Reply => ({ status: status.code, body: status });

export class ClusterState implements WatchFeed {
  readonly workloads = new Map<string, Workload>();
  readonly routes = new Map<string, JsonObject>();
  private resourceVersion = 1000;
  private uid = 0;
  private readonly changes: ChangeEvent[] = [];
  private readonly listeners = new Set<(event: ChangeEvent) => void>();

  constructor(private readonly now: () => Date) {}

  backlog(): ChangeEvent[] {
    return this.changes;
  }

  oldestVersion(): number {
    return this.changes[0]?.resourceVersion ?? this.resourceVersion + 1;
  }

  currentVersion(): number {
    return this.resourceVersion;
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(type: ChangeEvent["type"], resource: string, object: JsonObject): void {
    const event: ChangeEvent = { type, resource, resourceVersion: Number(metadata(object).resourceVersion), object: structuredClone(object) };
    this.changes.push(event);
    if (this.changes.length > REMEMBERED_CHANGES) this.changes.shift();
    for (const listener of this.listeners) listener(event);
  }

  /** Gives every new or changed pod of `workload` a new resourceVersion and reports it; `before` is the pod list as it was. */
  private recordPods(workload: Workload, before: Map<string, string>): void {
    const now = this.podStates(workload);
    for (const pod of workload.pods) if (before.get(pod.name) !== now.get(pod.name)) pod.resourceVersion = this.nextVersion();
    const objects = podObjects(workload);
    for (const object of objects) {
      const name = String(metadata(object).name);
      if (before.get(name) !== now.get(name)) this.record(before.has(name) ? "MODIFIED" : "ADDED", "pods", object);
    }
    for (const name of before.keys()) {
      if (now.has(name)) continue;
      // A deleted pod is reported with the version of its deletion.
      this.record("DELETED", "pods", { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: metadata(workload.object).namespace ?? null, resourceVersion: this.nextVersion() } });
    }
  }

  private podStates(workload: Workload): Map<string, string> {
    return new Map(workload.pods.map((pod) => [pod.name, JSON.stringify([pod.hash, pod.ready, pod.uid])]));
  }

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
    this.record("ADDED", pluralOf(kind), workload.object);
    this.recordPods(workload, new Map());
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
    this.record("ADDED", "httproutes", route);
  }

  /** Advances every controller by one tick. */
  tick(): void {
    for (const workload of this.workloads.values()) {
      const pods = this.podStates(workload);
      if (!tick(workload, this.now())) continue;
      this.recordPods(workload, pods);
      metadata(workload.object).resourceVersion = this.nextVersion();
      this.record("MODIFIED", pluralOf(workload.kind), workload.object);
    }
  }

  /** Every stored object of a resource (plural name), in one namespace or all, ordered as the server lists them. */
  objects(resource: string, namespace: string | undefined): JsonObject[] {
    const inNamespace = (o: JsonObject) => namespace === undefined || metadata(o).namespace === namespace;
    const all =
      resource === "httproutes" ? [...this.routes.values()]
      : resource === "pods" ? [...this.workloads.values()].flatMap((w) => podObjects(w))
      : [...this.workloads.values()].filter((w) => pluralOf(w.kind) === resource).map((w) => w.object);
    const key = (o: JsonObject) => `${String(metadata(o).namespace)}/${String(metadata(o).name)}`;
    return all.filter(inNamespace).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** GET of one object, for resources without special handling (pods, routes). */
  getObject(a: Addressed): Reply {
    const found = this.objects(a.resource, a.namespace).find((o) => metadata(o).name === a.name);
    return found ? ok(found) : fail(notFound(a));
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
    this.record("MODIFIED", pluralOf(workload.kind), workload.object);
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
    this.record("MODIFIED", "httproutes", updated);
    return ok(updated);
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

export const pluralOf = (kind: WorkloadKind) => (kind === "Deployment" ? "deployments" : "statefulsets");

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
