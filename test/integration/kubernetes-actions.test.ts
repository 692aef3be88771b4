// The Kubernetes and traffic actions through the real @kubernetes/client-node, pointed at the
// local API emulator by a kubeconfig file (TLS with the emulator's CA, bearer token), and the
// shipped playbooks that use them. The emulator's controllers move only when a test says so, one
// step each time the action under test has read the cluster again, so the progress an action
// reports is the same on every run, however fast or loaded the machine.
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createKubernetesTargets } from "../../src/adapters/kubernetes.js";
import type { KubernetesTargets } from "../../src/ports/kubernetes.js";
import { closeServer } from "../../src/sandbox/emulators/http-kit.js";
import { startKubernetesEmulator, type KubernetesEmulator } from "../../src/sandbox/emulators/kubernetes/kubernetes-emulator.js";
import { createLogger } from "../../src/kernel/log.js";
import { createActionRegistry, type ActionContext, type ActionDefinition } from "../../src/playbooks/action-registry.js";
import { metricGateAction } from "../../src/playbooks/actions/datadog-metric-gate.js";
import { kubernetesActions } from "../../src/playbooks/actions/kubernetes-actions.js";
import { builtinActions } from "../../src/playbooks/builtin-actions.js";
import { checkPlaybookFiles } from "../../src/playbooks/check-playbooks.js";
import { playbookSchema } from "../../src/domain/playbook-schema.js";

const now = new Date("2026-03-08T09:05:00.123Z");

function context(progress: string[] = [], signal = new AbortController().signal): ActionContext {
  return { log: createLogger({ level: "silent" }), signal, now: () => now, progress: (text) => progress.push(text) };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  if (!(error instanceof Error)) throw new Error(`expected a rejection, got ${String(error)}`);
  return error;
}

describe("Kubernetes and traffic actions against the API emulator", () => {
  let k8s: KubernetesEmulator;
  let targets: KubernetesTargets;
  let traffic: Server;
  let trafficUrl: string;
  const received: { method: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let trafficReply = { status: 200, body: '{"ok":true}' };
  let actions: Map<string, ActionDefinition>;

  const build = (blastRadius: Record<string, number> = {}) =>
    new Map(
      kubernetesActions({
        kubernetes: targets,
        trafficTargets: {
          web: { kind: "gateway", cluster: "prod", namespace: "prod", route: "web" },
          lb: { kind: "http", url: `${trafficUrl}/v1/shift`, method: "PUT", allowed_hosts: ["127.0.0.1"], token_env: "LB_TOKEN" },
          elsewhere: { kind: "http", url: `http://localhost:${new URL(trafficUrl).port}/v1/shift`, method: "POST", allowed_hosts: ["lb.internal"] },
        },
        trafficTokens: { lb: "lb-token-123" },
        blastRadius,
        pollIntervalMs: 5,
      }).map((action) => [action.name, action]),
    );
  const action = (name: string) => actions.get(name)!;
  const patches = () => k8s.calls.filter((call) => call.method === "PATCH");

  /** Settles `work` while advancing the controllers by one tick after each new request the action makes. */
  async function driven<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const result = work.finally(() => (settled = true));
    // The caller awaits `result`; this only keeps a rejection from counting as unhandled meanwhile.
    result.catch(() => undefined);
    let seen = k8s.calls.length;
    while (!settled) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (k8s.calls.length > seen) {
        seen = k8s.calls.length;
        k8s.tick();
      }
    }
    return result;
  }

  beforeAll(async () => {
    k8s = await startKubernetesEmulator({ tickMs: 0 });
    const dir = mkdtempSync(join(tmpdir(), "firebreak-k8s-"));
    k8s.writeKubeconfig(join(dir, "kubeconfig"), { context: "prod-admin" });
    targets = createKubernetesTargets({ prod: { kubeconfig: join(dir, "kubeconfig"), context: "prod-admin" } });
    traffic = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push({ method: req.method ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(trafficReply.status, { "content-type": "application/json" }).end(trafficReply.body);
      });
    });
    await new Promise<void>((resolve) => traffic.listen(0, "127.0.0.1", resolve));
    trafficUrl = `http://127.0.0.1:${(traffic.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await k8s.close();
    await closeServer(traffic);
  });
  beforeEach(() => {
    actions = build();
    k8s.calls.length = 0;
    received.length = 0;
  });

  it("restarts as kubectl does, then waits for the rollout with progress", async () => {
    k8s.addDeployment({ namespace: "prod", name: "api", replicas: 3 });
    const ref = { cluster: "prod", namespace: "prod", kind: "Deployment", name: "api" };
    await expect(action("kubernetes.rollout_restart").run(ref, context())).resolves.toEqual({ restartedAt: "2026-03-08T09:05:00Z", replicas: 3 });
    expect(patches()).toEqual([
      expect.objectContaining({
        path: "/apis/apps/v1/namespaces/prod/deployments/api",
        query: { fieldManager: "firebreak" },
        contentType: "application/strategic-merge-patch+json",
        body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-03-08T09:05:00Z" } } } } },
      }),
    ]);
    const progress: string[] = [];
    await expect(driven(action("kubernetes.wait_rollout").run({ ...ref, timeout: "30s" }, context(progress)))).resolves.toEqual({ ready: 3, replicas: 3 });
    expect(progress).toEqual([
      "ready 3/3, waiting for the controller to see the change",
      "ready 3/3, updated 1/3",
      "ready 3/3, updated 2/3",
      "ready 3/3",
    ]);
    const object = k8s.object("Deployment", "api", "prod") as { metadata: { generation: number }; spec: { template: { metadata: { annotations: Record<string, string> } } } };
    expect(object.metadata.generation).toBe(2);
    expect(object.spec.template.metadata.annotations).toEqual({ "kubectl.kubernetes.io/restartedAt": "2026-03-08T09:05:00Z" });
  });

  it("waits for a StatefulSet until every pod runs the new revision", async () => {
    k8s.addStatefulSet({ namespace: "prod", name: "db", replicas: 2 });
    const ref = { cluster: "prod", namespace: "prod", kind: "StatefulSet", name: "db" };
    await action("kubernetes.rollout_restart").run(ref, context());
    expect(patches()[0]?.path).toBe("/apis/apps/v1/namespaces/prod/statefulsets/db");
    await expect(driven(action("kubernetes.wait_rollout").run({ ...ref, timeout: "30s" }, context()))).resolves.toEqual({ ready: 2, replicas: 2 });
    const status = (k8s.object("StatefulSet", "db", "prod") as { status: { currentRevision: string; updateRevision: string } }).status;
    expect(status.currentRevision).toBe(status.updateRevision);
  });

  it("gives up on a rollout that never becomes ready, with the counts", async () => {
    k8s.addDeployment({ namespace: "prod", name: "worker", replicas: 3 });
    k8s.stallRollout("worker", "prod");
    const ref = { cluster: "prod", namespace: "prod", kind: "Deployment", name: "worker" };
    await action("kubernetes.rollout_restart").run(ref, context());
    const error = await failure(driven(action("kubernetes.wait_rollout").run({ ...ref, timeout: "1s" }, context())));
    expect(error.message).toBe("rollout of deployment/worker not ready after 1s: ready 2/3, updated 1/3");

    const controller = new AbortController();
    const waiting = action("kubernetes.wait_rollout").run({ ...ref, timeout: "1m" }, context([], controller.signal));
    setTimeout(() => controller.abort(), 20);
    expect((await failure(waiting)).name).toBe("AbortError");
  });

  it("reports the API server's own message for 409, 403 and 404", async () => {
    k8s.addDeployment({ namespace: "prod", name: "payments", replicas: 2 });
    const ref = { cluster: "prod", namespace: "prod", kind: "Deployment", name: "payments" };
    k8s.failNext("PATCH /apis/apps/v1/namespaces/prod/deployments/payments", 409);
    expect((await failure(action("kubernetes.rollout_restart").run(ref, context()))).message).toBe(
      'Kubernetes said 409 Conflict: Operation cannot be fulfilled on deployments.apps "payments": the object has been modified; please apply your changes to the latest version and try again',
    );
    k8s.failNext("GET /apis/apps/v1/namespaces/prod/deployments/*", 403);
    expect((await failure(action("kubernetes.rollout_restart").run(ref, context()))).message).toBe(
      'Kubernetes said 403 Forbidden: deployments.apps "payments" is forbidden: User "system:serviceaccount:firebreak:firebreak" cannot get resource "deployments" in API group "apps" in the namespace "prod"',
    );
    k8s.failNext("PATCH /apis/apps/v1/namespaces/prod/deployments/payments/scale", 403, { message: "admission webhook denied the request: frozen" });
    expect((await failure(action("kubernetes.scale").run({ ...ref, replicas: 4 }, context()))).message).toBe("Kubernetes said 403 Forbidden: admission webhook denied the request: frozen");
    expect((await failure(action("kubernetes.rollout_restart").run({ ...ref, name: "nope" }, context()))).message).toBe('Kubernetes said 404 Not Found: deployments.apps "nope" not found');
  });

  it("refuses a step over its blast radius before any write", async () => {
    k8s.addStatefulSet({ namespace: "prod", name: "cache", replicas: 5 });
    actions = build({ "kubernetes.rollout_restart": 4, "kubernetes.scale": 2 });
    const ref = { cluster: "prod", namespace: "prod", kind: "StatefulSet", name: "cache" };
    const plan = await action("kubernetes.rollout_restart").plan(ref, context());
    expect(plan.summary).toBe("Refused: kubernetes.rollout_restart would touch 5 pods, over the blast-radius limit of 4 (blast_radius.kubernetes.rollout_restart in firebreak.yaml)");
    expect((await failure(action("kubernetes.rollout_restart").run(ref, context()))).message).toMatch(/^kubernetes.rollout_restart would touch 5 pods/);
    expect((await failure(action("kubernetes.scale").run({ ...ref, replicas: 8 }, context()))).message).toMatch(/^kubernetes.scale would touch 3 pods, over the blast-radius limit of 2/);
    expect(k8s.calls.length).toBeGreaterThan(0);
    expect(patches()).toEqual([]);
  });

  it("scales through the scale subresource and waits for the new pods", async () => {
    k8s.addDeployment({ namespace: "prod", name: "search", replicas: 2 });
    const ref = { cluster: "prod", namespace: "prod", kind: "Deployment", name: "search" };
    await expect(action("kubernetes.scale").run({ ...ref, replicas: 4 }, context())).resolves.toEqual({ from: 2, to: 4 });
    expect(patches()).toEqual([
      expect.objectContaining({ path: "/apis/apps/v1/namespaces/prod/deployments/search/scale", contentType: "application/merge-patch+json", body: { spec: { replicas: 4 } } }),
    ]);
    await expect(driven(action("kubernetes.wait_rollout").run({ ...ref, timeout: "30s" }, context()))).resolves.toEqual({ ready: 4, replicas: 4 });
    await expect(action("kubernetes.scale").run({ ...ref, replicas: 4 }, context())).resolves.toEqual({ from: 4, to: 4 });
    expect(patches()).toHaveLength(1);
  });

  it("speaks the API's protocol: bearer token, patch types, Status bodies", async () => {
    k8s.addDeployment({ namespace: "prod", name: "edge", replicas: 1 });
    const call = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}, token = k8s.token) =>
      new Promise<readonly [number, unknown]>((resolve, reject) => {
        const req = httpsRequest(`${k8s.url}${path}`, { method: init.method ?? "GET", ca: k8s.caCertificate, headers: { authorization: `Bearer ${token}`, ...init.headers } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve([res.statusCode ?? 0, JSON.parse(Buffer.concat(chunks).toString("utf8"))] as const));
        });
        req.on("error", reject);
        req.end(init.body);
      });
    expect(await call("/apis/apps/v1/namespaces/prod/deployments/edge", {}, "wrong")).toEqual([401, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 }]);
    const jsonPatch = [{ op: "test", path: "/spec/replicas", value: 1 }, { op: "replace", path: "/spec/replicas", value: 2 }];
    const [status, body] = await call("/apis/apps/v1/namespaces/prod/deployments/edge", { method: "PATCH", headers: { "content-type": "application/json-patch+json" }, body: JSON.stringify(jsonPatch) });
    expect([status, (body as { spec: { replicas: number } }).spec.replicas]).toEqual([200, 2]);
    const [failed, why] = await call("/apis/apps/v1/namespaces/prod/deployments/edge", { method: "PATCH", headers: { "content-type": "application/json-patch+json" }, body: JSON.stringify(jsonPatch) });
    expect([failed, (why as { reason: string }).reason]).toEqual([422, "Invalid"]);
    k8s.addHttpRoute({ namespace: "prod", name: "edge", rules: [{ backendRefs: [{ name: "edge", port: 80 }] }] });
    const [unsupported] = await call("/apis/gateway.networking.k8s.io/v1/namespaces/prod/httproutes/edge", { method: "PATCH", headers: { "content-type": "application/strategic-merge-patch+json" }, body: "{}" });
    expect(unsupported).toBe(415);
  });

  it("refuses targets that firebreak.yaml does not name, when the input is checked", async () => {
    const input = action("kubernetes.rollout_restart").input;
    expect(input.safeParse({ cluster: "staging", namespace: "prod", kind: "Deployment", name: "api" }).success).toBe(false);
    expect(action("traffic.shift").input.safeParse({ switch: "nope", weights: { a: 100 } }).success).toBe(false);
    expect(action("traffic.shift").input.safeParse({ switch: "web", weights: { primary: 60, backup: 30 } }).success).toBe(false);
    await expect(targets.readWorkload({ cluster: "staging", namespace: "prod", kind: "Deployment", name: "api" })).rejects.toThrow('unknown Kubernetes target "staging"; firebreak.yaml lists "prod" under targets.kubernetes');
  });

  it("refuses a kubeconfig or context that is not there, when a step first uses the target", async () => {
    const missing = createKubernetesTargets({ prod: { kubeconfig: "/nonexistent/kubeconfig" } });
    await expect(missing.readWorkload({ cluster: "prod", namespace: "prod", kind: "Deployment", name: "api" })).rejects.toThrow(
      'cannot load the kubeconfig /nonexistent/kubeconfig of Kubernetes target "prod" (ENOENT)',
    );
    const dir = mkdtempSync(join(tmpdir(), "firebreak-k8s-"));
    k8s.writeKubeconfig(join(dir, "kubeconfig"));
    const wrongContext = createKubernetesTargets({ prod: { kubeconfig: join(dir, "kubeconfig"), context: "prod-admin" } });
    const restart = kubernetesActions({ kubernetes: wrongContext, trafficTargets: {}, trafficTokens: {}, blastRadius: {} })[0]!;
    expect((await failure(restart.plan({ cluster: "prod", namespace: "prod", kind: "Deployment", name: "api" }, context()))).message).toBe(
      'Kubernetes target "prod": context "prod-admin" is not in its kubeconfig (it has emulator)',
    );
  });

  it("shifts the weights of an HTTPRoute, and refuses a backend the route does not have", async () => {
    k8s.addHttpRoute({ namespace: "prod", name: "web", rules: [{ backendRefs: [{ name: "primary", port: 8080, weight: 100 }, { name: "backup", port: 8080, weight: 0 }] }] });
    k8s.failNext("PATCH /apis/gateway.networking.k8s.io/v1/namespaces/prod/httproutes/web", 409);
    const shift = action("traffic.shift");
    await expect(shift.run({ switch: "web", weights: { primary: 0, backup: 100 } }, context())).resolves.toEqual({
      previous: { primary: 100, backup: 0 },
      current: { primary: 0, backup: 100 },
    });
    expect(patches().map((call) => [call.status, call.contentType])).toEqual([[409, "application/merge-patch+json"], [200, "application/merge-patch+json"]]);
    const route = k8s.object("HTTPRoute", "web", "prod") as { spec: { rules: { backendRefs: unknown[] }[] } };
    expect(route.spec.rules[0]?.backendRefs).toEqual([
      { name: "primary", port: 8080, weight: 0, group: "", kind: "Service" },
      { name: "backup", port: 8080, weight: 100, group: "", kind: "Service" },
    ]);
    k8s.calls.length = 0;
    expect((await failure(shift.run({ switch: "web", weights: { primary: 50, canary: 50 } }, context()))).message).toBe(
      'httproute prod/web has no backend "canary" (it routes to primary, backup)',
    );
    expect(patches()).toEqual([]);
  });

  it("sends the exact request to an allow-listed traffic manager, and nothing to other hosts", async () => {
    const shift = action("traffic.shift");
    await expect(shift.run({ switch: "lb", weights: { blue: 10, green: 90 } }, context())).resolves.toEqual({ previous: null, current: { blue: 10, green: 90 } });
    await shift.run({ switch: "lb", weights: { blue: 0, green: 100 }, body: { pool: "api", split: { green: 100 } } }, context());
    expect(received.map((r) => [r.method, r.headers.authorization, r.headers["content-type"], JSON.parse(r.body)])).toEqual([
      ["PUT", "Bearer lb-token-123", "application/json", { weights: { blue: 10, green: 90 } }],
      ["PUT", "Bearer lb-token-123", "application/json", { pool: "api", split: { green: 100 } }],
    ]);
    const plan = await shift.plan({ switch: "lb", weights: { blue: 10, green: 90 } }, context());
    expect(plan.details[0]?.text).toContain("Authorization: Bearer [redacted]");
    expect(JSON.stringify(plan)).not.toContain("lb-token-123");

    received.length = 0;
    expect((await shift.plan({ switch: "elsewhere", weights: { blue: 100 } }, context())).summary).toMatch(/^Refused: localhost:\d+ is not in allowed_hosts/);
    expect((await failure(shift.run({ switch: "elsewhere", weights: { blue: 100 } }, context()))).message).toMatch(/is not in allowed_hosts of traffic target "elsewhere"/);
    expect(received).toEqual([]);

    trafficReply = { status: 503, body: `pool api is draining ${"x".repeat(300)}` };
    const error = await failure(shift.run({ switch: "lb", weights: { blue: 100 } }, context()));
    expect(error.message).toBe(`traffic switch "lb" answered 503 Service Unavailable: pool api is draining ${"x".repeat(179)}`);
    trafficReply = { status: 200, body: '{"ok":true}' };
  });

  it("ships playbooks that parse and pass `playbooks check` with these actions", () => {
    const files = ["playbooks/restart-pods.yaml", "playbooks/failover-to-backup-cluster.yaml"];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./playbook.schema.json");
      expect(playbookSchema.safeParse(parse(text)).error).toBeUndefined();
    }
    // The real metric gate, so the playbooks are checked against its input; it is never run here.
    const metricGate = metricGateAction({ queryMetric: () => Promise.reject(new Error("not called in this test")) });
    const registry = createActionRegistry([...builtinActions({ addNote: async () => {} }), ...actions.values(), metricGate]);
    const result = checkPlaybookFiles(files, registry);
    expect(result.problems).toEqual([]);
    expect(result.playbooks.map((p) => p.playbook.id)).toEqual(["restart-pods", "failover-to-backup-cluster"]);
  });
});
