// Golden dry-run plans of the Kubernetes and traffic actions: what approvers read before they
// press Approve. The emulator does not tick here, so every plan is the same on every run.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesTargets } from "../../src/adapters/kubernetes.js";
import type { KubernetesTargets } from "../../src/ports/kubernetes.js";
import { startKubernetesEmulator, type KubernetesEmulator } from "../../src/sandbox/emulators/kubernetes/kubernetes-emulator.js";
import { createLogger } from "../../src/kernel/log.js";
import type { ActionContext, ActionDefinition } from "../../src/playbooks/action-registry.js";
import { kubernetesActions } from "../../src/playbooks/actions/kubernetes-actions.js";

const now = new Date("2026-03-08T09:05:00Z");
const ctx: ActionContext = { log: createLogger({ level: "silent" }), signal: new AbortController().signal, now: () => now, progress: () => {} };

describe("Kubernetes and traffic plans", () => {
  let k8s: KubernetesEmulator;
  let targets: KubernetesTargets;

  const actions = (blastRadius: Record<string, number> = {}) => {
    const list = kubernetesActions({
      kubernetes: targets,
      trafficTargets: {
        web: { kind: "gateway", cluster: "prod", namespace: "prod", route: "web" },
        lb: { kind: "http", url: "https://lb.internal/v1/pools/api/weights", method: "PUT", allowed_hosts: ["lb.internal"], token_env: "LB_TOKEN" },
        stray: { kind: "http", url: "https://lb.example.com/shift", method: "POST", allowed_hosts: ["lb.internal"] },
      },
      trafficTokens: { lb: "lb-token-123" },
      blastRadius,
    });
    return (name: string) => list.find((action) => action.name === name) as ActionDefinition;
  };

  beforeAll(async () => {
    k8s = await startKubernetesEmulator({ tickMs: 0, now: () => now });
    k8s.addDeployment({ namespace: "prod", name: "api", replicas: 3 });
    k8s.addStatefulSet({ namespace: "prod", name: "cache", replicas: 2 });
    k8s.addDeployment({ namespace: "prod", name: "batch", replicas: 12, paused: true });
    k8s.addHttpRoute({ namespace: "prod", name: "web", rules: [{ backendRefs: [{ name: "primary", port: 8080, weight: 90 }, { name: "backup", port: 8080, weight: 10 }] }] });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), "firebreak-k8s-")), "kubeconfig");
    k8s.writeKubeconfig(kubeconfig);
    targets = createKubernetesTargets({ prod: { kubeconfig } });
  });
  afterAll(() => k8s.close());

  const deployment = { cluster: "prod", namespace: "prod", kind: "Deployment", name: "api" };
  const statefulSet = { cluster: "prod", namespace: "prod", kind: "StatefulSet", name: "cache" };

  it("kubernetes.rollout_restart", async () => {
    const action = actions()("kubernetes.rollout_restart");
    expect({
      deployment: await action.plan(deployment, ctx),
      statefulSet: await action.plan(statefulSet, ctx),
      paused: await action.plan({ ...deployment, name: "batch" }, ctx),
      overLimit: await actions({ "kubernetes.rollout_restart": 2 })("kubernetes.rollout_restart").plan(deployment, ctx),
    }).toMatchSnapshot();
  });

  it("kubernetes.wait_rollout", async () => {
    expect(await actions()("kubernetes.wait_rollout").plan({ ...deployment, timeout: "10m" }, ctx)).toMatchSnapshot();
  });

  it("kubernetes.scale", async () => {
    const action = actions()("kubernetes.scale");
    expect({
      up: await action.plan({ ...deployment, replicas: 6 }, ctx),
      same: await action.plan({ ...statefulSet, replicas: 2 }, ctx),
      overLimit: await actions({ "kubernetes.scale": 5 })("kubernetes.scale").plan({ ...deployment, replicas: 10 }, ctx),
    }).toMatchSnapshot();
  });

  it("traffic.shift", async () => {
    const action = actions()("traffic.shift");
    expect({
      gateway: await action.plan({ switch: "web", weights: { primary: 0, backup: 100 } }, ctx),
      gatewayUnchanged: await action.plan({ switch: "web", weights: { primary: 90, backup: 10 } }, ctx),
      gatewayUnknownBackend: await action.plan({ switch: "web", weights: { primary: 50, canary: 50 } }, ctx),
      http: await action.plan({ switch: "lb", weights: { blue: 0, green: 100 } }, ctx),
      httpCustomBody: await action.plan({ switch: "lb", weights: { blue: 0, green: 100 }, body: { pool: "api", green: 100 } }, ctx),
      httpHostNotAllowed: await action.plan({ switch: "stray", weights: { blue: 100 } }, ctx),
    }).toMatchSnapshot();
  });
});
