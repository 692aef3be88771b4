// `firebreak doctor` against every emulator: all green when each integration and target is right,
// and one ✗ line naming the fix for each thing that is wrong (exit 1).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDatadogEmulator, type DatadogEmulator } from "../../src/sandbox/emulators/datadog/datadog-emulator.js";
import { startGithubEmulator, type GithubEmulator } from "../../src/sandbox/emulators/github/github-emulator.js";
import { startKubernetesEmulator, type KubernetesEmulator } from "../../src/sandbox/emulators/kubernetes/kubernetes-emulator.js";
import { startPagerdutyEmulator, type PagerdutyEmulator } from "../../src/sandbox/emulators/pagerduty/pagerduty-emulator.js";
import { createSlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { spawnCli } from "../helpers/cli-process.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { freePort } from "../helpers/postgres-server.js";

const slack = createSlackEmulator({ botToken: "xoxb-good" });
const narrowSlack = createSlackEmulator({ botToken: "xoxb-narrow", botScopes: ["chat:write", "commands", "channels:manage"] });
let pagerduty: PagerdutyEmulator;
let datadog: DatadogEmulator;
let github: GithubEmulator;
let k8s: KubernetesEmulator;
let databaseUrl: string;
const dir = tempDir("firebreak-doctor-");

beforeAll(async () => {
  await slack.start();
  await narrowSlack.start();
  pagerduty = await startPagerdutyEmulator({ token: "pd-good" });
  pagerduty.addUser({ id: "PBOT", name: "Firebreak Bot", email: "firebreak@example.com" });
  datadog = await startDatadogEmulator({ apiKey: "dd-good", appKey: "dd-app" });
  github = await startGithubEmulator({ token: "ghp_good" });
  github.addRepo("acme", "postmortems");
  github.addRepo("acme", "readonly", { push: false, hasIssues: false });
  k8s = await startKubernetesEmulator({ tickMs: 0 });
  k8s.writeKubeconfig(join(dir.path, "kubeconfig"), { context: "prod" });
  writeFileSync(join(dir.path, "kubeconfig-stale"), readFileSync(join(dir.path, "kubeconfig"), "utf8").replace(k8s.token, "expired-token"));
  databaseUrl = await createTestDatabaseUrl();
}, 60_000);

afterAll(async () => {
  await slack.stop();
  await narrowSlack.stop();
  await Promise.all([pagerduty.close(), datadog.close(), github.close(), k8s.close()]);
  dir.remove();
});

function configFile(name: string, kubeconfig: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, `targets:\n  kubernetes:\n    prod:\n      kubeconfig: ${kubeconfig}\n      context: prod\n  postgres:\n    orders:\n      url_env: ORDERS_DATABASE_URL\n`);
  return path;
}

async function doctor(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const secrets = {
    SLACK_SIGNING_SECRET: "s3cret",
    ...(env.PAGERDUTY_TOKEN && { PAGERDUTY_WEBHOOK_SECRETS: "whsec" }),
    ...(env.DATADOG_API_KEY && { DATADOG_WEBHOOK_SECRET: "dd-hook" }),
  };
  const cli = spawnCli(["doctor"], { ...secrets, ...env });
  const code = await cli.exited;
  return { code, lines: cli.output().split("\n").filter(Boolean) };
}

const line = (lines: string[], pattern: RegExp) => {
  const found = lines.filter((l) => pattern.test(l));
  expect(found, `one line matching ${pattern} in:\n${lines.join("\n")}`).toHaveLength(1);
  return found[0]!;
};

describe("firebreak doctor", { timeout: 120_000 }, () => {
  it("passes every check when each integration and target is configured right", async () => {
    const { code, lines } = await doctor({
      SLACK_BOT_TOKEN: "xoxb-good", SLACK_API_URL: slack.url!,
      PAGERDUTY_TOKEN: "pd-good", PAGERDUTY_FROM_EMAIL: "firebreak@example.com", PAGERDUTY_API_URL: pagerduty.url,
      DATADOG_API_KEY: "dd-good", DATADOG_APP_KEY: "dd-app", DATADOG_API_URL: datadog.url,
      GITHUB_TOKEN: "ghp_good", GITHUB_API_URL: github.url, POSTMORTEM_REPO: "acme/postmortems",
      FIREBREAK_CONFIG: configFile("good.yaml", join(dir.path, "kubeconfig")), ORDERS_DATABASE_URL: databaseUrl,
    });
    expect(lines.filter((l) => l.startsWith("✗")), lines.join("\n")).toEqual([]);
    expect(line(lines, /Slack/)).toMatch(/^✓ Slack accepted the bot token .*scopes/);
    expect(line(lines, /PAGERDUTY_TOKEN/)).toMatch(/^✓/);
    expect(line(lines, /firebreak@example\.com/)).toMatch(/^✓ PagerDuty user firebreak@example\.com exists/);
    expect(line(lines, /Datadog/)).toMatch(/^✓ Datadog accepted DATADOG_API_KEY/);
    expect(line(lines, /can push to acme\/postmortems/)).toMatch(/^✓/);
    expect(line(lines, /issues on/)).toMatch(/^✓/);
    expect(line(lines, /Kubernetes target "prod"/)).toMatch(/^✓/);
    expect(line(lines, /PostgreSQL target "orders"/)).toMatch(/^✓ PostgreSQL target "orders" answers as role \w+/);
    expect(lines.at(-1)).toBe("All 8 checks passed.");
    expect(code).toBe(0);
    // Harmless calls only: nothing was written anywhere.
    expect(pagerduty.calls.every((c) => c.method === "GET")).toBe(true);
    expect(datadog.calls.every((c) => c.method === "GET")).toBe(true);
    expect(github.calls.every((c) => c.method === "GET")).toBe(true);
    expect(slack.calls().map((c) => c.method)).toEqual(["auth.test"]);
  });

  it("names the fix for a missing scope, an unknown From user, a refused key, a read-only repository, stale cluster credentials and an unreachable database", async () => {
    const closedPort = await freePort();
    const { code, lines } = await doctor({
      SLACK_BOT_TOKEN: "xoxb-narrow", SLACK_API_URL: narrowSlack.url!,
      PAGERDUTY_TOKEN: "pd-good", PAGERDUTY_FROM_EMAIL: "nobody@example.com", PAGERDUTY_API_URL: pagerduty.url,
      DATADOG_API_KEY: "dd-wrong", DATADOG_APP_KEY: "dd-app", DATADOG_API_URL: datadog.url,
      GITHUB_TOKEN: "ghp_good", GITHUB_API_URL: github.url, POSTMORTEM_REPO: "acme/readonly",
      FIREBREAK_CONFIG: configFile("stale.yaml", join(dir.path, "kubeconfig-stale")),
      ORDERS_DATABASE_URL: `postgres://firebreak:pw@127.0.0.1:${closedPort}/orders`,
    });
    expect(code).toBe(1);
    expect(line(lines, /Slack/)).toMatch(/^✗ Slack refused the bot token — fix: the bot token lacks the scopes .*bookmarks:write.*pins:write.*reinstall the app/);
    expect(line(lines, /PAGERDUTY_TOKEN/)).toMatch(/^✓/);
    expect(line(lines, /nobody@example\.com/)).toMatch(/^✗ PagerDuty has no user with the email nobody@example\.com.* — fix: set PAGERDUTY_FROM_EMAIL to the email of a PagerDuty user/);
    expect(line(lines, /Datadog/)).toMatch(/^✗ Datadog refused DATADOG_API_KEY .* — fix: copy an API key/);
    expect(line(lines, /acme\/readonly but not push/)).toMatch(/^✗ .* — fix: give the token write access to acme\/readonly/);
    expect(line(lines, /issues turned off/)).toMatch(/— fix: turn on Issues/);
    expect(line(lines, /Kubernetes target "prod"/)).toMatch(/^✗ Kubernetes target "prod": Kubernetes said 401.* — fix: the cluster refused the credentials; refresh the token/);
    expect(line(lines, /PostgreSQL target "orders"/)).toMatch(/^✗ PostgreSQL target "orders": .*ECONNREFUSED.* — fix: check ORDERS_DATABASE_URL/);
    expect(lines.join("\n")).not.toContain(":pw@");
    expect(lines.at(-1)).toBe("7 of 8 checks failed.");
  });

  it("names the fix for tokens Slack, PagerDuty and GitHub refuse, and a cluster that does not answer", async () => {
    const gone = await startKubernetesEmulator({ tickMs: 0 });
    gone.writeKubeconfig(join(dir.path, "kubeconfig-gone"), { context: "prod" });
    await gone.close();
    const { code, lines } = await doctor({
      SLACK_BOT_TOKEN: "xoxb-mistyped", SLACK_API_URL: slack.url!,
      PAGERDUTY_TOKEN: "pd-wrong", PAGERDUTY_FROM_EMAIL: "firebreak@example.com", PAGERDUTY_API_URL: pagerduty.url,
      GITHUB_TOKEN: "ghp_wrong", GITHUB_API_URL: github.url, POSTMORTEM_REPO: "acme/postmortems",
      FIREBREAK_CONFIG: configFile("gone.yaml", join(dir.path, "kubeconfig-gone")), ORDERS_DATABASE_URL: databaseUrl,
    });
    expect(code).toBe(1);
    expect(line(lines, /Slack/)).toMatch(/^✗ Slack refused the bot token — fix: Slack does not recognise SLACK_BOT_TOKEN \(invalid_auth\)/);
    expect(line(lines, /PAGERDUTY_TOKEN/)).toMatch(/^✗ PagerDuty refused PAGERDUTY_TOKEN \(HTTP 401\) — fix: create a REST API key/);
    expect(line(lines, /GITHUB_TOKEN/)).toMatch(/^✗ GitHub refused GITHUB_TOKEN .* — fix: create a token/);
    expect(line(lines, /Kubernetes target "prod"/)).toMatch(/^✗ Kubernetes target "prod": cannot reach the API server .*ECONNREFUSED.* — fix: fix targets\.kubernetes\.prod/);
    expect(line(lines, /PostgreSQL target "orders"/)).toMatch(/^✓/);
    expect(line(lines, /^- datadog: off/)).toContain("set DATADOG_API_KEY");
    expect(lines.at(-1)).toBe("4 of 5 checks failed.");
  });
});
