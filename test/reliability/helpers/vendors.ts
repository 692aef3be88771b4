// Every vendor Firebreak talks to, on loopback, and the environment that points a `serve` child
// at them. Tokens are parameters so a test can make each one distinctive.
import { startDatadogEmulator, type DatadogEmulator } from "../../../src/sandbox/emulators/datadog/datadog-emulator.js";
import { startGithubEmulator, type GithubEmulator } from "../../../src/sandbox/emulators/github/github-emulator.js";
import { startPagerdutyEmulator, type PagerdutyEmulator } from "../../../src/sandbox/emulators/pagerduty/pagerduty-emulator.js";
import { createSlackEmulator, type SlackEmulator } from "../../../src/sandbox/emulators/slack/slack-emulator.js";
import { DD_SECRET, PD_SECRETS, SIGNING_SECRET } from "../../helpers/harness.js";

export interface VendorSecrets {
  slackBotToken: string;
  slackSigningSecret: string;
  pagerdutyToken: string;
  pagerdutyWebhookSecrets: string[];
  datadogApiKey: string;
  datadogAppKey: string;
  datadogWebhookSecret: string;
  githubToken: string;
}

export const defaultSecrets: VendorSecrets = {
  slackBotToken: "xoxb-firebreak-emulator",
  slackSigningSecret: SIGNING_SECRET,
  pagerdutyToken: "pd-api-token",
  pagerdutyWebhookSecrets: PD_SECRETS,
  datadogApiKey: "dd-api-key",
  datadogAppKey: "dd-app-key",
  datadogWebhookSecret: DD_SECRET,
  githubToken: "ghp_emulated_token",
};

export interface Vendors {
  slack: SlackEmulator;
  pagerduty: PagerdutyEmulator;
  datadog: DatadogEmulator;
  github: GithubEmulator;
  secrets: VendorSecrets;
  incidentsChannel: string;
  /** Every vendor setting of `serve`, pointed at the emulators. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export const POSTMORTEM_REPO = "acme/postmortems";

export async function startVendors(options: { secrets?: Partial<VendorSecrets>; slackLatencyMs?: number } = {}): Promise<Vendors> {
  const secrets = { ...defaultSecrets, ...options.secrets };
  const slack = createSlackEmulator({ botToken: secrets.slackBotToken, latencyMs: options.slackLatencyMs ?? 0 });
  const { url: slackUrl } = await slack.start();
  const pagerduty = await startPagerdutyEmulator({ token: secrets.pagerdutyToken });
  const datadog = await startDatadogEmulator({ apiKey: secrets.datadogApiKey, appKey: secrets.datadogAppKey });
  const github = await startGithubEmulator({ token: secrets.githubToken });
  github.addRepo("acme", "postmortems", { defaultBranch: "main" });
  // PagerDuty refuses changes whose From header is not one of its users.
  pagerduty.addUser({ id: "PFIREBREAK", name: "Firebreak", email: "firebreak@example.com" });
  const incidentsChannel = slack.addChannel({ name: "incidents" });
  return {
    slack,
    pagerduty,
    datadog,
    github,
    secrets,
    incidentsChannel,
    env: {
      SLACK_BOT_TOKEN: secrets.slackBotToken,
      SLACK_SIGNING_SECRET: secrets.slackSigningSecret,
      SLACK_API_URL: slackUrl,
      SLACK_INCIDENTS_CHANNEL: incidentsChannel,
      PAGERDUTY_TOKEN: secrets.pagerdutyToken,
      PAGERDUTY_FROM_EMAIL: "firebreak@example.com",
      PAGERDUTY_WEBHOOK_SECRETS: secrets.pagerdutyWebhookSecrets.join(","),
      PAGERDUTY_API_URL: pagerduty.url,
      DATADOG_API_KEY: secrets.datadogApiKey,
      DATADOG_APP_KEY: secrets.datadogAppKey,
      DATADOG_WEBHOOK_SECRET: secrets.datadogWebhookSecret,
      DATADOG_API_URL: datadog.url,
      GITHUB_TOKEN: secrets.githubToken,
      GITHUB_API_URL: github.url,
      POSTMORTEM_REPO,
    },
    async stop() {
      await slack.stop();
      await pagerduty.close();
      await datadog.close();
      await github.close();
    },
  };
}
