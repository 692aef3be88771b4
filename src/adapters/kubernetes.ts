// The Kubernetes clusters named in firebreak.yaml (`targets.kubernetes`), as clients of the
// official @kubernetes/client-node. Playbooks name a target; only this file knows how a name
// becomes a kubeconfig, a context and a client. API failures come back as one sentence with the
// server's own Status message, because that is what a person in Slack needs to see:
// "Kubernetes said 409 Conflict: Operation cannot be fulfilled on deployments.apps "api": ...".
//
// The client is loaded on first use: it is a few hundred modules, and a Firebreak that restarts
// should be answering again before it has loaded what only a playbook step needs.
import { STATUS_CODES } from "node:http";
import type {
  AppsV1Api, ConfigurationOptions, CoreV1Api, CustomObjectsApi, KubeConfig, V1Pod, V1Scale,
} from "@kubernetes/client-node";
import type { ConfigFile } from "../kernel/config-file.js";
import { loadOnce } from "../kernel/load-once.js";
import {
  httpRoute, KubernetesApiError, type HttpRouteRef, type KubernetesTargets, type PatchKind, type Workload, type WorkloadRef,
} from "../ports/kubernetes.js";

type KubernetesClient = typeof import("@kubernetes/client-node");
const kubernetesClient = loadOnce((): Promise<KubernetesClient> => import("@kubernetes/client-node"));


export type KubernetesTargetsConfig = ConfigFile["targets"]["kubernetes"];
export type KubernetesTargetConfig = KubernetesTargetsConfig[string];

/** The official clients of each named target, made on first use. */
interface KubernetesClients {
  names(): string[];
  apps(name: string): Promise<AppsV1Api>;
  custom(name: string): Promise<CustomObjectsApi>;
  core(name: string): Promise<CoreV1Api>;
}

export interface KubernetesTargetsOptions {
  /** Builds a target's KubeConfig; the default loads the file and context firebreak.yaml names, or the standard locations. */
  loadKubeConfig?: (target: KubernetesTargetConfig, name: string, client: KubernetesClient) => KubeConfig;
}

export function createKubernetesTargets(targets: KubernetesTargetsConfig, options: KubernetesTargetsOptions = {}): KubernetesTargets {
  const k8s = createKubernetesClients(targets, options);
  return {
    names: () => k8s.names(),
    verifyAccess: async (cluster, signal) => void (await (await k8s.core(cluster)).getAPIResources(await callOptions({ signal }))),
    readWorkload: (ref, signal) => readWorkload(k8s, ref, signal),
    patchWorkload: (ref, body, patch, signal) => patchWorkload(k8s, ref, body, patch, signal),
    readScale: (ref, signal) => readScale(k8s, ref, signal),
    patchScale: (ref, body, signal) => patchScale(k8s, ref, body, signal),
    listPods: (cluster, namespace, matchLabels, signal) => listPods(k8s, cluster, namespace, matchLabels, signal),
    readHttpRoute: (ref, signal) => readHttpRoute(k8s, ref, signal),
    patchHttpRoute: (ref, body, patch, signal) => patchHttpRoute(k8s, ref, body, patch, signal),
  };
}

function createKubernetesClients(targets: KubernetesTargetsConfig, options: KubernetesTargetsOptions): KubernetesClients {
  const load = options.loadKubeConfig ?? loadKubeConfig;
  // Loaded on first use, not here: kubeconfigs are credentials, and `firebreak playbooks check`
  // must give the same answer on a machine that has none. A missing file fails the step's plan.
  const configs = new Map<string, KubeConfig>();
  const clients = new Map<string, object>();

  async function client<T extends object>(name: string, key: string, make: (config: KubeConfig, k8s: KubernetesClient) => T): Promise<T> {
    const target = Object.hasOwn(targets, name) ? targets[name] : undefined;
    if (!target) {
      const known = Object.keys(targets);
      throw new Error(`unknown Kubernetes target "${name}"; firebreak.yaml lists ${known.length ? known.map((n) => `"${n}"`).join(", ") : "none"} under targets.kubernetes`);
    }
    const cacheKey = `${name}/${key}`;
    let made = clients.get(cacheKey) as T | undefined;
    if (!made) {
      const k8s = await kubernetesClient();
      let config = configs.get(name);
      if (!config) {
        config = load(target, name, k8s);
        configs.set(name, config);
      }
      made = withKubernetesErrors(make(config, k8s), name);
      clients.set(cacheKey, made);
    }
    return made;
  }

  return {
    names: () => Object.keys(targets),
    apps: (name) => client(name, "apps", (config, k8s) => config.makeApiClient(k8s.AppsV1Api)),
    custom: (name) => client(name, "custom", (config, k8s) => config.makeApiClient(k8s.CustomObjectsApi)),
    core: (name) => client(name, "core", (config, k8s) => config.makeApiClient(k8s.CoreV1Api)),
  };
}

function loadKubeConfig(target: KubernetesTargetConfig, name: string, k8s: KubernetesClient): KubeConfig {
  const config = new k8s.KubeConfig();
  if (target.kubeconfig === undefined) {
    config.loadFromDefault();
  } else {
    try {
      config.loadFromFile(target.kubeconfig);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`cannot load the kubeconfig ${target.kubeconfig} of Kubernetes target "${name}" (${why}); fix targets.kubernetes.${name}.kubeconfig in firebreak.yaml`, { cause: error });
    }
  }
  if (target.context !== undefined) {
    if (!config.getContextObject(target.context)) {
      const contexts = config.getContexts().map((c) => c.name);
      throw new Error(`Kubernetes target "${name}": context "${target.context}" is not in its kubeconfig (it has ${contexts.length ? contexts.join(", ") : "none"})`);
    }
    config.setCurrentContext(target.context);
  }
  if (!config.getCurrentCluster()) throw new Error(`Kubernetes target "${name}": its kubeconfig has no current cluster; set targets.kubernetes.${name}.context`);
  return config;
}

/** Every method's rejection becomes a KubernetesApiError, so callers never see the client's raw exception text (which includes response headers). */
function withKubernetesErrors<T extends object>(api: T, target: string): T {
  return new Proxy(api, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(object, args);
        return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(kubernetesError(error, target))) : result;
      };
    },
  });
}

interface StatusLike {
  message?: unknown;
  reason?: unknown;
}

/** The sentence for a failed call: the server's Status message when there is one. */
function kubernetesError(error: unknown, target: string): Error {
  if (error instanceof KubernetesApiError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === "number" && "body" in error) {
    const status = statusOf((error as { body: unknown }).body);
    const text = typeof status?.message === "string" && status.message !== "" ? status.message : typeof status?.reason === "string" ? status.reason : rawText((error as { body: unknown }).body);
    const reason = typeof status?.reason === "string" ? status.reason : undefined;
    return new KubernetesApiError(code, reason, `Kubernetes said ${code} ${STATUS_CODES[code] ?? ""}${text ? `: ${text}` : ""}`, { cause: error });
  }
  if (error instanceof Error && error.message === "fetch failed") {
    const cause = error.cause as NodeJS.ErrnoException | undefined;
    return new Error(`cannot reach the API server of Kubernetes target "${target}" (${cause?.code ?? cause?.message ?? "network error"})`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

function statusOf(body: unknown): StatusLike | undefined {
  if (typeof body === "object" && body !== null) return body as StatusLike;
  if (typeof body !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null ? (parsed as StatusLike) : undefined;
  } catch {
    return undefined;
  }
}

function rawText(body: unknown): string {
  return typeof body === "string" ? body.trim().slice(0, 200) : "";
}

// ---- Workloads and routes, as the actions use them ----

/** Recorded as the field manager of every write, as kubectl records "kubectl-rollout". */
export const FIELD_MANAGER = "firebreak";

/** The client's PatchStrategy values. */
const patchContentTypes: Record<PatchKind, string> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  "strategic-merge": "application/strategic-merge-patch+json",
};

/**
 * Per-call options: the patch's content type (the client sends JSON Patch unless told otherwise)
 * and an AbortSignal, so a cancelled step stops its request rather than waiting for it.
 */
async function callOptions({ patch, signal }: { patch?: PatchKind; signal?: AbortSignal } = {}): Promise<ConfigurationOptions> {
  const { Observable, setHeaderOptions } = await kubernetesClient();
  const withSignal: ConfigurationOptions = signal
    ? {
        middleware: [
          {
            pre: (request) => {
              request.setSignal(signal);
              return new Observable(Promise.resolve(request));
            },
            post: (response) => new Observable(Promise.resolve(response)),
          },
        ],
        middlewareMergeStrategy: "append",
      }
    : {};
  return patch ? setHeaderOptions("Content-Type", patchContentTypes[patch], withSignal) : withSignal;
}

async function readWorkload(k8s: KubernetesClients, ref: WorkloadRef, signal?: AbortSignal): Promise<Workload> {
  const apps = await k8s.apps(ref.cluster);
  const param = { name: ref.name, namespace: ref.namespace };
  const options = await callOptions({ signal });
  return ref.kind === "Deployment" ? apps.readNamespacedDeployment(param, options) : apps.readNamespacedStatefulSet(param, options);
}

async function patchWorkload(k8s: KubernetesClients, ref: WorkloadRef, body: unknown, patch: PatchKind, signal?: AbortSignal): Promise<Workload> {
  const apps = await k8s.apps(ref.cluster);
  const param = { name: ref.name, namespace: ref.namespace, body, fieldManager: FIELD_MANAGER };
  const options = await callOptions({ patch, signal });
  return ref.kind === "Deployment" ? apps.patchNamespacedDeployment(param, options) : apps.patchNamespacedStatefulSet(param, options);
}

async function readScale(k8s: KubernetesClients, ref: WorkloadRef, signal?: AbortSignal): Promise<V1Scale> {
  const apps = await k8s.apps(ref.cluster);
  const param = { name: ref.name, namespace: ref.namespace };
  const options = await callOptions({ signal });
  return ref.kind === "Deployment" ? apps.readNamespacedDeploymentScale(param, options) : apps.readNamespacedStatefulSetScale(param, options);
}

async function patchScale(k8s: KubernetesClients, ref: WorkloadRef, body: unknown, signal?: AbortSignal): Promise<V1Scale> {
  const apps = await k8s.apps(ref.cluster);
  const param = { name: ref.name, namespace: ref.namespace, body, fieldManager: FIELD_MANAGER };
  const options = await callOptions({ patch: "merge", signal });
  return ref.kind === "Deployment" ? apps.patchNamespacedDeploymentScale(param, options) : apps.patchNamespacedStatefulSetScale(param, options);
}

async function listPods(k8s: KubernetesClients, cluster: string, namespace: string, matchLabels: Record<string, string>, signal?: AbortSignal): Promise<V1Pod[]> {
  const labelSelector = Object.entries(matchLabels).map(([key, value]) => `${key}=${value}`).join(",");
  const core = await k8s.core(cluster);
  const list = await core.listNamespacedPod({ namespace, labelSelector }, await callOptions({ signal }));
  return list.items;
}


/** The route as the API returns it; callers parse it, since CustomObjectsApi knows no schema. */
async function readHttpRoute(k8s: KubernetesClients, ref: HttpRouteRef, signal?: AbortSignal): Promise<unknown> {
  const custom = await k8s.custom(ref.cluster);
  return custom.getNamespacedCustomObject({ ...httpRoute, namespace: ref.namespace, name: ref.name }, await callOptions({ signal }));
}

/** Custom resources take JSON Patch or merge patch only; strategic merge needs a built-in schema. */
async function patchHttpRoute(k8s: KubernetesClients, ref: HttpRouteRef, body: unknown, patch: "json" | "merge", signal?: AbortSignal): Promise<unknown> {
  const param = { ...httpRoute, namespace: ref.namespace, name: ref.name, body, fieldManager: FIELD_MANAGER };
  const custom = await k8s.custom(ref.cluster);
  return custom.patchNamespacedCustomObject(param, await callOptions({ patch, signal }));
}
