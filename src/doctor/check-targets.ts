// The playbook targets in firebreak.yaml, each reached the way a step would reach it: a
// Kubernetes cluster through its kubeconfig and context, a database through its URL (so with the
// role a step would use). Nothing is changed.
import type { KubernetesTargets } from "../ports/kubernetes.js";
import type { PostgresTargets } from "../ports/postgres-target.js";
import { failed, passed, type CheckLine } from "./doctor-check.js";

/** An authenticated read any identity may make (see KubernetesTargets.verifyAccess): proves the credentials. */
export async function checkKubernetesTarget(targets: KubernetesTargets, name: string): Promise<CheckLine> {
  try {
    await targets.verifyAccess(name);
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
