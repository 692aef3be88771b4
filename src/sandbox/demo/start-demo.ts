// `firebreak demo`: Firebreak on its embedded database, with local stand-ins for Slack,
// PagerDuty, Datadog, GitHub and two Kubernetes clusters, and a web page that works like a Slack
// workspace. No account anywhere; every request the bot gets is signed exactly as the real
// vendor signs it.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
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
import { startDemoClusters } from "./demo-clusters.js";
import { demoConfigFile } from "./demo-config-file.js";
import { createDemoMetrics, fastForwardGates } from "./demo-metrics.js";
import { createRepositoryMirror, readRepository } from "./demo-repository.js";
import { vendorPage, VENDOR_PATHS } from "./demo-vendor-pages.js";
import { startDemoWebServer } from "./demo-web-server.js";
import { demoPage } from "./demo-page.js";

export interface DemoOptions {
  /** Port of the web page (0: any free one). */
  port?: number;
  /** Where the sandbox keeps its database, kubeconfigs and the post-mortem repository (wiped at start). */
  dataDir?: string;
  log?: Logger;
}

export interface Demo {
  url: string;
  handles: DemoHandles;
  /** The emulated clusters, for tests to check what the playbooks did to them. */
  clusters: Awaited<ReturnType<typeof startDemoClusters>>;
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
    // First, because its address is where the vendors' links point.
    const web = await startDemoWebServer(options.port ?? 8080);
    stops.push(() => web.close());

    const database = await createDemoDatabase();
    stops.push(() => database.close());

    const slack = createSlackEmulator({ teamName: "Acme" });
    const { url: slackUrl } = await slack.start();
    stops.push(() => slack.stop());
    // Alex and Dev are on call for the Orders API (PagerDuty invites both); Cora is a DBA, not on
    // call, so she is not in the incident channel until someone brings her in.
    const alex = slack.addUser({ name: "alex", realName: "Alex Rivera", email: "alex@acme.test" });
    const cora = slack.addUser({ name: "cora", realName: "Cora Chen", email: "cora@acme.test" });
    const dev = slack.addUser({ name: "dev", realName: "Dev Patel", email: "dev@acme.test" });
    const incidentsChannel = slack.addChannel({ name: "incidents", members: [alex, cora, dev] });
    slack.addChannel({ name: "general", members: [alex, cora, dev] });
    const dbaGroup = slack.addUserGroup({ handle: "dba", name: "DBAs", users: [cora] });

    const pagerduty = await startPagerdutyEmulator({ token: "pd-demo-token", webUrl: web.base + VENDOR_PATHS.pagerduty });
    stops.push(() => pagerduty.close());
    pagerduty.addUser({ id: "PALEX", name: "Alex Rivera", email: "alex@acme.test" });
    pagerduty.addUser({ id: "PDEV", name: "Dev Patel", email: "dev@acme.test" });
    pagerduty.addUser({ id: "PFIREBREAK", name: "Firebreak", email: "firebreak@acme.test" });
    pagerduty.addOnCall({ escalationPolicyId: "PDEMOEP", userId: "PALEX", escalationLevel: 1 });
    pagerduty.addOnCall({ escalationPolicyId: "PDEMOEP", userId: "PDEV", escalationLevel: 2 });
    // Whom `/incident escalate` can page: type "data" or "orders" in its form.
    pagerduty.addEscalationPolicy({ id: "PDEMOEP", name: "Orders API on-call" });
    pagerduty.addEscalationPolicy({ id: "PDBAEP", name: "Database on-call" });
    pagerduty.addService({ id: "PORDERS", name: "Orders API", escalationPolicyId: "PDEMOEP" });
    pagerduty.addService({ id: "PDATABASE", name: "Orders database", escalationPolicyId: "PDBAEP" });
    pagerduty.addOnCall({ escalationPolicyId: "PDBAEP", userId: "PDEV", escalationLevel: 1 });

    const metrics = createDemoMetrics();
    const datadog = await startDatadogEmulator({ apiKey: "dd-demo-api", appKey: "dd-demo-app", metrics: metrics.script, appUrl: web.base + VENDOR_PATHS.datadog });
    stops.push(() => datadog.close());
    // Read after every database action, so the gate that follows the rebuild sees the new value.
    const readIndex = () => database.indexIsValid().then(metrics.setIndexValid, () => undefined);
    const postgresTargets = {
      names: () => database.targets.names(),
      withClient: <T>(name: string, fn: Parameters<typeof database.targets.withClient<T>>[1], o: Parameters<typeof database.targets.withClient<T>>[2]) =>
        database.targets.withClient(name, fn, o).finally(readIndex),
    };

    const github = await startGithubEmulator({ token: "ghp_demo_token", webUrl: web.base + VENDOR_PATHS.github });
    stops.push(() => github.close());
    github.addRepo(REPO.owner, REPO.name, { defaultBranch: "main" });
    const repoDir = join(dataDir, "postmortems-repo");
    const mirror = createRepositoryMirror(github, `${REPO.owner}/${REPO.name}`, repoDir);

    const clusters = await startDemoClusters(join(dataDir, "kube"));
    stops.push(() => clusters.close());

    const signingSecret = randomBytes(16).toString("hex");
    const pagerdutySecret = randomBytes(16).toString("base64");
    const configFile = join(dataDir, "firebreak.yaml");
    writeFileSync(configFile, demoConfigFile({ dbaGroup, kubeconfigs: clusters.kubeconfigs }));
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
    const firebreak = createFirebreak({
      config: { ...config, slack: config.slack! },
      log,
      postgresTargets,
      metricGate: fastForwardGates(delay),
      jobs: { pollMs: 200 },
      steps: { pollMs: 200 },
    });
    const { port: botPort } = await firebreak.start();
    stops.push(() => firebreak.stop());
    const store = await firebreak.ready();
    const botUrl = `http://127.0.0.1:${botPort}`;

    const handles: DemoHandles = {
      slack,
      botUrl,
      signingSecret,
      users: [
        { id: alex, name: "Alex Rivera", role: "on call" },
        { id: cora, name: "Cora Chen", role: "DBA" },
        { id: dev, name: "Dev Patel", role: "on call" },
      ],
      async incidentRoles() {
        const roles: Record<string, string[]> = {};
        const add = (user: string | null, what: string) => void (user && (roles[user] ??= []).push(what));
        for (const incident of await store.incidents.list({ open: true })) {
          add(incident.commander, `commander of INC-${incident.id}`);
          for (const role of await store.lifecycle.roles(incident.id)) add(role.userId, `${role.name} of INC-${incident.id}`);
        }
        return roles;
      },
      async page() {
        const incidentId = `PDEMO${randomUUID().slice(0, 6).toUpperCase()}`;
        pagerduty.addIncident({ id: incidentId, title: "API is degraded — DB CPU at 100%", escalationPolicyId: "PDEMOEP", serviceName: "Orders API" });
        const body = JSON.stringify(demoPage(incidentId, web.base + VENDOR_PATHS.pagerduty));
        const response = await fetch(`${botUrl}/webhooks/pagerduty`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json", "x-pagerduty-signature": signPagerdutyBody(body, pagerdutySecret), "x-webhook-id": randomUUID() },
        });
        if (!response.ok) throw new Error(`Firebreak answered the page with ${response.status}`);
      },
      repoDir,
      // Commits only what a Publish pushed since the last look (see demo-repository.ts), then reads.
      repository: () => mirror.sync().then(() => readRepository(repoDir)),
      vendorPage: (path) => vendorPage({ pagerduty, github, datadog }, path),
    };
    await web.serve(handles);
    return { url: web.url, handles, clusters, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
