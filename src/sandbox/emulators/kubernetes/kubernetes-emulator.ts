// A local Kubernetes API server (node:https only) for tests and the sandbox, that real kubectl and
// the official client both accept: TLS with its own CA, a required bearer token, discovery,
// get/list/watch with selectors and pagination, Table output, the three patch types, the scale
// subresource, and Deployments/StatefulSets whose rollouts progress one pod per controller tick,
// in the official apps/v1, autoscaling/v1, core/v1 and gateway.networking.k8s.io/v1 shapes.
// Every call is recorded; failNext() answers with a real Status.
//
// Point a client at it through the kubeconfig it writes, so nothing in the client is bypassed:
//   emulator.writeKubeconfig(path);
//   kubectl --kubeconfig path get deploy
//   const kc = new KubeConfig(); kc.loadFromFile(path); kc.makeApiClient(AppsV1Api);
import { writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { stringify } from "yaml";
import { closeServer, parseBody, patternMatcher } from "../http-kit.js";
import { addressedBy, PUBLIC_PATHS, routeRequest } from "./api-routes.js";
import { ClusterState, type HttpRouteSpec } from "./cluster-state.js";
import { createEmulatorTls } from "./emulator-tls.js";
import { failure, statusFor } from "./statuses.js";
import { streamWatch } from "./watch-stream.js";
import type { WorkloadKind, WorkloadSpec } from "./workloads.js";

export type { HttpRouteSpec } from "./cluster-state.js";
export type { WorkloadSpec } from "./workloads.js";

export interface RecordedCall {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  accept: string | undefined;
  body: unknown;
  /** For a watch, the status it opened with (recorded when it opens, not when it ends). */
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
  /** https://127.0.0.1:<port> */
  readonly url: string;
  readonly token: string;
  /** PEM of the CA that signed the server's certificate. */
  readonly caCertificate: string;
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

export async function startKubernetesEmulator(options: KubernetesEmulatorOptions = {}): Promise<KubernetesEmulator> {
  const token = options.token ?? "k8s-emulator-token";
  const user = options.user ?? "system:serviceaccount:firebreak:firebreak";
  const now = options.now ?? (() => new Date());
  const state = new ClusterState(now);
  const tls = await createEmulatorTls();
  const calls: RecordedCall[] = [];
  const failures: { match: (call: string) => boolean; code: number; options: FailureOptions; times: number }[] = [];
  let url = "";

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? "/", url);
    const method = req.method ?? "GET";
    const path = requestUrl.pathname;
    const query = Object.fromEntries(requestUrl.searchParams);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = parseBody(Buffer.concat(chunks).toString("utf8"));
    const contentType = req.headers["content-type"];
    const accept = req.headers.accept;
    const record = (status: number) => calls.push({ method, path, query, contentType, accept, body, status });
    const send = (status: number, payload: unknown, type = "application/json") => {
      record(status);
      res.writeHead(status, { "content-type": type });
      res.end(typeof payload === "string" ? payload : JSON.stringify(payload));
    };

    // Without the token the request is anonymous, and anonymous requests are refused with 401
    // (as with --anonymous-auth=false); only the public-info paths answer anyone.
    if (!PUBLIC_PATHS.has(path) && req.headers.authorization !== `Bearer ${token}`) {
      send(401, failure(401, "Unauthorized", "Unauthorized"));
      return;
    }
    const injected = failures.find((f) => f.times > 0 && f.match(`${method} ${path}`));
    if (injected) {
      injected.times -= 1;
      const a = addressedBy(method, path, query) ?? { resource: "", group: "", namespace: "", verb: method.toLowerCase() };
      send(injected.code, statusFor(injected.code, a, user, injected.options.message, injected.options.reason));
      return;
    }
    const outcome = routeRequest(state, { method, path, query, accept, contentType, body }, `127.0.0.1:${port}`, now());
    if ("watch" in outcome) {
      record(200);
      streamWatch(res, state, outcome.watch);
      return;
    }
    send(outcome.status, outcome.body, outcome.contentType);
  }

  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify(failure(500, String(err), "InternalError")));
    });
  });
  // Clients close idle connections first (see src/http/server.ts): no reset under a reused one.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  url = `https://127.0.0.1:${port}`;
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
    caCertificate: tls.ca,
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
        clusters: [{ name: context, cluster: { server: url, "certificate-authority-data": Buffer.from(tls.ca).toString("base64") } }],
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
