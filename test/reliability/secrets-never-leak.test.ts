// A realistic incident, start to post-mortem, with a distinctive value for every secret Firebreak
// holds — and everything it produced captured: every log line of every process, every Slack
// message, ephemeral and modal, every PagerDuty note, Datadog event and GitHub file, issue and
// pull request, and the HTTP answers to refused and misconfigured requests. No secret may appear
// anywhere, as is, URL-encoded or JSON-escaped.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPgDriver } from "../../src/adapters/store/pg-driver.js";
import { createStore, type SqlStore } from "../../src/adapters/store/store.js";
import { spawnCli, type CliProcess } from "../helpers/cli-process.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { datadogDelivery, renderDatadogPayload } from "../helpers/datadog-events.js";
import { eventually } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { writePlaybookConfig } from "../helpers/playbook-dir.js";
import { freePort } from "../helpers/postgres-server.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";
import { signedSlackRequest } from "../helpers/slack-requests.js";
import { kill, killAll, outputs, serve } from "./helpers/serve-process.js";
import { POSTMORTEM_REPO, startVendors, type VendorSecrets, type Vendors } from "./helpers/vendors.js";

const secrets: VendorSecrets = {
  slackBotToken: "xoxb-SECRET-slack-bot-7f3a9c",
  slackSigningSecret: "SECRET-slack-signing-4b8e2d91",
  pagerdutyToken: "SECRET-pagerduty-token-9c1e77",
  pagerdutyWebhookSecrets: ["SECRET-pd-hook-old-31ad", "SECRET-pd-hook-new-58fe"],
  datadogApiKey: "SECRET-datadog-api-0a4c5e",
  datadogAppKey: "SECRET-datadog-app-6d2b8f",
  datadogWebhookSecret: "SECRET-dd-hook-e1f093",
  githubToken: "ghp_SECRETgithubToken42b7",
};
// Characters that URLs must escape, so the encoded and decoded forms differ.
const databasePassword = "SECRET-db@pass/3e9a";
const targetPassword = "SECRET-target:pw 77c1";
const misconfigured = { bot: "SECRET-not-a-bot-token-11", url: "mysql://root:SECRET-mysql-pw-5d@db.internal/app" };

const dir = tempDir();
let vendors: Vendors;
let store: SqlStore;
let env: Record<string, string>;
let refused: CliProcess | undefined;

const withPassword = (url: string, password: string, port?: number) => {
  const u = new URL(url);
  u.password = password;
  if (port) u.port = String(port);
  return u.toString();
};

beforeAll(async () => {
  vendors = await startVendors({ secrets });
  const plainUrl = await createTestDatabaseUrl();
  store = createStore(createPgDriver({ connectionString: plainUrl, max: 2 }));
  const playbook = `id: index-check
title: Index check
description: Looks for invalid indexes on the orders and archive databases.
steps:
  - { id: orders, title: Check orders, action: postgres.find_invalid_indexes, with: { target: orders } }
  - { id: archive, title: Check archive, action: postgres.find_invalid_indexes, with: { target: archive } }
`;
  const targets = "targets:\n  postgres:\n    orders: { url_env: ORDERS_DATABASE_URL }\n    archive: { url_env: ARCHIVE_DATABASE_URL }\n";
  env = {
    ...vendors.env,
    LOG_LEVEL: "debug",
    // The test server trusts every local connection, so a password in the URL is carried, not checked.
    DATABASE_URL: withPassword(plainUrl, databasePassword),
    ORDERS_DATABASE_URL: withPassword(plainUrl, targetPassword),
    ARCHIVE_DATABASE_URL: withPassword(plainUrl, targetPassword, await freePort()),
    FIREBREAK_CONFIG: writePlaybookConfig(dir.path, { "index-check.yaml": playbook }, targets),
  };
});
afterAll(async () => {
  if (refused) await kill(refused);
  await killAll();
  await store.close();
  await vendors.stop();
  dir.remove();
});

const userinfo = (password: string) => Object.assign(new URL("x://h"), { password }).password;

const answers: string[] = [];
async function call(base: string, path: string, init?: RequestInit): Promise<{ status: number; text: string }> {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  answers.push(`${init?.method ?? "GET"} ${path} -> ${response.status} ${JSON.stringify([...response.headers])} ${text}`);
  return { status: response.status, text };
}

it("never lets a secret reach a log line, a message, a vendor or an HTTP answer", async () => {
  // Misconfigured instances start alongside: one refused at start-up, one whose database is unreachable.
  refused = spawnCli(["serve"], { ...env, SLACK_BOT_TOKEN: misconfigured.bot, DATABASE_URL: misconfigured.url, PAGERDUTY_FROM_EMAIL: "not-an-email" });
  const unreachableUrl = withPassword(env.DATABASE_URL!, databasePassword, await freePort());
  const [{ base }, unreachable] = await Promise.all([serve(env), serve({ ...env, DATABASE_URL: unreachableUrl }, /database not available/)]);
  const { slack, pagerduty, datadog, github } = vendors;
  pagerduty.addUser({ id: "PNOVA", name: "Nova Oncall", email: "nova@example.com" });
  pagerduty.addOnCall({ escalationPolicyId: "PUS0KTE", userId: "PNOVA" });
  const nova = slack.addUser({ name: "nova", email: "nova@example.com", realName: "Nova Oncall" });
  pagerduty.addIncident({ id: "PSECRET", title: "Payments failing", escalationPolicyId: "PUS0KTE" });
  const pd = (type: string, secret: string) => call(base, "/webhooks/pagerduty", pagerdutyDelivery(pagerdutyEvent(type, { incidentId: "PSECRET", title: "Payments failing" }), secret));

  // The page, then PagerDuty's acknowledgement and a note, signed with the old and the new secret.
  expect((await pd("incident.triggered", secrets.pagerdutyWebhookSecrets[0]!)).status).toBe(202);
  const incident = (await eventually(() => store.incidents.byPagerdutyIncident("PSECRET"), (i) => Boolean(i?.headerTs && i.announcementTs), 20_000))!;
  const channel = incident.channelId!;
  expect((await pd("incident.acknowledged", secrets.pagerdutyWebhookSecrets[1]!)).status).toBe(202);
  expect((await pd("incident.annotated", secrets.pagerdutyWebhookSecrets[1]!)).status).toBe(202);
  for (const transition of ["Triggered", "Recovered"]) {
    const payload = renderDatadogPayload({ ID: `42${transition.length}`, ALERT_ID: "6060", ALERT_TRANSITION: transition, DATE: "1700000000000", ALERT_TITLE: "Payments error rate" });
    expect((await call(base, "/webhooks/datadog", datadogDelivery(payload, secrets.datadogWebhookSecret))).status).toBe(202);
  }

  // The commander works the incident from Slack.
  const command = (text: string) => call(base, "/slack/events", slashCommand(secrets.slackSigningSecret, { text, userId: nova, channelId: channel }));
  for (const text of ["note Card processor answers 502", "status identified", "severity SEV1", "followup Alert on processor 502s", "rootcause An expired TLS certificate", "impact Card payments failed for 20 minutes", "timeline"]) {
    expect((await command(text)).status, text).toBe(200);
  }
  const clickAs = (actionId: string, value: unknown) =>
    call(base, "/slack/events", interaction(secrets.slackSigningSecret, buttonClick({ actionId, value: JSON.stringify(value), userId: nova, channelId: channel, triggerId: slack.issueTrigger() })));
  await clickAs("playbook_choose", { incidentId: incident.id, playbookId: "index-check" });
  const form = await eventually(() => slack.views().find((v) => v.callback_id === "playbook_params"), Boolean);
  await call(base, "/slack/events", interaction(secrets.slackSigningSecret, viewSubmitted(form!, nova, {})));
  const [runId] = await eventually(() => store.runs.forIncident(incident.id), (ids) => ids.length === 1);
  // The orders check connects and succeeds; the archive database is not there, so that step fails.
  const run = (await eventually(() => store.runs.get(runId!), (r) => r?.state === "failed", 20_000))!;
  expect(run.steps.map((s) => s.state)).toEqual(["succeeded", "failed"]);
  expect((await command("postmortem")).status).toBe(200);
  await clickAs("postmortem_publish", { incidentId: incident.id });
  await eventually(() => github.pulls(POSTMORTEM_REPO), (pulls) => pulls.length === 1, 20_000);
  await eventually(() => pagerduty.incident("PSECRET")!.notes.length, (n) => n >= 2);

  // Refused and failing requests: forged signatures, stale and wrong secrets, a body that is not JSON.
  const body = JSON.stringify(pagerdutyEvent("incident.triggered", { incidentId: "PSECRET" }));
  await call(base, "/webhooks/pagerduty", pagerdutyDelivery(body, "not-the-secret"));
  await call(base, "/webhooks/pagerduty", pagerdutyDelivery("{not json", secrets.pagerdutyWebhookSecrets[0]!));
  await call(base, "/webhooks/datadog", datadogDelivery("{}", "wrong-secret"));
  await call(base, "/webhooks/datadog", { method: "POST", body: "{}", headers: { authorization: `Basic ${Buffer.from(`x:${secrets.datadogApiKey}`).toString("base64")}` } });
  await call(base, "/slack/events", signedSlackRequest({ body: "{}", signingSecret: "not-the-secret" }));
  await call(base, "/slack/events", signedSlackRequest({ body: "{}", signingSecret: secrets.slackSigningSecret, timestamp: 1_500_000_000 }));
  await call(base, "/slack/events", signedSlackRequest({ body: "[]", signingSecret: secrets.slackSigningSecret }));
  await call(base, "/metrics");
  await call(base, "/readyz");
  await call(base, "/nowhere", { method: "DELETE" });

  expect(await refused.exited).toBe(2);
  expect(refused.output()).toMatch(/SLACK_BOT_TOKEN[\s\S]*DATABASE_URL/);
  expect(await call(unreachable.base, "/readyz")).toMatchObject({ status: 503, text: expect.stringContaining("database unreachable") });
  expect((await call(unreachable.base, "/webhooks/pagerduty", pagerdutyDelivery(body, secrets.pagerdutyWebhookSecrets[0]!))).status).toBe(503);

  const withoutHeaders = (calls: readonly { headers: unknown }[]) => calls.map(({ headers: _sent, ...rest }) => rest);
  const githubFiles = github.calls.flatMap((c) => {
    const content = (c.body as { content?: unknown } | null)?.content;
    return typeof content === "string" ? [Buffer.from(content, "base64").toString("utf8")] : [];
  });
  const everything: Record<string, string> = {
    "serve logs": outputs().join("\n"),
    "misconfigured serve": refused.output(),
    "HTTP answers": answers.join("\n"),
    "Slack calls": JSON.stringify(slack.calls()),
    "Slack ephemerals and views": JSON.stringify([slack.ephemerals(), slack.views()]),
    "PagerDuty notes and calls": JSON.stringify([pagerduty.incident("PSECRET"), withoutHeaders(pagerduty.calls)]),
    "Datadog events and calls": JSON.stringify([datadog.events, withoutHeaders(datadog.calls)]),
    "GitHub files, issues, pull requests and calls": JSON.stringify([githubFiles, github.issues(POSTMORTEM_REPO), github.pulls(POSTMORTEM_REPO), withoutHeaders(github.calls)]),
    "the timeline": JSON.stringify(await store.timeline.list(incident.id)),
  };
  // The flow really ran: the secrets were in use, and there is plenty of output to search.
  expect(everything["serve logs"]!.split("\n").length).toBeGreaterThan(40);
  expect(JSON.stringify(pagerduty.calls.map((c) => c.headers))).toContain(secrets.pagerdutyToken);
  expect(githubFiles.join("")).toContain("cannot connect to postgres target archive");

  const values = [...Object.values(secrets).flat(), databasePassword, targetPassword, misconfigured.bot, "SECRET-mysql-pw-5d"];
  const leaks: string[] = [];
  for (const secret of values) {
    const forms = { as_is: secret, url_encoded: encodeURIComponent(secret), json_escaped: JSON.stringify(secret).slice(1, -1), url_userinfo: userinfo(secret) };
    for (const [formName, form] of Object.entries(forms)) {
      for (const [where, text] of Object.entries(everything)) {
        const at = text.indexOf(form);
        if (at >= 0) leaks.push(`${secret} (${formName}) in ${where}: …${text.slice(Math.max(0, at - 120), at + form.length + 40)}…`);
      }
    }
  }
  expect(leaks).toEqual([]);
}, 90_000);
