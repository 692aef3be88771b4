// The part of Firebreak that talks to Slack and runs background work: the Bolt app and its
// listeners, the vendor clients, and (once the database is open) the playbook engine, the job
// runner and the step worker. main.ts loads this module only after the database is ready: it is
// most of Firebreak's code (Bolt alone is hundreds of modules), and readiness — accepting webhooks
// into the database — needs none of it. Nothing here decides anything; it wires.
import { createPagerdutyPaging } from "./adapters/pagerduty.js";
import { createStatuspage } from "./adapters/statuspage.js";
import { createPagerdutyEscalation } from "./adapters/pagerduty-escalation.js";
import { createSlackHome } from "./adapters/slack-home.js";
import { createGithub } from "./adapters/github.js";
import { createSlackChat, createSlackClients } from "./adapters/slack-chat.js";
import { createSlackFiles } from "./adapters/slack-files.js";
import { slackLogger, vendorLog } from "./adapters/vendor-logs.js";
import type { SqlStore } from "./adapters/store/store.js";
import type { DatadogPort } from "./ports/metrics-events.js";
import type { TargetNames } from "./domain/targets.js";
import { postmortemNorms } from "./domain/postmortem-norms.js";
import type { Config } from "./kernel/config.js";
import { CodedError } from "./kernel/errors.js";
import type { Logger } from "./kernel/log.js";
import type { Metrics } from "./kernel/metrics.js";
import type { HttpRequest, HttpResponse } from "./http/server.js";
import { isDataError, storable } from "./http/storable.js";
import { homeJobs, withHomeEvents, withHomeRefresh } from "./incidents/app-home.js";
import { ESCALATE_JOB, escalateJob } from "./incidents/escalate.js";
import { RESPONDER_INVITE_JOB, responderInviteJob } from "./incidents/responder-events.js";
import { followupJobs } from "./incidents/lifecycle/followup-jobs.js";
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
import { DATADOG_MARKER_JOB, datadogMarkerJob } from "./markers/datadog-marker-job.js";
import { createJobRunner, type JobHandOff, type JobRunner, type JobRunnerOptions } from "./jobs/job-runner.js";
import { RETENTION_JOB, retentionJob } from "./jobs/retention-job.js";
import { createPlaybookEngine } from "./playbooks/engine/create-engine.js";
import { RENDER_STEP_JOB } from "./playbooks/engine/engine-deps.js";
import type { StepWorker, StepWorkerOptions } from "./playbooks/engine/step-worker.js";
import type { ActionRegistry } from "./playbooks/action-registry.js";
import type { Playbook } from "./domain/playbook-schema.js";
import type { CompiledTemplate } from "./views/postmortem/template-engine.js";
import { refreshPreviewJob } from "./postmortem/refresh-preview.js";
import { REFRESH_PREVIEW_JOB } from "./postmortem/preview-refresh-queue.js";
import { PUBLISH_POSTMORTEM_JOB } from "./postmortem/postmortem-flows.js";
import { publishPostmortemJob } from "./postmortem/publish-job.js";
import { CHART_UPLOAD_JOB, chartUploadJob } from "./postmortem/chart-upload-job.js";
import { checkSlackAuth } from "./slack/check-slack-auth.js";
import { createSlackApp } from "./slack/app.js";
import type { AppDeps } from "./slack/listeners/slack-deps.js";
import { registerListeners } from "./slack/listeners/register.js";

/** What main.ts has built before this module loads: configuration, validated playbooks, metrics. */
export interface SlackAndJobsContext {
  config: Config & { slack: NonNullable<Config["slack"]> };
  log: Logger;
  now: () => Date;
  metrics: Metrics;
  /** The store once open; undefined before. */
  store: () => SqlStore | undefined;
  registry: ActionRegistry;
  playbooks: Playbook[];
  targets: TargetNames;
  postmortemTemplate: CompiledTemplate;
  datadog: DatadogPort | undefined;
  signal: AbortSignal;
  jobs?: Pick<JobRunnerOptions, "pollMs" | "backoffMs" | "leaseMs">;
  steps?: StepWorkerOptions;
  signatureClock?: () => number;
  requestTimeoutMs?: number;
  socketMode?: { clientPingTimeoutMs?: number };
}

export interface SlackAndJobs {
  /** Answers a request to /slack/events; undefined in Socket Mode, where Slack sends over a WebSocket. */
  handleSlackRequest: ((req: HttpRequest) => Promise<HttpResponse>) | undefined;
  /** Asks Slack whether the bot token is good, connects Socket Mode if it is on. */
  connect(): void;
  /** Builds the engine and starts the job runner and the step worker on the open store. */
  startJobs(store: SqlStore): void;
  nudge(): void;
  /** Starts jobs enqueued claimed by this process's runner (jobs/job-runner.ts). */
  handOff: JobHandOff;
  /** The runner and worker, once started (tests wait for both to be idle). */
  workers(): [JobRunner, StepWorker] | undefined;
  stop(): Promise<void>;
}

export function createSlackAndJobs(ctx: SlackAndJobsContext): SlackAndJobs {
  const { config, log, now, metrics } = ctx;
  let deps: AppDeps | undefined;
  let runner: JobRunner | undefined;
  let stepWorker: StepWorker | undefined;
  const nudge = () => runner?.nudge();
  const handOff: JobHandOff = { claim: (kind) => runner?.handOff.claim(kind) };

  // Writes are never repeated by the client; durable jobs retry them, looking first.
  const slackClients = createSlackClients(config.slack.botToken, {
    apiUrl: config.slack.apiUrl,
    logger: slackLogger(log.child({ component: "slack" }), "web-api"),
    ...(ctx.requestTimeoutMs && { timeoutMs: ctx.requestTimeoutMs }),
  });
  // Calls are paced through the database, one a second per bucket, so replicas share a vendor's
  // budget too. Vendors count in real time, and so does the wait below: the pace ignores the
  // injected clock (a clock that stands still would otherwise never free a slot).
  const onePerSecond = async (bucket: string) => {
    for (;;) {
      const store = ctx.store();
      if (!store) return;
      const wait = await store.rateSlots.reserve({ bucket, limit: 1, windowMs: 1_000, now: new Date() });
      if (wait === 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  const chatFiles = createSlackFiles(slackClients);
  // Messages: one a second per channel.
  const chat = createSlackChat(slackClients, onePerSecond);
  const paging = config.pagerduty && createPagerdutyPaging(config.pagerduty, { ...(ctx.requestTimeoutMs && { timeoutMs: ctx.requestTimeoutMs }) });
  const escalation = config.pagerduty && createPagerdutyEscalation(config.pagerduty, { ...(ctx.requestTimeoutMs && { timeoutMs: ctx.requestTimeoutMs }) });
  const home = createSlackHome(slackClients);
  const github = config.github && createGithub(config.github, { log: vendorLog(log.child({ component: "github", vendor: "octokit" })) });
  // Statuspage allows a key "1 request / second"; the slot is shared through the database by every replica.
  const statuspage = config.statuspage && createStatuspage(config.statuspage, {
    pace: () => onePerSecond("statuspage"),
  });

  const slackApp = createSlackApp({
    slack: config.slack,
    log,
    // Signature timestamps are checked against the real clock: they are about the transport.
    ...(ctx.signatureClock && { now: ctx.signatureClock }),
    ...(ctx.socketMode && { socketMode: ctx.socketMode }),
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

  // A bad token must be loud, but readiness stays about the database so webhook intake never stops.
  async function watchSlackAuth(): Promise<void> {
    const authLog = log.child({ component: "slack-auth" });
    while (!ctx.signal.aborted) {
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
        ctx.signal.addEventListener("abort", () => resolve(clearTimeout(timer)), { once: true });
      });
    }
  }

  function startJobs(opened: SqlStore): void {
    const engine = createPlaybookEngine(
      { store: opened, registry: ctx.registry, playbooks: ctx.playbooks, chat, log: log.child({ component: "playbooks" }), now, timezone: config.timezone, file: config.file, targetNames: ctx.targets, markers: Boolean(ctx.datadog), nudgeJobs: nudge },
      ctx.steps,
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
      postmortemTemplate: ctx.postmortemTemplate,
      postmortemNorms: postmortemNorms(config.file.postmortem_norms),
      ...(ctx.datadog && { datadog: ctx.datadog }),
      chatFiles,
      ...(config.github && { github: { owner: config.github.owner, repo: config.github.repo, baseBranch: config.github.baseBranch } }),
      people: config.file.people,
      ...(config.slack.incidentsChannel && { incidentsChannel: config.slack.incidentsChannel }),
      markers: Boolean(ctx.datadog),
      statuspageEnabled: () => Boolean(statuspage),
      ...(config.file.status_page && { statusPage: config.file.status_page }),
      nudge,
      handOff,
    };
    deps = appDeps;
    runner = createJobRunner({
      jobs: opened.jobs,
      log: log.child({ component: "jobs" }),
      metrics,
      now,
      ...ctx.jobs,
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
        ...(ctx.datadog && { [DATADOG_MARKER_JOB]: datadogMarkerJob(ctx.datadog) }),
        ...(statuspage && {
          [STATUSPAGE_SYNC_JOB]: statuspageSyncJob({ store: opened, statusSync: statuspage, componentIds: statuspageComponentIds(config.file), log: log.child({ component: "statuspage" }), now }),
        }),
        [RETENTION_JOB]: retentionJob({ store: opened, retentionDays: config.file.retention_days }),
        ...followupJobs(appDeps, { github: github || undefined, people: config.file.people }),
        ...publicUpdateJobs(appDeps),
      }, [REFRESH_HEADER_JOB, OPEN_CHANNEL_JOB, RENDER_STEP_JOB, PUBLISH_POSTMORTEM_JOB, ESCALATE_JOB]),
    });
    runner.start();
    engine.worker.start();
    stepWorker = engine.worker;
  }

  return {
    handleSlackRequest: receiver && ((req) => receiver.handle(req)),
    connect() {
      void watchSlackAuth();
      if (!receiver) {
        slackApp.connect().then(
          () => log.info("connected to Slack in Socket Mode"),
          (error: unknown) => log.error({ err: error }, "could not connect to Slack in Socket Mode; check SLACK_APP_TOKEN"),
        );
      }
    },
    startJobs,
    nudge,
    handOff,
    workers: () => (runner && stepWorker ? [runner, stepWorker] : undefined),
    async stop() {
      if (!receiver) await slackApp.app.stop().catch(() => undefined);
      await stepWorker?.stop();
      await runner?.stop();
    },
  };
}
