// Every line `firebreak serve` writes to stdout is one JSON log record, scrubbed of secrets —
// including what the vendor SDKs have to say while Slack rate limits every call. Before, the
// Web API client printed "[INFO]  web-api:WebClient:0 API Call failed due to rate limiting…"
// as plain text there, past the scrubber.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { slashCommand } from "../helpers/slack-payloads.js";
import { killAll, serve } from "./helpers/serve-process.js";
import { startVendors, type VendorSecrets, type Vendors } from "./helpers/vendors.js";

const secrets: VendorSecrets = {
  slackBotToken: "xoxb-SECRET-logstream-bot-5e1d",
  slackSigningSecret: "SECRET-logstream-signing-93ac",
  pagerdutyToken: "SECRET-logstream-pd-token-77b0",
  pagerdutyWebhookSecrets: ["SECRET-logstream-pd-hook-2c4f"],
  datadogApiKey: "SECRET-logstream-dd-api-41e8",
  datadogAppKey: "SECRET-logstream-dd-app-b73a",
  datadogWebhookSecret: "SECRET-logstream-dd-hook-0f96",
  githubToken: "ghp_SECRETlogstream9d2e",
};

let vendors: Vendors;
beforeAll(async () => {
  vendors = await startVendors({ secrets });
});
afterAll(async () => {
  await killAll();
  await vendors.stop();
});

it("writes only JSON lines to stdout, vendor SDK logs included, during a Slack 429 storm", async () => {
  const { slack } = vendors;
  // Every Web API call is rate limited: the SDKs wait out Retry-After and say so.
  slack.failAll("*", { retryAfter: 1 });
  const { base, cli } = await serve({ ...vendors.env, DATABASE_URL: await createTestDatabaseUrl(), LOG_LEVEL: "debug" });

  // A page (a durable job creates its channel through the Web API client) and a slash command
  // (Bolt's own client authorizes it with auth.test), both into the storm.
  const page = pagerdutyEvent("incident.triggered", { incidentId: "PLOGS01", title: "Checkout latency" });
  expect((await fetch(`${base}/webhooks/pagerduty`, pagerdutyDelivery(page, secrets.pagerdutyWebhookSecrets[0]!))).status).toBe(202);
  const user = slack.addUser({ name: "ada", email: "ada@example.com" });
  expect((await fetch(`${base}/slack/events`, slashCommand(secrets.slackSigningSecret, { text: "help", userId: user, channelId: vendors.incidentsChannel }))).status).toBe(200);
  await cli.waitFor(/rate limit/i, 20_000);
  expect(slack.calls().filter((c) => c.response.status === 429).length).toBeGreaterThan(0);

  // The storm passes; the page still becomes a channel.
  slack.clearFailures();
  await eventually(() => slack.calls("conversations.create").filter((c) => c.response.body.ok === true), (ok) => ok.length === 1, 30_000);
  cli.child.kill("SIGTERM");
  expect(await cli.exited).toBe(0);

  const lines = cli.stdout().split("\n").filter((line) => line !== "");
  const notJson = lines.filter((line) => !isJsonRecord(line));
  expect(notJson).toEqual([]);
  const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const record of records) {
    expect(record).toMatchObject({ level: expect.stringMatching(/^(trace|debug|info|warn|error|fatal)$/), time: expect.any(String), msg: expect.any(String) });
  }
  // The SDKs' own lines came through the logger, labelled, at their levels.
  const fromVendors = records.filter((r) => typeof r.vendor === "string");
  expect([...new Set(fromVendors.map((r) => r.vendor))]).toEqual(expect.arrayContaining(["web-api", "bolt"]));
  expect(fromVendors.some((r) => /rate limit/i.test(String(r.msg)))).toBe(true);
  expect(new Set(fromVendors.map((r) => r.level))).toContain("debug");

  const leaked = Object.values(secrets).flat().filter((secret) => cli.output().includes(secret));
  expect(leaked).toEqual([]);
}, 90_000);

function isJsonRecord(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
