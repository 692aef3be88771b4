// The one reader of process.env. Everything else receives a typed Config.
import { z } from "zod";
import { loadConfigFile, type ConfigFile } from "./config-file.js";

/** Every environment variable Firebreak reads, with the sentence an operator needs to fix it. */
export const settings = {
  PORT: "HTTP port for Slack, webhooks and health endpoints (default 3000).",
  LOG_LEVEL: "pino log level: fatal, error, warn, info, debug or trace (default info).",
  SLACK_BOT_TOKEN: "the bot token (xoxb-…) from your Slack app's OAuth & Permissions page.",
  SLACK_SIGNING_SECRET: "the signing secret from your Slack app's Basic Information page.",
  SLACK_APP_TOKEN: "optional app-level token (xapp-…) to use Socket Mode instead of the HTTP endpoint.",
  SLACK_API_URL: "Slack Web API base URL (default https://slack.com/api/); point it at a local emulator in tests.",
  SLACK_INCIDENTS_CHANNEL: "channel ID (C…) where declarations and status updates are announced.",
  PAGERDUTY_TOKEN: "a PagerDuty REST API key with write access.",
  PAGERDUTY_FROM_EMAIL: "the email of a PagerDuty user; sent as the From header on incident changes and notes.",
  PAGERDUTY_WEBHOOK_SECRETS: "comma-separated V3 webhook subscription secrets (several during rotation).",
  PAGERDUTY_API_URL: "PagerDuty REST base URL (default https://api.pagerduty.com).",
  DATADOG_API_KEY: "a Datadog API key.",
  DATADOG_APP_KEY: "a Datadog application key.",
  DATADOG_SITE: "your Datadog site, e.g. datadoghq.com or datadoghq.eu (default datadoghq.com).",
  DATADOG_API_URL: "optional Datadog API base URL overriding DATADOG_SITE (for tests and proxies).",
  DATADOG_WEBHOOK_SECRET: "a shared secret Datadog webhooks must send (X-Firebreak-Token header or basic auth password).",
  ALERTMANAGER_WEBHOOK_TOKEN: "a token (16+ characters) Alertmanager sends as Bearer credentials or the basic-auth password.",
  GRAFANA_WEBHOOK_TOKEN: "a token (16+ characters) Grafana's webhook contact point sends as Bearer credentials or the basic-auth password.",
  GRAFANA_WEBHOOK_SECRET: "the HMAC secret (16+ characters) set on Grafana's webhook contact point.",
  GENERIC_WEBHOOK_SECRETS: "comma-separated secrets (16+ characters each) that sign generic webhooks (several during rotation).",
  GITHUB_TOKEN: "a GitHub token that can push branches and open pull requests and issues in POSTMORTEM_REPO.",
  GITHUB_API_URL: "GitHub REST base URL (default https://api.github.com).",
  POSTMORTEM_REPO: "owner/name of the repository post-mortems are published to.",
  POSTMORTEM_BRANCH: "the base branch post-mortem pull requests target (default main).",
  STATUSPAGE_API_KEY: "an Atlassian Statuspage API key (your profile → API info on manage.statuspage.io).",
  STATUSPAGE_PAGE_ID: "the id of the Statuspage page public updates are posted to (in its API info, or its manage URL).",
  STATUSPAGE_API_URL: "Statuspage REST base URL (default https://api.statuspage.io/v1).",
  GITHUB_WEBHOOK_SECRET: "the secret (16+ characters) set on POSTMORTEM_REPO's webhook, which sends Issues events to /webhooks/github.",
  STATUS_PORT: "a port (0-65535) that serves only the public status page, so it can be exposed while PORT stays private.",
  DATABASE_URL: "a PostgreSQL connection URL; unset uses the embedded database in FIREBREAK_DATA_DIR.",
  DATABASE_POOL_MAX: "the most connections one Firebreak process opens to DATABASE_URL, a whole number of 1 or more (default 10).",
  FIREBREAK_DATA_DIR: "directory of the embedded database (default ./.firebreak).",
  FIREBREAK_TIMEZONE: "IANA time zone used to render times, e.g. America/Los_Angeles (default UTC).",
  FIREBREAK_CONFIG: "path to firebreak.yaml (targets, approver groups, peak hours).",
} as const;

export type SettingName = keyof typeof settings;
type Env = Record<string, string | undefined>;

const url = z.url({ protocol: /^https?$/ });
// A shared secret short enough to guess, or holding spaces (a paste gone wrong), is refused at start.
const webhookSecret = z.string().regex(/^\S{16,}$/, "must be at least 16 characters without spaces (e.g. the output of `openssl rand -hex 32`)");

const integrations = {
  slack: { required: ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"], optional: ["SLACK_APP_TOKEN", "SLACK_INCIDENTS_CHANNEL"] },
  pagerduty: { required: ["PAGERDUTY_TOKEN", "PAGERDUTY_FROM_EMAIL", "PAGERDUTY_WEBHOOK_SECRETS"], optional: [] },
  datadog: { required: ["DATADOG_API_KEY", "DATADOG_APP_KEY", "DATADOG_WEBHOOK_SECRET"], optional: [] },
  github: { required: ["GITHUB_TOKEN", "POSTMORTEM_REPO"], optional: ["GITHUB_WEBHOOK_SECRET"] },
  alertmanager: { required: ["ALERTMANAGER_WEBHOOK_TOKEN"], optional: [] },
  // Either a token, an HMAC secret or both: when both are set, both are checked.
  grafana: { required: [], optional: ["GRAFANA_WEBHOOK_TOKEN", "GRAFANA_WEBHOOK_SECRET"] },
  generic: { required: ["GENERIC_WEBHOOK_SECRETS"], optional: [] },
  statuspage: { required: ["STATUSPAGE_API_KEY", "STATUSPAGE_PAGE_ID"], optional: ["STATUSPAGE_API_URL"] },
} as const satisfies Record<string, { required: readonly SettingName[]; optional: readonly SettingName[] }>;

export type IntegrationName = keyof typeof integrations;

const checks: Partial<Record<SettingName, z.ZodType<unknown>>> = {
  PORT: z.coerce.number().int().min(0).max(65535),
  STATUS_PORT: z.coerce.number().int().min(0).max(65535),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
  SLACK_BOT_TOKEN: z.string().regex(/^xox[bp]-/, "must start with xoxb-"),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, "must start with xapp-"),
  SLACK_API_URL: url,
  SLACK_INCIDENTS_CHANNEL: z.string().regex(/^[CG][A-Z0-9]+$/, "must be a channel ID such as C0123ABCD"),
  PAGERDUTY_FROM_EMAIL: z.email(),
  PAGERDUTY_API_URL: url,
  DATADOG_API_URL: url,
  GITHUB_API_URL: url,
  STATUSPAGE_API_URL: url,
  STATUSPAGE_PAGE_ID: z.string().regex(/^[a-z0-9]+$/i, "must be a page id such as gytm4qzbx9t6"),
  POSTMORTEM_REPO: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "must be owner/name"),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"),
  DATABASE_POOL_MAX: z.string().regex(/^\d+$/, "is not a whole number").transform(Number).pipe(z.number().min(1, "must be at least 1")),
  FIREBREAK_TIMEZONE: z.string().refine(isTimeZone, "is not an IANA time zone such as America/Los_Angeles"),
  ALERTMANAGER_WEBHOOK_TOKEN: webhookSecret,
  GRAFANA_WEBHOOK_TOKEN: webhookSecret,
  GRAFANA_WEBHOOK_SECRET: webhookSecret,
  GITHUB_WEBHOOK_SECRET: webhookSecret,
  GENERIC_WEBHOOK_SECRETS: z.string().refine((v) => v.split(",").every((s) => webhookSecret.safeParse(s.trim()).success), "must be secrets of at least 16 characters without spaces, separated by commas"),
};

export interface Config {
  port: number;
  /** STATUS_PORT: a listener that serves only the status page. */
  statusPort?: number;
  logLevel: string;
  timezone: string;
  /** poolMax: DATABASE_POOL_MAX, the pg driver's connection budget per process (its default when unset). */
  database: { kind: "pg"; url: string; poolMax?: number } | { kind: "pglite"; dataDir: string };
  slack?: { botToken: string; signingSecret: string; appToken?: string; apiUrl: string; incidentsChannel?: string };
  pagerduty?: { token: string; fromEmail: string; webhookSecrets: string[]; apiUrl: string };
  datadog?: { apiKey: string; appKey: string; site: string; apiUrl: string; webhookSecret: string };
  /** webhookSecret: GITHUB_WEBHOOK_SECRET, for follow-up state read back from issues events. */
  github?: { token: string; apiUrl: string; owner: string; repo: string; baseBranch: string; webhookSecret?: string };
  alertmanager?: { webhookToken: string };
  grafana?: { webhookToken?: string; webhookSecret?: string };
  generic?: { webhookSecrets: string[] };
  statuspage?: { apiKey: string; pageId: string; apiUrl: string };
  file: ConfigFile;
  /** Credentials of firebreak.yaml targets, read from the environment variables the file names. */
  targetSecrets: { postgres: Record<string, { url: string }>; trafficTokens: Record<string, string> };
  /** Every secret value in this configuration, for log scrubbing. */
  secrets: string[];
}

export interface ConfigProblem {
  setting: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "ConfigError";
  }
}

export interface LoadOptions {
  /** Integrations this command cannot run without (serve needs Slack). */
  require?: IntegrationName[];
  readFile?: (path: string) => string;
}

/** Reads and validates the environment (and firebreak.yaml); throws one ConfigError naming every problem. */
export function loadConfig(env: Env, options: LoadOptions = {}): Config {
  const problems: ConfigProblem[] = [];
  const value = (name: SettingName): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };
  for (const [name, check] of Object.entries(checks) as [SettingName, z.ZodType<unknown>][]) {
    const raw = value(name);
    if (raw === undefined) continue;
    const result = check.safeParse(raw);
    if (!result.success) {
      const reason = result.error.issues[0]?.message ?? "is invalid";
      problems.push({ setting: name, message: `${name}=${redactForMessage(name, raw)} ${lowerFirst(reason)}; set it to ${settings[name]}` });
    }
  }

  const enabled = new Set<IntegrationName>();
  for (const [name, spec] of Object.entries(integrations) as [IntegrationName, (typeof integrations)[IntegrationName]][]) {
    const present = [...spec.required, ...spec.optional].filter((s) => value(s) !== undefined);
    const mustHave = options.require?.includes(name) ?? false;
    if (present.length === 0 && !mustHave) continue;
    for (const missing of spec.required.filter((s) => value(s) === undefined)) {
      const why = mustHave ? "is required" : `is required because ${present.join(", ")} ${present.length === 1 ? "is" : "are"} set`;
      problems.push({ setting: missing, message: `${missing} ${why}; set it to ${settings[missing]}` });
    }
    enabled.add(name);
  }

  let file: ConfigFile = loadConfigFile(undefined);
  const configPath = value("FIREBREAK_CONFIG");
  try {
    file = loadConfigFile(configPath, options.readFile);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push({ setting: "FIREBREAK_CONFIG", message: `FIREBREAK_CONFIG: ${message}` });
  }

  const targetSecrets: Config["targetSecrets"] = { postgres: {}, trafficTokens: {} };
  for (const [target, { url_env }] of Object.entries(file.targets.postgres)) {
    const url = env[url_env]?.trim();
    if (!url) problems.push({ setting: url_env, message: `${url_env} is required by the postgres target "${target}" in firebreak.yaml; set it to that database's connection URL.` });
    else if (!/^postgres(ql)?:\/\//.test(url)) problems.push({ setting: url_env, message: `${url_env} (postgres target "${target}") must be a postgres:// URL.` });
    else targetSecrets.postgres[target] = { url };
  }
  for (const [target, traffic] of Object.entries(file.targets.traffic)) {
    if (traffic.kind !== "http" || !traffic.token_env) continue;
    const token = env[traffic.token_env]?.trim();
    if (!token) problems.push({ setting: traffic.token_env, message: `${traffic.token_env} is required by the traffic target "${target}" in firebreak.yaml; set it to the traffic manager's token.` });
    else targetSecrets.trafficTokens[target] = token;
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const get = (name: SettingName) => value(name) as string;
  const config: Config = {
    port: value("PORT") === undefined ? 3000 : Number(get("PORT")),
    ...(value("STATUS_PORT") !== undefined && { statusPort: Number(get("STATUS_PORT")) }),
    logLevel: value("LOG_LEVEL") ?? "info",
    timezone: value("FIREBREAK_TIMEZONE") ?? "UTC",
    database: value("DATABASE_URL")
      ? { kind: "pg", url: get("DATABASE_URL"), ...(value("DATABASE_POOL_MAX") && { poolMax: Number(get("DATABASE_POOL_MAX")) }) }
      : { kind: "pglite", dataDir: value("FIREBREAK_DATA_DIR") ?? "./.firebreak" },
    file,
    targetSecrets,
    secrets: [],
  };
  if (enabled.has("slack")) {
    config.slack = {
      botToken: get("SLACK_BOT_TOKEN"),
      signingSecret: get("SLACK_SIGNING_SECRET"),
      apiUrl: withTrailingSlash(value("SLACK_API_URL") ?? "https://slack.com/api/"),
      ...(value("SLACK_APP_TOKEN") && { appToken: get("SLACK_APP_TOKEN") }),
      ...(value("SLACK_INCIDENTS_CHANNEL") && { incidentsChannel: get("SLACK_INCIDENTS_CHANNEL") }),
    };
  }
  if (enabled.has("pagerduty")) {
    config.pagerduty = {
      token: get("PAGERDUTY_TOKEN"),
      fromEmail: get("PAGERDUTY_FROM_EMAIL"),
      webhookSecrets: get("PAGERDUTY_WEBHOOK_SECRETS").split(",").map((s) => s.trim()).filter(Boolean),
      apiUrl: withoutTrailingSlash(value("PAGERDUTY_API_URL") ?? "https://api.pagerduty.com"),
    };
  }
  if (enabled.has("datadog")) {
    const site = value("DATADOG_SITE") ?? "datadoghq.com";
    config.datadog = {
      apiKey: get("DATADOG_API_KEY"),
      appKey: get("DATADOG_APP_KEY"),
      site,
      apiUrl: withoutTrailingSlash(value("DATADOG_API_URL") ?? `https://api.${site}`),
      webhookSecret: get("DATADOG_WEBHOOK_SECRET"),
    };
  }
  if (enabled.has("github")) {
    const [owner, repo] = get("POSTMORTEM_REPO").split("/") as [string, string];
    config.github = {
      token: get("GITHUB_TOKEN"),
      apiUrl: withoutTrailingSlash(value("GITHUB_API_URL") ?? "https://api.github.com"),
      owner,
      repo,
      baseBranch: value("POSTMORTEM_BRANCH") ?? "main",
      ...(value("GITHUB_WEBHOOK_SECRET") && { webhookSecret: get("GITHUB_WEBHOOK_SECRET") }),
    };
  }
  if (enabled.has("alertmanager")) config.alertmanager = { webhookToken: get("ALERTMANAGER_WEBHOOK_TOKEN") };
  if (enabled.has("grafana")) {
    config.grafana = {
      ...(value("GRAFANA_WEBHOOK_TOKEN") && { webhookToken: get("GRAFANA_WEBHOOK_TOKEN") }),
      ...(value("GRAFANA_WEBHOOK_SECRET") && { webhookSecret: get("GRAFANA_WEBHOOK_SECRET") }),
    };
  }
  if (enabled.has("generic")) config.generic = { webhookSecrets: get("GENERIC_WEBHOOK_SECRETS").split(",").map((s) => s.trim()).filter(Boolean) };
  if (enabled.has("statuspage")) {
    config.statuspage = {
      apiKey: get("STATUSPAGE_API_KEY"),
      pageId: get("STATUSPAGE_PAGE_ID"),
      apiUrl: withoutTrailingSlash(value("STATUSPAGE_API_URL") ?? "https://api.statuspage.io/v1"),
    };
  }
  config.secrets = collectSecrets(config);
  return config;
}

/** One line per integration, for the start-up log: which are on, and what turns the others on. */
export function describeIntegrations(config: Config): { name: IntegrationName; enabled: boolean; hint: string }[] {
  return (Object.keys(integrations) as IntegrationName[]).map((name) => ({
    name,
    enabled: config[name] !== undefined,
    hint: `set ${integrations[name].required.length > 0 ? integrations[name].required.join(", ") : integrations[name].optional.join(" or ")} to turn it on`,
  }));
}

function collectSecrets(config: Config): string[] {
  const secrets = [
    config.slack?.botToken,
    config.slack?.signingSecret,
    config.slack?.appToken,
    config.pagerduty?.token,
    ...(config.pagerduty?.webhookSecrets ?? []),
    config.datadog?.apiKey,
    config.datadog?.appKey,
    config.datadog?.webhookSecret,
    config.github?.token,
    config.github?.webhookSecret,
    config.alertmanager?.webhookToken,
    config.grafana?.webhookToken,
    config.grafana?.webhookSecret,
    ...(config.generic?.webhookSecrets ?? []),
    config.statuspage?.apiKey,
    config.database.kind === "pg" ? passwordOf(config.database.url) : undefined,
    ...Object.values(config.targetSecrets.postgres).map((t) => passwordOf(t.url)),
    ...Object.values(config.targetSecrets.trafficTokens),
  ];
  return secrets.filter((s): s is string => typeof s === "string" && s.length >= 4);
}

function passwordOf(connectionUrl: string): string | undefined {
  try {
    const password = new URL(connectionUrl).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

const secretSettings = new Set<string>([
  "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PAGERDUTY_TOKEN", "PAGERDUTY_WEBHOOK_SECRETS",
  "DATADOG_API_KEY", "DATADOG_APP_KEY", "DATADOG_WEBHOOK_SECRET", "GITHUB_TOKEN", "GITHUB_WEBHOOK_SECRET", "DATABASE_URL",
  "ALERTMANAGER_WEBHOOK_TOKEN", "GRAFANA_WEBHOOK_TOKEN", "GRAFANA_WEBHOOK_SECRET", "GENERIC_WEBHOOK_SECRETS",
  "STATUSPAGE_API_KEY",
]);

function redactForMessage(name: string, raw: string): string {
  if (secretSettings.has(name)) return "(hidden)";
  return JSON.stringify(name.endsWith("_URL") ? withoutUserinfo(raw) : raw);
}

/**
 * A URL with whatever precedes its last "@" hidden. The value is invalid, so URL cannot parse it;
 * a "user:password@" is cut textually, and a stray "@" later in the value hides more, never less.
 */
function withoutUserinfo(raw: string): string {
  const at = raw.lastIndexOf("@");
  if (at < 0) return raw;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw)?.[0] ?? "";
  return `${scheme}(credentials hidden)@${raw.slice(at + 1)}`;
}

export function formatProblems(problems: ConfigProblem[]): string {
  const noun = problems.length === 1 ? "setting needs" : "settings need";
  return [`Firebreak cannot start: ${problems.length} ${noun} attention:`, ...problems.map((p) => `  - ${p.message}`)].join("\n");
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const withTrailingSlash = (s: string) => (s.endsWith("/") ? s : `${s}/`);
const withoutTrailingSlash = (s: string) => s.replace(/\/+$/, "");
