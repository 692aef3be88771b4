// Composition root: builds Firebreak from a Config. Nothing here decides anything; it wires.
import { openStoreWithRetry } from "./adapters/store/open-store.js";
import type { Store } from "./adapters/store/store.js";
import { describeIntegrations, type Config } from "./config.js";
import { healthRoutes } from "./http/health-routes.js";
import { createHttpServer, type Routes } from "./http/server.js";
import type { Logger } from "./log.js";
import { createMetrics } from "./metrics.js";
import { createSlackApp } from "./slack/app.js";

export interface FirebreakOptions {
  config: Config;
  log: Logger;
  now?: () => number;
}

export interface Firebreak {
  /** Starts listening at once; the database is connected (and migrated) in the background. */
  start(): Promise<{ port: number }>;
  /** Resolves once the database is open and migrated. */
  ready(): Promise<Store>;
  stop(): Promise<void>;
}

export function createFirebreak(options: FirebreakOptions): Firebreak {
  const { config, log } = options;
  const metrics = createMetrics();
  const abort = new AbortController();
  let store: Store | undefined;
  let lastDatabaseError = "database: connecting";

  for (const integration of describeIntegrations(config)) {
    if (integration.enabled) log.info({ integration: integration.name }, `${integration.name} integration is on`);
    else log.info({ integration: integration.name }, `${integration.name} integration is off (${integration.hint})`);
  }

  const routes: Routes = {
    ...healthRoutes({
      metrics,
      readiness: { unreadyReason: async () => (store ? store.unreadyReason() : lastDatabaseError) },
    }),
  };

  if (config.slack) {
    const { receiver } = createSlackApp({ slack: config.slack, log, ...(options.now && { now: options.now }) });
    routes["/slack/events"] = { POST: (req) => receiver.handle(req) };
  }

  const http = createHttpServer({ routes, log, metrics });
  const storeReady = openStoreWithRetry(config.database, {
    log,
    signal: abort.signal,
    onAttemptFailed: (reason) => (lastDatabaseError = `database unreachable: ${reason}`),
  }).then((opened) => {
    store = opened;
    log.info({ driver: opened.driver }, "database ready");
    return opened;
  });
  // Rejected only when stopped before the database came up; nobody may be awaiting it.
  storeReady.catch(() => undefined);

  return {
    async start() {
      const port = await http.listen(config.port);
      log.info({ port }, `Firebreak listening on :${port}`);
      return { port };
    },
    ready: () => storeReady,
    async stop() {
      abort.abort(new Error("stopping"));
      await http.close();
      await store?.close();
      log.info("Firebreak stopped");
    },
  };
}
