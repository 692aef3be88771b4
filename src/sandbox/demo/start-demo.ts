// `firebreak demo`: Firebreak on its embedded database, with local stand-ins for Slack,
// PagerDuty, Datadog and GitHub, and a web page that works like a Slack workspace. No account
// anywhere; every request the bot gets is signed exactly as the real vendor signs it.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig } from "../../kernel/config.js";
import { startDatadogEmulator } from "../emulators/datadog/datadog-emulator.js";
import { startGithubEmulator } from "../emulators/github/github-emulator.js";
import { startPagerdutyEmulator } from "../emulators/pagerduty/pagerduty-emulator.js";
import { createSlackEmulator } from "../emulators/slack/slack-emulator.js";
import { signPagerdutyBody } from "../../http/pagerduty-signature.js";
import { createLogger, type Logger } from "../../kernel/log.js";
import { createFirebreak } from "../../main.js";
import { createDemoDatabase } from "./demo-database.js";
import type { DemoHandles } from "./demo-handles.js";
import { mirrorToGit, readRepository } from "./demo-repository.js";
import { startDemoWebServer } from "./demo-web-server.js";
import { demoPage } from "./demo-page.js";

export interface DemoOptions {
  /** Port of the web page (0: any free one). */
  port?: number;
  /** Where the sandbox keeps its database and the post-mortem repository (wiped at start). */
  dataDir?: string;
  log?: Logger;
}

export interface Demo {
  url: string;
  handles: DemoHandles;
  stop(): Promise<void>;
}

const REPO = { owner: "acme", name: "postmortems" };

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const dataDir = resolve(options.dataDir ?? ".firebreak-demo");
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const log = options.log ?? createLogger({ level: "warn" });
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };

  try {
    const database = await createDemoDatabase();
    stops.push(() => database.close());

    const slack = createSlackEmulator({ teamName: "Acme" });
    const { url: slackUrl } = await slack.start();
    stops.push(() => slack.stop());
    const alex = slack.addUser({ name: "alex", realName: "Alex Rivera", email: "alex@acme.test" });
    const cora = slack.addUser({ name: "cora", realName: "Cora Chen", email: "cora@acme.test" });
    const dev = slack.addUser({ name: "dev", realName: "Dev Patel", email: "dev@acme.test" });
    const incidentsChannel = slack.addChannel({ name: "incidents", members: [alex, cora, dev] });
    slack.addChannel({ name: "general", members: [alex, cora, dev] });

    const pagerduty = await startPagerdutyEmulator({ token: "pd-demo-token" });
    stops.push(() => pagerduty.close());
    pagerduty.addUser({ id: "PALEX", name: "Alex Rivera", email: "alex@acme.test" });
    pagerduty.addUser({ id: "PFIREBREAK", name: "Firebreak", email: "firebreak@acme.test" });
    pagerduty.addOnCall({ escalationPolicyId: "PDEMOEP", userId: "PALEX" });

    // Database CPU stays pegged while the index is invalid and falls once it is rebuilt.
    let cpu = 99.3;
    const datadog = await startDatadogEmulator({
      apiKey: "dd-demo-api",
      appKey: "dd-demo-app",
      metrics: (_query, _from, to) => [[to * 1000, cpu]],
    });
    stops.push(() => datadog.close());
    const readCpu = () => database.indexIsValid().then((valid) => void (cpu = valid ? 31.4 : 99.3), () => undefined);
    // Read after every database action, so the gate that follows the rebuild sees the new value.
    const postgresTargets = {
      names: () => database.targets.names(),
      withClient: <T>(name: string, fn: Parameters<typeof database.targets.withClient<T>>[1], o: Parameters<typeof database.targets.withClient<T>>[2]) =>
        database.targets.withClient(name, fn, o).finally(readCpu),
    };

    const github = await startGithubEmulator({ token: "ghp_demo_token" });
    stops.push(() => github.close());
    github.addRepo(REPO.owner, REPO.name, { defaultBranch: "main" });
    const repoDir = join(dataDir, "postmortems-repo");
    // One git command at a time: the page may ask for the repository while a mirror is running.
    let mirrored: Promise<unknown> = Promise.resolve();

    const signingSecret = randomBytes(16).toString("hex");
    const pagerdutySecret = randomBytes(16).toString("base64");
    const configFile = join(dataDir, "firebreak.yaml");
    // Cora and Dev are the DBAs: the shipped rebuild playbook asks the commander or the dba group.
    const dbaGroup = slack.addUserGroup({ handle: "dba", name: "DBAs", users: [cora, dev] });
    writeFileSync(configFile, `lifecycle:\n  archive_after_minutes: 1440\napprover_groups:\n  dba: { usergroup: ${dbaGroup} }\n`);
    const config = loadConfig(
      {
        PORT: "0",
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slackUrl,
        SLACK_INCIDENTS_CHANNEL: incidentsChannel,
        PAGERDUTY_TOKEN: "pd-demo-token",
        PAGERDUTY_FROM_EMAIL: "firebreak@acme.test",
        PAGERDUTY_WEBHOOK_SECRETS: pagerdutySecret,
        PAGERDUTY_API_URL: pagerduty.url,
        DATADOG_API_KEY: "dd-demo-api",
        DATADOG_APP_KEY: "dd-demo-app",
        DATADOG_WEBHOOK_SECRET: randomBytes(16).toString("hex"),
        DATADOG_API_URL: datadog.url,
        GITHUB_TOKEN: "ghp_demo_token",
        GITHUB_API_URL: github.url,
        POSTMORTEM_REPO: `${REPO.owner}/${REPO.name}`,
        FIREBREAK_DATA_DIR: join(dataDir, "firebreak-db"),
        FIREBREAK_TIMEZONE: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
        FIREBREAK_CONFIG: configFile,
      },
      { require: ["slack"] },
    );
    const firebreak = createFirebreak({ config: { ...config, slack: config.slack! }, log, postgresTargets, jobs: { pollMs: 200 }, steps: { pollMs: 200 } });
    const { port: botPort } = await firebreak.start();
    stops.push(() => firebreak.stop());
    await firebreak.ready();
    const botUrl = `http://127.0.0.1:${botPort}`;

    const handles: DemoHandles = {
      slack,
      botUrl,
      signingSecret,
      users: [
        { id: alex, name: "Alex Rivera", role: "on call" },
        { id: cora, name: "Cora Chen", role: "DBA" },
        { id: dev, name: "Dev Patel", role: "DBA" },
      ],
      async page() {
        const incidentId = `PDEMO${randomUUID().slice(0, 6).toUpperCase()}`;
        pagerduty.addIncident({ id: incidentId, title: "API is degraded — DB CPU at 100%", escalationPolicyId: "PDEMOEP", serviceName: "Orders API" });
        const body = JSON.stringify(demoPage(incidentId));
        const response = await fetch(`${botUrl}/webhooks/pagerduty`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json", "x-pagerduty-signature": signPagerdutyBody(body, pagerdutySecret), "x-webhook-id": randomUUID() },
        });
        if (!response.ok) throw new Error(`Firebreak answered the page with ${response.status}`);
      },
      repoDir,
      repository() {
        const next = mirrored.catch(() => undefined).then(async () => {
          await mirrorToGit(github, `${REPO.owner}/${REPO.name}`, repoDir);
          return readRepository(repoDir);
        });
        mirrored = next;
        return next;
      },
    };
    const web = await startDemoWebServer(handles, options.port ?? 8080);
    stops.push(() => web.close());
    return { url: web.url, handles, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
