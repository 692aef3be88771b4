// The sandbox's Kubernetes: a production cluster serving the Orders API and a backup cluster
// standing by with it scaled to zero, each a Kubernetes emulator with its own kubeconfig, and a
// Gateway API HTTPRoute in production splitting traffic between the two backends the shipped
// failover playbook names, "primary" and "backup". The names here are what firebreak.yaml's
// targets and the README's Quick start use.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startKubernetesEmulator, type KubernetesEmulator } from "../emulators/kubernetes/kubernetes-emulator.js";

export const DEMO_K8S = {
  namespace: "orders",
  deployment: "api",
  route: "api",
  production: "prod",
  backup: "backup",
  /** The traffic switch (targets.traffic) over the route. */
  trafficSwitch: "api-edge",
  replicas: 3,
} as const;

export interface DemoClusters {
  prod: KubernetesEmulator;
  backup: KubernetesEmulator;
  /** Kubeconfig path of each cluster, by target name. */
  kubeconfigs: Record<string, string>;
  close(): Promise<void>;
}

export async function startDemoClusters(dir: string): Promise<DemoClusters> {
  mkdirSync(dir, { recursive: true });
  const [prod, backup] = await Promise.all([startKubernetesEmulator(), startKubernetesEmulator()]);
  const { namespace, deployment, replicas } = DEMO_K8S;
  prod.addDeployment({ namespace, name: deployment, replicas, image: "acme/orders-api:2026.12.1" });
  // The backup runs the same release with no pods until a failover scales it up.
  backup.addDeployment({ namespace, name: deployment, replicas: 0, image: "acme/orders-api:2026.12.1" });
  // backendRefs name Services; "backup" stands for the backup cluster's (a multi-cluster Service).
  prod.addHttpRoute({
    namespace,
    name: DEMO_K8S.route,
    parentGateway: "edge",
    hostnames: ["api.acme.test"],
    rules: [{ backendRefs: [{ name: "primary", port: 80, weight: 100 }, { name: "backup", port: 80, weight: 0 }] }],
  });
  const kubeconfigs: Record<string, string> = {};
  for (const [name, cluster] of [[DEMO_K8S.production, prod], [DEMO_K8S.backup, backup]] as const) {
    kubeconfigs[name] = join(dir, name);
    cluster.writeKubeconfig(kubeconfigs[name], { context: name, namespace });
  }
  return { prod, backup, kubeconfigs, close: () => Promise.all([prod.close(), backup.close()]).then(() => undefined) };
}
