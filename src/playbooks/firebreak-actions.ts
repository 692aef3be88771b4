// Every action this Firebreak can run. All are always registered, so `firebreak playbooks check`
// gives the same answer with or without production credentials; an action whose system is not
// configured fails when a step plans it, before anything acts, naming what to set.
import { createDatadog, type DatadogPort } from "../adapters/datadog.js";
import { createKubernetesTargets } from "../adapters/kubernetes.js";
import { createPostgresTargets, type PostgresTargets } from "../adapters/postgres-target.js";
import type { Store } from "../adapters/store/store.js";
import type { Config } from "../kernel/config.js";
import { VendorError } from "../ports/chat.js";
import { createActionRegistry, type ActionRegistry } from "./action-registry.js";
import { datadogActions } from "./actions/datadog-actions.js";
import { kubernetesActions } from "./actions/kubernetes-actions.js";
import { postgresActions } from "./actions/postgres-actions.js";
import { builtinActions } from "./builtin-actions.js";

export interface ActionDeps {
  /** The store, once open (actions only run after it is). */
  store: () => Store | undefined;
  now: () => Date;
  /** Database targets other than the configured ones (the sandbox's embedded database). */
  postgresTargets?: PostgresTargets;
}

export function firebreakActions(config: Config, deps: ActionDeps): ActionRegistry {
  return createActionRegistry([
    ...builtinActions({
      addNote: async (incidentId, text) => {
        const store = deps.store();
        if (!store) throw new Error("the database is not available");
        await store.timeline.append({ incidentId, eventAt: deps.now(), kind: "note", text });
      },
    }),
    ...postgresActions(deps.postgresTargets ?? createPostgresTargets(config.targetSecrets.postgres)),
    ...kubernetesActions({
      kubernetes: createKubernetesTargets(config.file.targets.kubernetes),
      trafficTargets: config.file.targets.traffic,
      trafficTokens: config.targetSecrets.trafficTokens,
      blastRadius: config.file.blast_radius,
    }),
    ...datadogActions(config.datadog ? createDatadog(config.datadog) : notConfigured("Datadog", "DATADOG_API_KEY, DATADOG_APP_KEY and DATADOG_WEBHOOK_SECRET")),
  ]);
}

function notConfigured(vendor: string, settings: string): DatadogPort {
  const refuse = async (): Promise<never> => {
    throw new VendorError("datadog", "not_configured", `${vendor} is not configured; set ${settings} to use this step`);
  };
  return { queryMetric: refuse, postEvent: refuse };
}
