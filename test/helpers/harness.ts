// A real Firebreak (config from env, real HTTP, real store) wired to local vendor emulators.
import { Writable } from "node:stream";
import { loadConfig } from "../../src/kernel/config.js";
import { startDatadogEmulator, type DatadogEmulator } from "../../src/sandbox/emulators/datadog/datadog-emulator.js";
import { startGithubEmulator, type GithubEmulator } from "../../src/sandbox/emulators/github/github-emulator.js";
import { startPagerdutyEmulator, type PagerdutyEmulator } from "../../src/sandbox/emulators/pagerduty/pagerduty-emulator.js";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createLogger } from "../../src/kernel/log.js";
import { createFirebreak, type Firebreak } from "../../src/main.js";
import type { SqlStore } from "../../src/adapters/store/store.js";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const PD_SECRETS = ["pd-webhook-secret-old", "pd-webhook-secret-new"];
export const DD_SECRET = "dd-webhook-shared-secret";

export interface Harness {
  base: string;
  /** The STATUS_PORT listener, when the env sets one. */
  statusBase: string | undefined;
  slack: SlackEmulator;
  pagerduty: PagerdutyEmulator;
  datadog: DatadogEmulator;
  github: GithubEmulator;
  store: SqlStore;
  incidentsChannel: string;
  logs: string[];
  /**
   * Resolves once no job or step is running or due (read from the database, so the other
   * replicas' work counts too). Assert "nothing more happened" after this, never after a sleep.
   */
  drain(options?: { timeoutMs?: number }): Promise<void>;
  /** Stops this Firebreak and starts a new one on the same database and emulators. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  database: { DATABASE_URL: string } | { FIREBREAK_DATA_DIR: string };
  /** Firebreak's clock (default: the real one); Slack signatures always use the real one. */
  now?: () => Date;
  env?: Record<string, string>;
  slack?: SlackEmulator;
  /** How long Firebreak waits for a Slack or PagerDuty answer (default 10 s). */
  requestTimeoutMs?: number;
  /** Socket Mode client tuning, with SLACK_APP_TOKEN in `env`. */
  socketMode?: { clientPingTimeoutMs: number };
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const slack = options.slack ?? createSlackEmulator();
  // A shared emulator (two Firebreak replicas in one workspace) is started once, by its owner.
  const slackUrl = slack.url ?? (await slack.start()).url;
  const pagerduty = await startPagerdutyEmulator({ token: "pd-api-token", ...(options.now && { now: options.now }) });
  const github = await startGithubEmulator({ token: "ghp_emulated_token" });
  github.addRepo("acme", "postmortems", { defaultBranch: "main" });
  const datadog = await startDatadogEmulator({ apiKey: "dd-api-key", appKey: "dd-app-key", ...(options.now && { now: options.now }) });
  // PagerDuty refuses changes whose From header is not one of its users.
  pagerduty.addUser({ id: "PFIREBREAK", name: "Firebreak", email: "firebreak@example.com" });
  const incidentsChannel = slack.channelByName("incidents")?.id ?? slack.addChannel({ name: "incidents" });
  const logs: string[] = [];
  const env = {
    PORT: "0",
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slackUrl,
    SLACK_INCIDENTS_CHANNEL: incidentsChannel,
    PAGERDUTY_TOKEN: "pd-api-token",
    PAGERDUTY_FROM_EMAIL: "firebreak@example.com",
    PAGERDUTY_WEBHOOK_SECRETS: PD_SECRETS.join(","),
    PAGERDUTY_API_URL: pagerduty.url,
    DATADOG_API_KEY: "dd-api-key",
    DATADOG_APP_KEY: "dd-app-key",
    DATADOG_WEBHOOK_SECRET: DD_SECRET,
    DATADOG_API_URL: datadog.url,
    GITHUB_TOKEN: "ghp_emulated_token",
    GITHUB_API_URL: github.url,
    POSTMORTEM_REPO: "acme/postmortems",
    ...options.database,
    ...options.env,
  };
  const config = loadConfig(env, { require: ["slack"] });
  const log = createLogger({
    level: "debug",
    secrets: config.secrets,
    destination: new Writable({ write: (chunk, _e, done) => (logs.push(chunk.toString()), done()) }),
  });

  let firebreak: Firebreak;
  let base = "";
  let statusBase: string | undefined;
  let store: SqlStore;
  const boot = async () => {
    firebreak = createFirebreak({ config: { ...config, slack: config.slack! }, log, jobs: { pollMs: 50, backoffMs: () => 100 }, ...(options.now && { now: options.now }), ...(options.requestTimeoutMs && { requestTimeoutMs: options.requestTimeoutMs }), ...(options.socketMode && { socketMode: options.socketMode }) });
    const { port, statusPort } = await firebreak.start();
    base = `http://127.0.0.1:${port}`;
    statusBase = statusPort === undefined ? undefined : `http://127.0.0.1:${statusPort}`;
    store = await firebreak.ready();
  };
  await boot();
  return {
    get base() {
      return base;
    },
    get statusBase() {
      return statusBase;
    },
    slack,
    pagerduty,
    datadog,
    github,
    get store() {
      return store;
    },
    incidentsChannel,
    logs,
    drain: (drainOptions) => firebreak.idle(drainOptions),
    async restart() {
      await firebreak.stop();
      await boot();
    },
    async stop() {
      await firebreak.stop();
      if (!options.slack) await slack.stop();
      await pagerduty.close();
      await datadog.close();
      await github.close();
    },
  };
}

export async function eventually<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
