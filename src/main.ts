// Composition root: builds Firebreak from a Config. Nothing here decides anything; it wires.
import { fileURLToPath } from "node:url";
import { createDatadog } from "./adapters/datadog.js";
import { routeDatadogLogs } from "./adapters/datadog-log.js";
import { createKubernetesTargets } from "./adapters/kubernetes.js";
import { createPostgresTargets } from "./adapters/postgres-target.js";
import type { DatadogPort } from "./ports/metrics-events.js";
import { targetNames, type TargetNames } from "./domain/targets.js";
import type { PostgresTargets } from "./ports/postgres-target.js";
import { VendorError } from "./ports/vendor-error.js";
import { createGithub } from "./adapters/github.js";
import { createPagerdutyPaging } from "./adapters/pagerduty.js";
import { createStatuspage } from "./adapters/statuspage.js";
import { createPagerdutyEscalation } from "./adapters/pagerduty-escalation.js";
import { createSlackHome } from "./adapters/slack-home.js";
import { homeJobs, withHomeEvents, withHomeRefresh } from "./incidents/app-home.js";
import { ESCALATE_JOB, escalateJob } from "./incidents/escalate.js";
import { RESPONDER_INVITE_JOB, responderInviteJob } from "./incidents/responder-events.js";
import { RENDER_STEP_JOB } from "./playbooks/engine/engine-deps.js";
import { createSlackChat, createSlackClients } from "./adapters/slack-chat.js";
import { createSlackFiles } from "./adapters/slack-files.js";
import { slackLogger, vendorLog } from "./adapters/vendor-logs.js";
import { openStoreWithRetry } from "./adapters/store/open-store.js";
import type { SqlStore } from "./adapters/store/store.js";
import { describeIntegrations, type Config } from "./kernel/config.js";
import { CodedError } from "./kernel/errors.js";
import { healthRoutes } from "./http/health-routes.js";
import { createHttpServer, type Routes } from "./http/server.js";
import { isDataError, storable } from "./http/storable.js";
import { webhookRoutes } from "./http/webhook-routes.js";
import { DATADOG_MARKER_JOB, datadogMarkerJob } from "./markers/datadog-marker-job.js";
import { alertWebhookRoutes } from "./http/alert-webhook-routes.js";
import { githubWebhookRoutes } from "./http/github-webhook-routes.js";
import { followupJobs, scheduleFollowupJobs } from "./incidents/lifecycle/followup-jobs.js";
import { statusRoutes } from "./http/status-routes.js";
import { createStatusPageCache } from "./incidents/public-updates/status-page-cache.js";
import { publicUpdateJobs } from "./incidents/public-updates/public-update-jobs.js";
import { alertGroupJobs } from "./incidents/alert-group-jobs.js";
import { OPEN_CHANNEL_JOB } from "./incidents/declare-incident.js";
import { lifecycleJobs } from "./incidents/lifecycle/lifecycle-jobs.js";
import { REFRESH_HEADER_JOB } from "./incidents/lifecycle/side-effects.js";
import { recordSlackEvent, SLACK_EVENT_JOB, slackEventJob } from "./incidents/lifecycle/pin-events.js";
import { openChannelJob } from "./incidents/open-channel.js";
import { CHANNEL_BOOKMARKS_JOB, channelBookmarksJob } from "./incidents/channel-bookmarks.js";
import { PAGERDUTY_NOTE_JOB, pagerdutyNoteJob } from "./incidents/pagerduty-note.js";
import { statuspageComponentIds } from "./incidents/status-sync/component-ids.js";
import { STATUSPAGE_SYNC_JOB, statuspageSyncJob } from "./incidents/status-sync/statuspage-sync-job.js";
import { DATADOG_DELIVERY_JOB, PAGERDUTY_DELIVERY_JOB, processDeliveryJob } from "./incidents/process-delivery.js";
import { createJobRunner, type JobRunner, type JobRunnerOptions } from "./jobs/job-runner.js";
import { RETENTION_JOB, retentionJob, scheduleRetention } from "./jobs/retention-job.js";
import { untilIdle } from "./jobs/until-idle.js";
import type { Logger } from "./kernel/log.js";
import { createMetrics } from "./kernel/metrics.js";
import { createPlaybookEngine } from "./playbooks/engine/create-engine.js";
import { DEFAULT_POSTMORTEM_TEMPLATE, loadPostmortemTemplate } from "./postmortem/load-template.js";
import { postmortemNorms } from "./domain/postmortem-norms.js";
import { REFRESH_PREVIEW_JOB, refreshPreviewJob } from "./postmortem/refresh-preview.js";
import { PUBLISH_POSTMORTEM_JOB } from "./postmortem/postmortem-flows.js";
import { publishPostmortemJob } from "./postmortem/publish-job.js";
import { CHART_UPLOAD_JOB, chartUploadJob } from "./postmortem/chart-upload-job.js";
import type { StepWorker, StepWorkerOptions } from "./playbooks/engine/step-worker.js";
import { createActionRegistry, type ActionRegistry } from "./playbooks/action-registry.js";
import { datadogActions } from "./playbooks/actions/datadog-actions.js";
import type { MetricGateOptions } from "./playbooks/actions/datadog-metric-gate.js";
import { kubernetesActions } from "./playbooks/actions/kubernetes-actions.js";
import { postgresActions } from "./playbooks/actions/postgres-actions.js";
import { builtinActions } from "./playbooks/builtin-actions.js";
import { loadPlaybooks } from "./playbooks/load-playbooks.js";
import { checkSlackAuth } from "./slack/check-slack-auth.js";
import { createSlackApp } from "./slack/app.js";
import type { AppDeps } from "./slack/listeners/slack-deps.js";
import { registerListeners } from "./slack/listeners/register.js";

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
  let deps: AppDeps | undefined;
  let runner: JobRunner | undefined;
  let stepWorker: StepWorker | undefined;
  let lastDatabaseError = "database: connecting";

  for (const integration of describeIntegrations(config)) {
    if (integration.enabled) log.info({ integration: integration.name }, `${integration.name} integration is on`);
    else log.info({ integration: integration.name }, `${integration.name} integration is off (${integration.hint})`);
  }

  // Writes are never repeated by the client; durable jobs retry them, looking first.
  const slackClients = createSlackClients(config.slack.botToken, {
    apiUrl: config.slack.apiUrl,
    logger: slackLogger(log.child({ component: "slack" }), "web-api"),
    ...(options.requestTimeoutMs && { timeoutMs: options.requestTimeoutMs }),
  });
  // Messages are paced per channel through the database, so replicas share Slack's budget too.
  // Slack counts in real time, and so does the wait below: the pace ignores the injected clock
  // (a clock that stands still would otherwise never free a slot).
  const chatFiles = createSlackFiles(slackClients);
  const chat = createSlackChat(slackClients, async (bucket) => {
    for (;;) {
      const current = store;
      if (!current) return;
      const wait = await current.transaction((tx) => tx.rateSlots.reserve({ bucket, limit: 1, windowMs: 1_000, now: new Date() }));
      if (wait === 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  });
  const paging = config.pagerduty && createPagerdutyPaging(config.pagerduty, { ...(options.requestTimeoutMs && { timeoutMs: options.requestTimeoutMs }) });
  const escalation = config.pagerduty && createPagerdutyEscalation(config.pagerduty, { ...(options.requestTimeoutMs && { timeoutMs: options.requestTimeoutMs }) });
  const home = createSlackHome(slackClients);
  if (config.datadog) routeDatadogLogs(vendorLog(log.child({ component: "datadog", vendor: "datadog-api-client" })), log.level);
  const datadog = config.datadog && createDatadog(config.datadog);
  const nudge = () => runner?.nudge();
  const postgresTargets = options.postgresTargets ?? createPostgresTargets(config.targetSecrets.postgres);
  const registry = firebreakActions(config, { store: () => store, now, datadog: datadog || undefined, postgresTargets, ...(options.metricGate && { metricGate: options.metricGate }) });
  // What the params form offers: the targets the actions were really given (the sandbox's own database too).
  const targets: TargetNames = { ...targetNames(config.file.targets), postgres: postgresTargets.names().sort() };
  // An invalid playbook or template stops start-up with every problem as file:line:col (the caller exits 2).
  const postmortemTemplate = loadPostmortemTemplate(config.file.postmortem_template ?? DEFAULT_POSTMORTEM_TEMPLATE);
  const github = config.github && createGithub(config.github, { log: vendorLog(log.child({ component: "github", vendor: "octokit" })) });
  // Statuspage allows a key "1 request / second"; the slot is shared through the database by every replica.
  const statuspage = config.statuspage && createStatuspage(config.statuspage, {
    pace: async () => {
      for (;;) {
        const wait = store ? await store.transaction((tx) => tx.rateSlots.reserve({ bucket: "statuspage", limit: 1, windowMs: 1_000, now: new Date() })) : 0;
        if (wait === 0) return;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },
  });
  const playbooks = (config.file.playbook_dirs ?? [SHIPPED_PLAYBOOKS]).flatMap((dir) => loadPlaybooks(dir, registry));

  const slackApp = createSlackApp({
    slack: config.slack,
    log,
    // Signature timestamps are checked against the real clock: they are about the transport.
    ...(options.signatureClock && { now: options.signatureClock }),
    ...(options.socketMode && { socketMode: options.socketMode }),
    recordEvent: async (eventId, event) => {
      if (!deps) throw new CodedError("not_ready", "Firebreak's database is not reachable yet; Slack will retry.");
      return recordSlackEvent(deps, eventId, storable(event)).catch((error: unknown) => {
        if (isDataError(error)) throw new CodedError("invalid_payload", "The event holds data that cannot be stored.", { cause: error });
        throw new CodedError("not_ready", "Firebreak could not record the event; Slack will retry.", { cause: error });
      });
    },
  });
  registerListeners(slackApp.app, () => deps, { chat, log: log.child({ component: "slack-answers" }) });
  const receiver = slackApp.receiver;

  // The status page is served on the main port and, when STATUS_PORT is set, alone on its own.
  const statusPage = statusRoutes(createStatusPageCache({ store: () => store, now, timezone: config.timezone, config: config.file.status_page }));
  const statusHttp = config.statusPort !== undefined ? createHttpServer({ routes: statusPage, log: log.child({ component: "status-page" }), metrics }) : undefined;
  const routes: Routes = {
    ...statusPage,
    ...healthRoutes({ metrics, readiness: { unreadyReason: async () => (store ? store.unreadyReason() : lastDatabaseError) } }),
    ...webhookRoutes({ config, store: () => store, now, nudge }),
    ...alertWebhookRoutes({ config, store: () => store, now, nudge }),
    ...githubWebhookRoutes({ config, store: () => store, now, nudge }),
    "/slack/events": {
      POST: receiver
        ? (req) => receiver.handle(req)
        : async () => {
            throw new CodedError("integration_off", "Socket Mode is on (SLACK_APP_TOKEN is set): Slack sends events over its WebSocket, not here.");
          },
    },
  };
  const http = createHttpServer({ routes, log, metrics });

  const storeReady = openStoreWithRetry(config.database, {
    log,
    signal: abort.signal,
    onAttemptFailed: (reason) => (lastDatabaseError = `database unreachable: ${reason}`),
  }).then((opened) => {
    store = opened;
    const engine = createPlaybookEngine(
      { store: opened, registry, playbooks, chat, log: log.child({ component: "playbooks" }), now, timezone: config.timezone, file: config.file, targetNames: targets, markers: Boolean(datadog), nudgeJobs: nudge },
      options.steps,
    );
    const appDeps: AppDeps = {
      engine: engine.deps,
      store: opened,
      chat,
      ...(paging && { paging }),
      ...(escalation && { escalation }),
      log,
      now,
      timezone: config.timezone,
      services: config.file.services,
      lifecycle: config.file.lifecycle,
      ...(config.file.call_url && { callUrl: config.file.call_url }),
      permissions: config.file.permissions,
      approverGroups: config.file.approver_groups,
      postmortemTemplate,
      postmortemNorms: postmortemNorms(config.file.postmortem_norms),
      ...(datadog && { datadog }),
      chatFiles,
      ...(config.github && { github: { owner: config.github.owner, repo: config.github.repo, baseBranch: config.github.baseBranch } }),
      people: config.file.people,
      ...(config.slack.incidentsChannel && { incidentsChannel: config.slack.incidentsChannel }),
      markers: Boolean(datadog),
      statuspageEnabled: () => Boolean(statuspage),
      ...(config.file.status_page && { statusPage: config.file.status_page }),
      nudge,
    };
    deps = appDeps;
    runner = createJobRunner({
      jobs: opened.jobs,
      log: log.child({ component: "jobs" }),
      metrics,
      now,
      ...options.jobs,
      // App Home is republished after the jobs that change what it shows (incidents/app-home.ts).
      handlers: withHomeRefresh(appDeps, {
        [PAGERDUTY_DELIVERY_JOB]: processDeliveryJob(appDeps, "pagerduty"),
        [DATADOG_DELIVERY_JOB]: processDeliveryJob(appDeps, "datadog"),
        ...alertGroupJobs(appDeps, config.file.sources),
        [OPEN_CHANNEL_JOB]: openChannelJob(appDeps),
        [CHANNEL_BOOKMARKS_JOB]: channelBookmarksJob(appDeps),
        [PAGERDUTY_NOTE_JOB]: pagerdutyNoteJob(appDeps),
        ...lifecycleJobs(appDeps),
        [SLACK_EVENT_JOB]: withHomeEvents({ ...appDeps, home }, slackEventJob(appDeps)),
        [ESCALATE_JOB]: escalateJob(appDeps),
        [RESPONDER_INVITE_JOB]: responderInviteJob(appDeps),
        ...homeJobs({ ...appDeps, home }),
        ...(github && { [PUBLISH_POSTMORTEM_JOB]: publishPostmortemJob(appDeps, github) }),
        [REFRESH_PREVIEW_JOB]: refreshPreviewJob(appDeps),
        [CHART_UPLOAD_JOB]: chartUploadJob(appDeps, chatFiles),
        ...engine.jobHandlers,
        ...(datadog && { [DATADOG_MARKER_JOB]: datadogMarkerJob(datadog) }),
        ...(statuspage && {
          [STATUSPAGE_SYNC_JOB]: statuspageSyncJob({ store: opened, statusSync: statuspage, componentIds: statuspageComponentIds(config.file), log: log.child({ component: "statuspage" }), now }),
        }),
        [RETENTION_JOB]: retentionJob({ store: opened, retentionDays: config.file.retention_days }),
        ...followupJobs(appDeps, { github: github || undefined, people: config.file.people }),
        ...publicUpdateJobs(appDeps),
      }, [REFRESH_HEADER_JOB, OPEN_CHANNEL_JOB, RENDER_STEP_JOB, PUBLISH_POSTMORTEM_JOB, ESCALATE_JOB]),
    });
    runner.start();
    scheduleRetention(opened.jobs, now()).catch((error: unknown) => log.warn({ err: error }, "could not schedule today's retention sweep; the next start-up will"));
    scheduleFollowupJobs(opened.jobs, now(), config.timezone, { github: Boolean(github) }).catch((error: unknown) => log.warn({ err: error }, "could not schedule the follow-up reconcile and nudges; the next start-up will"));
    engine.worker.start();
    stepWorker = engine.worker;
    log.info({ driver: opened.driver }, "database ready");
    return opened;
  });
  // Rejected only when stopped before the database came up; nobody may be awaiting it.
  storeReady.catch(() => undefined);

  // A bad token must be loud, but readiness stays about the database so webhook intake never stops.
  async function watchSlackAuth(): Promise<void> {
    const authLog = log.child({ component: "slack-auth" });
    while (!abort.signal.aborted) {
      const check = await checkSlackAuth(slackClients.reads);
      if (check.state === "ok") {
        metrics.slackAuthOk.set(1);
        authLog.info({ team: check.team, user: check.user }, "Slack accepted the bot token");
        return;
      }
      if (check.state === "refused") {
        metrics.slackAuthOk.set(0);
        authLog.error(`Slack will not work until this is fixed: ${check.problem}`);
        return;
      }
      authLog.warn(`${check.problem}; asking again in 30 s`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 30_000);
        abort.signal.addEventListener("abort", () => resolve(clearTimeout(timer)), { once: true });
      });
    }
  }

  return {
    async start() {
      const port = await http.listen(config.port);
      log.info({ port }, `Firebreak listening on :${port}`);
      const statusPort = statusHttp && (await statusHttp.listen(config.statusPort!));
      if (statusPort !== undefined) log.info({ port: statusPort }, `status page listening on :${statusPort}`);
      void watchSlackAuth();
      if (!receiver) {
        slackApp.connect().then(
          () => log.info("connected to Slack in Socket Mode"),
          (error: unknown) => log.error({ err: error }, "could not connect to Slack in Socket Mode; check SLACK_APP_TOKEN"),
        );
      }
      return { port, ...(statusPort !== undefined && { statusPort }) };
    },
    ready: () => storeReady,
    async idle(idleOptions) {
      await storeReady;
      await untilIdle([runner!, stepWorker!], idleOptions);
    },
    async stop() {
      abort.abort(new Error("stopping"));
      await http.close();
      await statusHttp?.close();
      if (!receiver) await slackApp.app.stop().catch(() => undefined);
      await stepWorker?.stop();
      await runner?.stop();
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
