// Composition root: builds Firebreak from a Config. Nothing here decides anything; it wires.
// What readiness needs is built first: the HTTP server with the health, webhook and status routes,
// and the database. The Slack app, the vendor clients and the background workers are most of the
// code and are loaded once the database is ready (./slack-and-jobs.ts), so a restarted replica
// accepts webhooks sooner; a Slack request that arrives first waits for them.
import { fileURLToPath } from "node:url";
import { createDatadog } from "./adapters/datadog.js";
import { routeDatadogLogs } from "./adapters/datadog-log.js";
import { createKubernetesTargets } from "./adapters/kubernetes.js";
import { createPostgresTargets } from "./adapters/postgres-target.js";
import type { DatadogPort } from "./ports/metrics-events.js";
import { targetNames, type TargetNames } from "./domain/targets.js";
import type { PostgresTargets } from "./ports/postgres-target.js";
import { VendorError } from "./ports/vendor-error.js";
import { vendorLog } from "./adapters/vendor-logs.js";
import { openStoreWithRetry, type OpenStoreOptions } from "./adapters/store/open-store.js";
import type { SqlStore } from "./adapters/store/store.js";
import { describeIntegrations, type Config } from "./kernel/config.js";
import { CodedError } from "./kernel/errors.js";
import { loadOnce } from "./kernel/load-once.js";
import { healthRoutes } from "./http/health-routes.js";
import { createHttpServer, type Routes } from "./http/server.js";
import { webhookRoutes } from "./http/webhook-routes.js";
import { alertWebhookRoutes } from "./http/alert-webhook-routes.js";
import { githubWebhookRoutes } from "./http/github-webhook-routes.js";
import { statusRoutes } from "./http/status-routes.js";
import { createStatusPageCache } from "./incidents/public-updates/status-page-cache.js";
import type { JobRunnerOptions } from "./jobs/job-runner.js";
import { untilIdle } from "./jobs/until-idle.js";
import { scheduleRetention } from "./jobs/retention-job.js";
import { scheduleFollowupJobs } from "./incidents/lifecycle/followup-schedule.js";
import type { Logger } from "./kernel/log.js";
import { createMetrics } from "./kernel/metrics.js";
import { DEFAULT_POSTMORTEM_TEMPLATE, loadPostmortemTemplate } from "./postmortem/load-template.js";
import type { StepWorkerOptions } from "./playbooks/engine/step-worker.js";
import { createActionRegistry, type ActionRegistry } from "./playbooks/action-registry.js";
import { datadogActions } from "./playbooks/actions/datadog-actions.js";
import type { MetricGateOptions } from "./playbooks/actions/datadog-metric-gate.js";
import { kubernetesActions } from "./playbooks/actions/kubernetes-actions.js";
import { postgresActions } from "./playbooks/actions/postgres-actions.js";
import { builtinActions } from "./playbooks/builtin-actions.js";
import { loadPlaybooks } from "./playbooks/load-playbooks.js";
import type { SlackAndJobs } from "./slack-and-jobs.js";

/** Playbooks shipped with Firebreak: <package>/playbooks, one level above src/ and dist/. */
export const SHIPPED_PLAYBOOKS = fileURLToPath(new URL("../playbooks", import.meta.url));

export interface FirebreakOptions {
  config: Config & { slack: NonNullable<Config["slack"]> };
  log: Logger;
  now?: () => Date;
  /** Job runner tuning (tests shorten the poll interval and retry backoff). */
  jobs?: Pick<JobRunnerOptions, "pollMs" | "backoffMs" | "leaseMs">;
  /** Step worker tuning (tests shorten leases). */
  steps?: StepWorkerOptions;
  /** Database targets for the PostgreSQL actions, instead of those in firebreak.yaml (the sandbox). */
  postgresTargets?: PostgresTargets;
  /** The metric gate's clock and sleep (the sandbox fast-forwards its waits). */
  metricGate?: MetricGateOptions;
  /** Clock for Slack signature timestamps (default: the real one, whatever `now` says). */
  signatureClock?: () => number;
  /** How long a Slack or PagerDuty API call may take (default 10 s; tests of lost answers shorten it). */
  requestTimeoutMs?: number;
  /** Socket Mode client tuning (tests shorten the reconnect back-off). */
  socketMode?: { clientPingTimeoutMs?: number };
  /** The database's first opening, begun by the caller before this module loaded (serve's head start). */
  firstDatabaseAttempt?: OpenStoreOptions["firstAttempt"];
}

export interface Firebreak {
  /** Starts listening at once; the database is connected (and migrated) in the background. */
  start(): Promise<{ port: number; statusPort?: number }>;
  /** Resolves once the database is open and migrated and background work has started. */
  ready(): Promise<SqlStore>;
  /** Resolves once no job or step is running or due, here or on another replica (tests wait on this, not on time). */
  idle(options?: { timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export function createFirebreak(options: FirebreakOptions): Firebreak {
  const { config, log } = options;
  const now = options.now ?? (() => new Date());
  const metrics = createMetrics();
  const abort = new AbortController();
  let store: SqlStore | undefined;
  let side: SlackAndJobs | undefined;
  let lastDatabaseError = "database: connecting";

  for (const integration of describeIntegrations(config)) {
    if (integration.enabled) log.info({ integration: integration.name }, `${integration.name} integration is on`);
    else log.info({ integration: integration.name }, `${integration.name} integration is off (${integration.hint})`);
  }

  if (config.datadog) routeDatadogLogs(vendorLog(log.child({ component: "datadog", vendor: "datadog-api-client" })), log.level);
  const datadog = config.datadog && createDatadog(config.datadog);
  const nudge = () => side?.nudge();
  const handOff = () => side?.handOff;
  const postgresTargets = options.postgresTargets ?? createPostgresTargets(config.targetSecrets.postgres);
  const registry = firebreakActions(config, { store: () => store, now, datadog: datadog || undefined, postgresTargets, ...(options.metricGate && { metricGate: options.metricGate }) });
  // What the params form offers: the targets the actions were really given (the sandbox's own database too).
  const targets: TargetNames = { ...targetNames(config.file.targets), postgres: postgresTargets.names().sort() };
  // An invalid playbook or template stops start-up with every problem as file:line:col (the caller exits 2).
  const postmortemTemplate = loadPostmortemTemplate(config.file.postmortem_template ?? DEFAULT_POSTMORTEM_TEMPLATE);
  const playbooks = (config.file.playbook_dirs ?? [SHIPPED_PLAYBOOKS]).flatMap((dir) => loadPlaybooks(dir, registry));

  // Loaded and built once: when the database is ready, or by the first Slack request if that comes sooner.
  let sideLoading: Promise<unknown> | undefined;
  const slackAndJobs = loadOnce(() => (sideLoading = loadSlackAndJobs()));
  async function loadSlackAndJobs(): Promise<SlackAndJobs> {
    const { createSlackAndJobs } = await import("./slack-and-jobs.js");
    if (abort.signal.aborted) throw new Error("Firebreak is stopping");
    side = createSlackAndJobs({
      config,
      log,
      now,
      metrics,
      store: () => store,
      registry,
      playbooks,
      targets,
      postmortemTemplate,
      datadog: datadog || undefined,
      signal: abort.signal,
      ...(options.jobs && { jobs: options.jobs }),
      ...(options.steps && { steps: options.steps }),
      ...(options.signatureClock && { signatureClock: options.signatureClock }),
      ...(options.requestTimeoutMs && { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.socketMode && { socketMode: options.socketMode }),
    });
    side.connect();
    return side;
  }

  // The status page is served on the main port and, when STATUS_PORT is set, alone on its own.
  const statusPage = statusRoutes(createStatusPageCache({ store: () => store, now, timezone: config.timezone, config: config.file.status_page }));
  const statusHttp = config.statusPort !== undefined ? createHttpServer({ routes: statusPage, log: log.child({ component: "status-page" }), metrics }) : undefined;
  const routes: Routes = {
    ...statusPage,
    ...healthRoutes({ metrics, readiness: { unreadyReason: async () => (store ? store.unreadyReason() : lastDatabaseError) } }),
    ...webhookRoutes({ config, store: () => store, now, nudge, handOff }),
    ...alertWebhookRoutes({ config, store: () => store, now, nudge, handOff }),
    ...githubWebhookRoutes({ config, store: () => store, now, nudge, handOff }),
    "/slack/events": {
      POST: config.slack.appToken
        ? async () => {
            throw new CodedError("integration_off", "Socket Mode is on (SLACK_APP_TOKEN is set): Slack sends events over its WebSocket, not here.");
          }
        : async (req) => (await slackAndJobs()).handleSlackRequest!(req),
    },
  };
  const http = createHttpServer({ routes, log, metrics });

  let storeReady: Promise<SqlStore> | undefined;
  function openStore(): Promise<SqlStore> {
    storeReady ??= openStoreWithRetry(config.database, {
      log,
      signal: abort.signal,
      ...(options.firstDatabaseAttempt && { firstAttempt: options.firstDatabaseAttempt }),
      onAttemptFailed: (reason) => {
        lastDatabaseError = `database unreachable: ${reason}`;
        // Slack should hear from us (a bad token, Socket Mode) even while the database is away.
        void slackAndJobs().catch(() => undefined);
      },
    }).then(async (opened) => {
      if (abort.signal.aborted) {
        await opened.close();
        throw new Error("Firebreak stopped before its database was ready");
      }
      // The sweeps every start asks for are in the database before it reports ready.
      await Promise.all([
        scheduleRetention(opened.jobs, now()).catch((error: unknown) => log.warn({ err: error }, "could not schedule today's retention sweep; the next start-up will")),
        scheduleFollowupJobs(opened.jobs, now(), config.timezone, { github: Boolean(config.github) }).catch((error: unknown) => log.warn({ err: error }, "could not schedule the follow-up reconcile and nudges; the next start-up will")),
      ]);
      // Ready from here: webhooks are accepted into the database; Slack and the workers follow.
      store = opened;
      log.info({ driver: opened.driver }, "database ready");
      void metrics.addProcessMetrics();
      const loaded = await slackAndJobs();
      if (!abort.signal.aborted) loaded.startJobs(opened);
      return opened;
    });
    // Rejected only when stopped before the database came up; nobody may be awaiting it.
    storeReady.catch(() => undefined);
    return storeReady;
  }

  return {
    async start() {
      void openStore();
      const port = await http.listen(config.port);
      log.info({ port }, `Firebreak listening on :${port}`);
      const statusPort = statusHttp && (await statusHttp.listen(config.statusPort!));
      if (statusPort !== undefined) log.info({ port: statusPort }, `status page listening on :${statusPort}`);
      return { port, ...(statusPort !== undefined && { statusPort }) };
    },
    ready: openStore,
    async idle(idleOptions) {
      await openStore();
      await untilIdle(side!.workers()!, idleOptions);
    },
    async stop() {
      abort.abort(new Error("stopping"));
      await http.close();
      await statusHttp?.close();
      await sideLoading?.catch(() => undefined);
      await side?.stop();
      await store?.close();
      log.info("Firebreak stopped");
    },
  };
}

export interface ActionDeps {
  /** The store, once open (actions only run after it is). */
  store: () => SqlStore | undefined;
  now: () => Date;
  /** Database targets other than the configured ones (the sandbox's embedded database). */
  postgresTargets?: PostgresTargets;
  /** The one Datadog client, shared with the change markers; undefined when Datadog is not configured. */
  datadog: DatadogPort | undefined;
  metricGate?: MetricGateOptions;
}

/**
 * Every action this Firebreak can run. All are always registered, so `firebreak playbooks check`
 * gives the same answer with or without production credentials; an action whose system is not
 * configured fails when a step plans it, before anything acts, naming what to set.
 */
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
    ...datadogActions(deps.datadog ?? notConfigured("Datadog", "DATADOG_API_KEY, DATADOG_APP_KEY and DATADOG_WEBHOOK_SECRET"), deps.metricGate),
  ]);
}

function notConfigured(vendor: string, settings: string): DatadogPort {
  const refuse = async (): Promise<never> => {
    throw new VendorError("datadog", "not_configured", `${vendor} is not configured; set ${settings} to use this step`);
  };
  return { queryMetric: refuse, postEvent: refuse };
}
