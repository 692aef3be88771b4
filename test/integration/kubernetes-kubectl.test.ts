// Real kubectl against the Kubernetes emulator, through nothing but the kubeconfig the emulator
// wrote: if kubectl accepts the TLS, the token, the discovery documents, the Tables, the watch and
// the patches, the actions' tests prove agreement with Kubernetes rather than with ourselves.
// The controllers move only when the test ticks them, and the clock is the test's, so kubectl's
// output is the same on every run.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubernetesEmulator, type KubernetesEmulator } from "../../src/sandbox/emulators/kubernetes/kubernetes-emulator.js";

const KUBECTL = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].find((path) => existsSync(path));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

type Deployment = {
  metadata: { generation: number };
  spec: { replicas: number; template: { metadata: { annotations?: Record<string, string> } } };
  status: { observedGeneration: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };
};

describe.skipIf(!KUBECTL)("kubectl against the Kubernetes emulator (needs kubectl; .ci/run installs it)", () => {
  let k8s: KubernetesEmulator;
  let dir: string;
  let clock = new Date("2026-03-08T09:00:00Z");

  // A HOME and discovery cache of its own, so nothing from this machine's ~/.kube is read.
  const kubectl = (args: string[]) => {
    const child = spawn(KUBECTL!, ["--kubeconfig", join(dir, "kubeconfig"), "--cache-dir", join(dir, "cache"), ...args], { env: { PATH: process.env.PATH ?? "", HOME: dir } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    return new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  };
  const deployment = (name: string) => k8s.object("Deployment", name) as Deployment;
  const rolledOut = (name: string) => {
    const { metadata, spec, status } = deployment(name);
    return status.observedGeneration === metadata.generation && [status.replicas, status.updatedReplicas, status.readyReplicas, status.availableReplicas].every((n) => n === spec.replicas);
  };
  /** Resolves once the emulator has recorded a call that `matches`: a fact, however long kubectl takes to get there. */
  async function calledWith(matches: (call: KubernetesEmulator["calls"][number]) => boolean): Promise<void> {
    while (!k8s.calls.some(matches)) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  beforeAll(async () => {
    k8s = await startKubernetesEmulator({ tickMs: 0, now: () => clock });
    k8s.addDeployment({ name: "api", replicas: 3 });
    k8s.addDeployment({ name: "worker", replicas: 2, labels: { app: "worker", tier: "batch" } });
    k8s.addStatefulSet({ name: "db", replicas: 2 });
    clock = new Date("2026-03-08T09:05:00Z");
    dir = mkdtempSync(join(tmpdir(), "firebreak-kubectl-"));
    k8s.writeKubeconfig(join(dir, "kubeconfig"));
  });
  afterAll(() => k8s.close());

  it("lists Deployments as kubectl prints them, and narrows them by label", async () => {
    expect(await kubectl(["get", "deploy"])).toEqual({
      code: 0,
      stdout: ["NAME     READY   UP-TO-DATE   AVAILABLE   AGE", "api      3/3     3            3           5m", "worker   2/2     2            2           5m", ""].join("\n"),
      stderr: "",
    });
    expect(await kubectl(["get", "deploy", "-l", "app=api"])).toEqual({
      code: 0,
      stdout: ["NAME   READY   UP-TO-DATE   AVAILABLE   AGE", "api    3/3     3            3           5m", ""].join("\n"),
      stderr: "",
    });
    const list = k8s.calls.find((call) => call.path === "/apis/apps/v1/namespaces/default/deployments" && call.query.labelSelector === "app=api");
    expect(list?.accept).toContain("application/json;as=Table;v=v1;g=meta.k8s.io");

    const statefulSets = await kubectl(["get", "sts,po", "-l", "app in (db)", "-o", "name"]);
    expect(statefulSets).toEqual({ code: 0, stdout: "statefulset.apps/db\npod/db-0\npod/db-1\n", stderr: "" });
  });

  it("is refused without the token, as a server without anonymous access refuses it", async () => {
    const run = await kubectl(["get", "deploy", "--token", "not-the-token"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error: You must be logged in to the server (Unauthorized)");
  });

  it("restarts a Deployment and follows the rollout to the end", async () => {
    expect(await kubectl(["rollout", "restart", "deployment/api"])).toEqual({ code: 0, stdout: "deployment.apps/api restarted\n", stderr: "" });
    const restarted = deployment("api");
    expect(restarted.metadata.generation).toBe(2);
    expect(restarted.spec.template.metadata.annotations?.["kubectl.kubernetes.io/restartedAt"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(k8s.calls.find((call) => call.method === "PATCH")).toMatchObject({ contentType: "application/strategic-merge-patch+json", query: { fieldManager: "kubectl-rollout" } });

    const status = kubectl(["rollout", "status", "deployment/api", "--timeout=30s"]);
    await calledWith((call) => call.path === "/apis/apps/v1/namespaces/default/deployments" && call.query.watch === "true");
    while (!rolledOut("api")) k8s.tick();
    expect(await status).toEqual({
      code: 0,
      stdout: [
        "Waiting for deployment spec update to be observed...",
        'Waiting for deployment "api" rollout to finish: 1 out of 3 new replicas have been updated...',
        'Waiting for deployment "api" rollout to finish: 2 out of 3 new replicas have been updated...',
        'deployment "api" successfully rolled out',
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("scales a Deployment through its scale subresource, and its new pods become available", async () => {
    expect(await kubectl(["scale", "deployment/api", "--replicas=5"])).toEqual({ code: 0, stdout: "deployment.apps/api scaled\n", stderr: "" });
    expect(k8s.calls.filter((call) => call.method === "PATCH").at(-1)).toMatchObject({
      path: "/apis/apps/v1/namespaces/default/deployments/api/scale",
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 5 } },
    });
    expect(deployment("api").spec.replicas).toBe(5);

    const watches = k8s.calls.filter((call) => call.query.watch === "true").length;
    const status = kubectl(["rollout", "status", "deployment/api", "--timeout=30s"]);
    await calledWith((call) => call.query.watch === "true" && k8s.calls.filter((c) => c.query.watch === "true").length > watches);
    while (!rolledOut("api")) k8s.tick();
    expect(await status).toEqual({
      code: 0,
      stdout: [
        "Waiting for deployment spec update to be observed...",
        'Waiting for deployment "api" rollout to finish: 3 of 5 updated replicas are available...',
        'Waiting for deployment "api" rollout to finish: 4 of 5 updated replicas are available...',
        'deployment "api" successfully rolled out',
        "",
      ].join("\n"),
      stderr: "",
    });
    const json = await kubectl(["get", "deployment", "api", "-o", "json"]);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as Deployment).status).toMatchObject({ replicas: 5, readyReplicas: 5, availableReplicas: 5 });
  });
});
