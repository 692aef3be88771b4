import type { Metrics } from "../kernel/metrics.js";
import type { Routes } from "./server.js";

export interface Readiness {
  /** Why Firebreak cannot serve requests yet, or undefined when it can. */
  unreadyReason(): Promise<string | undefined>;
}

export function healthRoutes(deps: { readiness: Readiness; metrics: Metrics }): Routes {
  return {
    "/healthz": { GET: async () => ({ status: 200, body: { ok: true } }) },
    "/readyz": {
      GET: async () => {
        const reason = await deps.readiness.unreadyReason();
        return reason ? { status: 503, body: { ok: false, reason } } : { status: 200, body: { ok: true } };
      },
    },
    "/metrics": {
      GET: async () => ({
        status: 200,
        headers: { "content-type": deps.metrics.registry.contentType },
        body: await deps.metrics.render(),
      }),
    },
  };
}
