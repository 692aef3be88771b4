// The playbook targets in firebreak.yaml, each reached the way a step would reach it: a
// Kubernetes cluster through its kubeconfig and context, a database through its URL (so with the
// role a step would use). Nothing is changed.
import type { KubernetesTargets } from "../adapters/kubernetes.js";
import type { PostgresTargets } from "../adapters/postgres-target.js";
import { failed, passed, type CheckLine } from "./doctor-check.js";

/**
 * GET /api/v1 (the core group's resource list): any authenticated identity may read it under Kubernetes'
 * default RBAC (system:discovery), and an anonymous or unknown one is refused, so it proves the
 * credentials without assuming what the target's role may list
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles).
 */
export async function checkKubernetesTarget(targets: KubernetesTargets, name: string): Promise<CheckLine> {
  try {
    const core = await targets.core(name);
    await core.getAPIResources();
    return passed(`Kubernetes target "${name}" answers with the credentials of its kubeconfig`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const fix = /401|Unauthorized/.test(message)
      ? `the cluster refused the credentials; refresh the token or certificate in targets.kubernetes.${name}'s kubeconfig`
      : `fix targets.kubernetes.${name} (kubeconfig, context) in firebreak.yaml or the network path to its API server`;
    return failed(`Kubernetes target "${name}": ${message}`, fix);
  }
}

export async function checkPostgresTarget(targets: PostgresTargets, name: string, envName: string): Promise<CheckLine> {
  try {
    const role = await targets.withClient(
      name,
      async (client) => (await client.query<{ role: string }>("SELECT current_user AS role")).rows[0]?.role,
      { statementTimeoutMs: 5_000, lockTimeoutMs: 1_000 },
    );
    return passed(`PostgreSQL target "${name}" answers as role ${role ?? "(unknown)"}`);
  } catch (error) {
    return failed(`PostgreSQL target "${name}": ${error instanceof Error ? error.message : String(error)}`, `check ${envName} (host, port, user, password, database) and that the server lets that role connect`);
  }
}
