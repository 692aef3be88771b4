// A local Kubernetes API server (node:http only) for tests and the sandbox: the subset Firebreak's
// Kubernetes and traffic actions use, in the official apps/v1, autoscaling/v1, core/v1 and
// gateway.networking.k8s.io/v1 shapes, with rollouts that progress one pod per controller tick.
// Requests need the bearer token; every call is recorded; failNext() answers with a real Status.
//
// Point the official client at it through a kubeconfig, so nothing in the client is bypassed:
//   emulator.writeKubeconfig(path);
//   const kc = new KubeConfig(); kc.loadFromFile(path); kc.makeApiClient(AppsV1Api);
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { stringify } from "yaml";
import { closeServer, parseBody, patternMatcher } from "../http-kit.js";
import { ClusterState, type HttpRouteSpec, type Reply } from "./cluster-state.js";
import { failure, statusFor, type Addressed } from "./statuses.js";
import type { WorkloadKind, WorkloadSpec } from "./workloads.js";

export type { HttpRouteSpec } from "./cluster-state.js";
export type { WorkloadSpec } from "./workloads.js";

export interface RecordedCall {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
  status: number;
}

export interface KubernetesEmulatorOptions {
  /** Bearer token every request must carry (default "k8s-emulator-token"). */
  token?: string;
  /** Controller tick in milliseconds (default 100); 0 leaves ticking to tick(). */
  tickMs?: number;
  /** The user named in 403 messages. */
  user?: string;
  now?: () => Date;
}

export interface FailureOptions {
  /** Status.message (default: what the API server says for that code). */
  message?: string;
  reason?: string;
  times?: number;
}

export interface KubernetesEmulator {
  readonly url: string;
  readonly token: string;
  readonly calls: RecordedCall[];
  addDeployment(spec: WorkloadSpec): void;
  addStatefulSet(spec: WorkloadSpec): void;
  addHttpRoute(spec: HttpRouteSpec): void;
  /** A copy of a stored object as the API would return it. */
  object(kind: WorkloadKind | "HTTPRoute", name: string, namespace?: string): Record<string, unknown> | undefined;
  /** New pods of this workload never become ready, as with a crash-looping image. */
  stallRollout(name: string, namespace?: string): void;
  resumeRollout(name: string, namespace?: string): void;
  /** Advances every controller by one tick, for tests that set tickMs: 0. */
  tick(): void;
  /** The next `times` requests matching `pattern` ("PATCH /apis/apps/v1/namespaces/*\/deployments/*" or a RegExp over "METHOD /path") fail with a Status. */
  failNext(pattern: string | RegExp, code: number, options?: FailureOptions): void;
  /** Writes a kubeconfig whose only context (named `context`, default "emulator") points here. */
  writeKubeconfig(path: string, options?: { context?: string; namespace?: string }): void;
  close(): Promise<void>;
}

const workloadPath = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets)\/([^/]+)(\/scale)?$/;
const podsPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/;
const routePath = /^\/apis\/gateway\.networking\.k8s\.io\/v1\/namespaces\/([^/]+)\/httproutes\/([^/]+)$/;
const verbs: Record<string, string> = { GET: "get", PATCH: "patch", PUT: "update" };

export async function startKubernetesEmulator(options: KubernetesEmulatorOptions = {}): Promise<KubernetesEmulator> {
  const token = options.token ?? "k8s-emulator-token";
  const user = options.user ?? "system:serviceaccount:firebreak:firebreak";
  const state = new ClusterState(options.now ?? (() => new Date()));
  const calls: RecordedCall[] = [];
  const failures: { match: (call: string) => boolean; code: number; options: FailureOptions; times: number }[] = [];
  let url = "";

  function addressed(method: string, path: string): Addressed | undefined {
    const verb = verbs[method] ?? method.toLowerCase();
    const workload = workloadPath.exec(path);
    if (workload) return { resource: workload[2]!, group: "apps", namespace: decodeURIComponent(workload[1]!), name: decodeURIComponent(workload[3]!), verb };
    const pods = podsPath.exec(path);
    if (pods) return { resource: "pods", group: "", namespace: decodeURIComponent(pods[1]!), verb: method === "GET" ? "list" : verb };
    const route = routePath.exec(path);
    if (route) return { resource: "httproutes", group: "gateway.networking.k8s.io", namespace: decodeURIComponent(route[1]!), name: decodeURIComponent(route[2]!), verb };
    return undefined;
  }

  function route(method: string, path: string, query: Record<string, string>, contentType: string | undefined, body: unknown): Reply {
    const a = addressed(method, path);
    if (!a) return { status: 404, body: failure(404, "the server could not find the requested resource", "NotFound") };
    const notAllowed = { status: 405, body: failure(405, `the server does not allow this method on the requested resource`, "MethodNotAllowed") };
    if (a.resource === "pods") return method === "GET" ? state.listPods(a.namespace, query.labelSelector) : notAllowed;
    if (a.resource === "httproutes") {
      if (method === "GET") return state.getRoute(a);
      return method === "PATCH" || method === "PUT" ? state.writeRoute(a, contentType, body) : notAllowed;
    }
    const kind: WorkloadKind = a.resource === "deployments" ? "Deployment" : "StatefulSet";
    const scale = path.endsWith("/scale");
    if (method === "GET") return state.getWorkload(a, kind, scale);
    return method === "PATCH" || method === "PUT" ? state.writeWorkload(a, kind, scale, contentType, body) : notAllowed;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? "/", url);
    const method = req.method ?? "GET";
    const path = requestUrl.pathname;
    const query = Object.fromEntries(requestUrl.searchParams);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = parseBody(Buffer.concat(chunks).toString("utf8"));
    const contentType = req.headers["content-type"];
    let reply: Reply;
    if (req.headers.authorization !== `Bearer ${token}`) {
      reply = { status: 401, body: failure(401, "Unauthorized", "Unauthorized") };
    } else {
      const injected = failures.find((f) => f.times > 0 && f.match(`${method} ${path}`));
      if (injected) {
        injected.times -= 1;
        const a = addressed(method, path) ?? { resource: "", group: "", namespace: "", verb: verbs[method] ?? method.toLowerCase() };
        reply = { status: injected.code, body: statusFor(injected.code, a, user, injected.options.message, injected.options.reason) };
      } else {
        reply = route(method, path, query, contentType, body);
      }
    }
    calls.push({ method, path, query, contentType, body, status: reply.status });
    res.writeHead(reply.status, { "content-type": "application/json" });
    res.end(JSON.stringify(reply.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify(failure(500, String(err), "InternalError")));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tickMs = options.tickMs ?? 100;
  const timer = tickMs > 0 ? setInterval(() => state.tick(), tickMs) : undefined;
  timer?.unref();

  function workloadsNamed(name: string, namespace: string | undefined) {
    const found = [...state.workloads.entries()].filter(([key]) => {
      const [, ns, n] = key.split("/");
      return n === name && (namespace === undefined || ns === namespace);
    });
    if (found.length === 0) throw new Error(`no Deployment or StatefulSet named ${name}${namespace ? ` in ${namespace}` : ""}`);
    return found.map(([, workload]) => workload);
  }

  return {
    url,
    token,
    calls,
    addDeployment: (spec) => state.addWorkload("Deployment", spec),
    addStatefulSet: (spec) => state.addWorkload("StatefulSet", spec),
    addHttpRoute: (spec) => state.addRoute(spec),
    object(kind, name, namespace = "default") {
      const found = kind === "HTTPRoute" ? state.routes.get(`${namespace}/${name}`) : state.workload(kind, namespace, name)?.object;
      return found ? structuredClone(found) : undefined;
    },
    stallRollout(name, namespace) {
      for (const workload of workloadsNamed(name, namespace)) workload.stalled = true;
    },
    resumeRollout(name, namespace) {
      for (const workload of workloadsNamed(name, namespace)) workload.stalled = false;
    },
    tick: () => state.tick(),
    failNext(pattern, code, failureOptions = {}) {
      failures.push({ match: patternMatcher(pattern), code, options: failureOptions, times: failureOptions.times ?? 1 });
    },
    writeKubeconfig(path, { context = "emulator", namespace = "default" } = {}) {
      const config = {
        apiVersion: "v1",
        kind: "Config",
        // @kubernetes/client-node refuses an http:// server unless TLS verification is marked
        // skipped ("HTTP protocol is not allowed when skipTLSVerify is not set or false").
        clusters: [{ name: context, cluster: { server: url, "insecure-skip-tls-verify": true } }],
        users: [{ name: context, user: { token } }],
        contexts: [{ name: context, context: { cluster: context, user: context, namespace } }],
        "current-context": context,
      };
      writeFileSync(path, stringify(config), { mode: 0o600 });
    },
    async close() {
      if (timer) clearInterval(timer);
      await closeServer(server);
    },
  };
}
