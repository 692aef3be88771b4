// Deployments and StatefulSets with the controller behaviour that rollouts depend on: a spec change
// bumps metadata.generation, the controller observes it on its next tick, and a pod-template
// change replaces pods one per tick, each replacement showing up in status the way the apps/v1
// controllers report it (updated, ready, available; revisions for StatefulSets).
// https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status
import { createHash } from "node:crypto";
import type { Json } from "./patches.js";

export type WorkloadKind = "Deployment" | "StatefulSet";
type JsonObject = { [key: string]: Json };

export interface WorkloadSpec {
  namespace?: string;
  name: string;
  replicas: number;
  /** Pod labels, also the selector (default { app: name }). */
  labels?: Record<string, string>;
  image?: string;
  paused?: boolean;
}

export interface Pod {
  name: string;
  hash: string;
  ready: boolean;
  uid: string;
  createdAt: string;
  /** Set by the cluster when the pod appears or changes, as watch events report it. */
  resourceVersion?: string;
}

export interface Workload {
  kind: WorkloadKind;
  object: JsonObject;
  pods: Pod[];
  /** New pods are created but never become ready, like a crash-looping image. */
  stalled: boolean;
  /** Pods created so far: seeds names and uids, so a run's names are the same every time. */
  created: number;
}

// The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alike digits).
const alphabet = "bcdfghjklmnpqrstvwxz2456789";

function shortHash(input: string, length: number): string {
  const digest = createHash("sha256").update(input).digest();
  return Array.from(digest.subarray(0, length), (byte) => alphabet[byte % alphabet.length]).join("");
}

export const templateHashOf = (object: JsonObject): string => shortHash(JSON.stringify(spec(object).template ?? null), 10);

export function spec(object: JsonObject): JsonObject {
  return object.spec as JsonObject;
}

export function metadata(object: JsonObject): JsonObject {
  return object.metadata as JsonObject;
}

export function newWorkload(kind: WorkloadKind, input: WorkloadSpec, resourceVersion: string, uid: string, now: Date): Workload {
  const namespace = input.namespace ?? "default";
  const labels = input.labels ?? { app: input.name };
  const template: JsonObject = {
    metadata: { labels: { ...labels } },
    spec: { containers: [{ name: input.name, image: input.image ?? `registry.example/${input.name}:1.0.0` }] },
  };
  const common: JsonObject = { replicas: input.replicas, selector: { matchLabels: { ...labels } }, template };
  const kindSpec: JsonObject =
    kind === "Deployment"
      ? { ...common, strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, ...(input.paused ? { paused: true } : {}) }
      : { ...common, serviceName: input.name, podManagementPolicy: "OrderedReady", updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } } };
  const object: JsonObject = {
    apiVersion: "apps/v1",
    kind,
    metadata: {
      name: input.name, namespace, uid, resourceVersion, generation: 1, creationTimestamp: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
      labels: { ...labels }, ...(kind === "Deployment" ? { annotations: { "deployment.kubernetes.io/revision": "1" } } : {}),
    },
    spec: kindSpec,
    status: {},
  };
  const workload: Workload = { kind, object, pods: [], stalled: false, created: 0 };
  const hash = templateHashOf(object);
  for (let i = 0; i < input.replicas; i++) workload.pods.push(newPod(workload, hash, true, now));
  refreshStatus(workload, 1, now);
  return workload;
}

const timestamp = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

function newPod(workload: Workload, hash: string, ready: boolean, now: Date): Pod {
  const name = String(metadata(workload.object).name);
  workload.created += 1;
  const uid = `${String(metadata(workload.object).uid)}-pod-${workload.created}`;
  const createdAt = timestamp(now);
  if (workload.kind === "StatefulSet") {
    const used = new Set(workload.pods.map((p) => p.name));
    let ordinal = 0;
    while (used.has(`${name}-${ordinal}`)) ordinal += 1;
    return { name: `${name}-${ordinal}`, hash, ready, uid, createdAt };
  }
  return { name: `${name}-${hash}-${shortHash(`${name}/${hash}/${workload.created}`, 5)}`, hash, ready, uid, createdAt };
}

const ordinalOf = (pod: Pod) => Number(pod.name.slice(pod.name.lastIndexOf("-") + 1));

/** The revision name StatefulSets report: `<name>-<template hash>`. */
const revisionOf = (workload: Workload, hash: string) => `${String(metadata(workload.object).name)}-${hash}`;

/**
 * One controller tick: observe the latest generation, then move the rollout by one pod.
 * Returns whether anything changed, so the caller bumps resourceVersion as the server does.
 */
export function tick(workload: Workload, now: Date): boolean {
  const before = JSON.stringify([workload.pods, workload.object.status]);
  const meta = metadata(workload.object);
  const generation = Number(meta.generation);
  const paused = spec(workload.object).paused === true;
  if (!paused) step(workload, now);
  refreshStatus(workload, generation, now);
  return JSON.stringify([workload.pods, workload.object.status]) !== before;
}

function step(workload: Workload, now: Date): void {
  const desired = Number(spec(workload.object).replicas ?? 1);
  const hash = templateHashOf(workload.object);
  const isNew = (p: Pod) => p.hash === hash;
  const fresh = workload.pods.filter(isNew);
  const old = workload.pods.filter((p) => !isNew(p));
  const waiting = fresh.find((p) => !p.ready);
  if (waiting) {
    if (!workload.stalled) waiting.ready = true;
    return;
  }
  if (fresh.length < desired && old.length === 0 && workload.kind === "Deployment") {
    // A scale-up with nothing to replace: the ReplicaSet is resized at once, and its new pods
    // become ready one per tick (StatefulSets keep starting one ordinal at a time, below).
    while (workload.pods.length < desired) workload.pods.push(newPod(workload, hash, false, now));
    return;
  }
  if (fresh.length < desired) {
    // Replace the old pod first (highest ordinal for StatefulSets), then start the new one.
    const victim = workload.kind === "StatefulSet" ? old.sort((a, b) => ordinalOf(b) - ordinalOf(a))[0] : old[0];
    if (victim && workload.pods.length >= desired) workload.pods.splice(workload.pods.indexOf(victim), 1);
    workload.pods.push(newPod(workload, hash, !workload.stalled, now));
    return;
  }
  const surplus = old[0] ?? (fresh.length > desired ? fresh.sort((a, b) => ordinalOf(b) - ordinalOf(a))[0] : undefined);
  if (surplus) workload.pods.splice(workload.pods.indexOf(surplus), 1);
}

/**
 * A Deployment condition as the controller writes it: lastTransitionTime moves only when the
 * status flips, lastUpdateTime whenever reason or message change.
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status
 */
function condition(previous: JsonObject[], type: string, status: boolean, reason: string, message: string, now: Date): JsonObject {
  const before = previous.find((c) => c.type === type);
  const value = status ? "True" : "False";
  const same = before?.status === value;
  const unchanged = same && before?.reason === reason && before?.message === message;
  return {
    type, status: value,
    lastUpdateTime: unchanged ? (before.lastUpdateTime ?? timestamp(now)) : timestamp(now),
    lastTransitionTime: same ? (before.lastTransitionTime ?? timestamp(now)) : timestamp(now),
    reason, message,
  };
}

function refreshStatus(workload: Workload, observedGeneration: number, now: Date): void {
  const hash = templateHashOf(workload.object);
  const desired = Number(spec(workload.object).replicas ?? 1);
  const replicas = workload.pods.length;
  const updated = workload.pods.filter((p) => p.hash === hash).length;
  const ready = workload.pods.filter((p) => p.ready).length;
  // The API omits zero counts; a client must treat a missing count as 0.
  const count = (key: string, value: number): JsonObject => (value === 0 ? {} : { [key]: value });
  if (workload.kind === "Deployment") {
    const done = updated === desired && replicas === desired && ready === desired;
    const previous = (((workload.object.status ?? {}) as JsonObject).conditions ?? []) as JsonObject[];
    const available = ready >= desired - Math.floor(desired / 4);
    const replicaSet = `${String(metadata(workload.object).name)}-${hash}`;
    workload.object.status = {
      observedGeneration,
      ...count("replicas", replicas), ...count("updatedReplicas", updated), ...count("readyReplicas", ready),
      ...count("availableReplicas", ready), ...count("unavailableReplicas", Math.max(desired - ready, 0)),
      conditions: [
        condition(previous, "Available", available, available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
          available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now),
        condition(previous, "Progressing", true, done ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
          done ? `ReplicaSet "${replicaSet}" has successfully progressed.` : `ReplicaSet "${replicaSet}" is progressing.`, now),
      ],
    };
    return;
  }
  const previous = (workload.object.status ?? {}) as JsonObject;
  const updateRevision = revisionOf(workload, hash);
  const onlyNew = updated === replicas && replicas === desired && ready === desired;
  const currentRevision = onlyNew || previous.currentRevision === undefined ? updateRevision : String(previous.currentRevision);
  const current = workload.pods.filter((p) => revisionOf(workload, p.hash) === currentRevision).length;
  workload.object.status = {
    observedGeneration, replicas, ...count("readyReplicas", ready), ...count("currentReplicas", current),
    ...count("updatedReplicas", updated), ...count("availableReplicas", ready), currentRevision, updateRevision, collisionCount: 0,
  };
}

/** The pods as the core/v1 API lists them. */
export function podObjects(workload: Workload): JsonObject[] {
  const meta = metadata(workload.object);
  const template = (spec(workload.object).template ?? {}) as JsonObject;
  const templateMeta = (template.metadata ?? {}) as JsonObject;
  return workload.pods.map((pod) => {
    const revisionLabels: Record<string, string> =
      workload.kind === "Deployment"
        ? { "pod-template-hash": pod.hash }
        : { "controller-revision-hash": revisionOf(workload, pod.hash), "statefulset.kubernetes.io/pod-name": pod.name };
    const owner = workload.kind === "Deployment" ? { kind: "ReplicaSet", name: `${String(meta.name)}-${pod.hash}` } : { kind: "StatefulSet", name: String(meta.name) };
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: pod.name, namespace: meta.namespace as string, uid: pod.uid, resourceVersion: pod.resourceVersion ?? String(meta.resourceVersion), creationTimestamp: pod.createdAt,
        labels: { ...((templateMeta.labels ?? {}) as Record<string, string>), ...revisionLabels },
        ...(templateMeta.annotations ? { annotations: templateMeta.annotations } : {}),
        ownerReferences: [{ apiVersion: "apps/v1", ...owner, uid: `${String(meta.uid)}-${pod.hash}`, controller: true, blockOwnerDeletion: true }],
      },
      spec: (template.spec ?? {}) as JsonObject,
      status: {
        phase: pod.ready ? "Running" : "Pending",
        conditions: [{ type: "Ready", status: pod.ready ? "True" : "False" }, { type: "ContainersReady", status: pod.ready ? "True" : "False" }],
      },
    };
  });
}

