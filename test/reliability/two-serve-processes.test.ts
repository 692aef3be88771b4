// The topology compose.yaml runs: two `firebreak serve` processes (as the container starts them,
// configured only by environment) on one PostgreSQL. PagerDuty's load balancer can hand the same
// delivery to either, or to both; between them they make one incident and one channel.
// (two-replicas.test.ts races many more requests through in-process replicas.)
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPgDriver } from "../../src/adapters/store/pg-driver.js";
import { createStore, type SqlStore } from "../../src/adapters/store/store.js";
import { startPagerdutyEmulator, type PagerdutyEmulator } from "../../src/sandbox/emulators/pagerduty/pagerduty-emulator.js";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { serveCli } from "../helpers/cli-process.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";

const cleanup: (() => Promise<unknown> | void)[] = [];
let slack: SlackEmulator;
let pagerduty: PagerdutyEmulator;
let store: SqlStore;
let replicas: { base: string }[];

beforeAll(async () => {
  slack = createSlackEmulator();
  const { url: slackUrl } = await slack.start();
  cleanup.push(() => slack.stop());
  pagerduty = await startPagerdutyEmulator({ token: "pd-api-token" });
  cleanup.push(() => pagerduty.close());
  pagerduty.addUser({ id: "PFIREBREAK", name: "Firebreak", email: "firebreak@example.com" });
  const databaseUrl = await createTestDatabaseUrl();
  const env = {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: "4",
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slackUrl,
    SLACK_INCIDENTS_CHANNEL: slack.addChannel({ name: "incidents" }),
    PAGERDUTY_TOKEN: "pd-api-token",
    PAGERDUTY_FROM_EMAIL: "firebreak@example.com",
    PAGERDUTY_WEBHOOK_SECRETS: PD_SECRETS.join(","),
    PAGERDUTY_API_URL: pagerduty.url,
  };
  // Started together, as `docker compose up` starts them: both migrate, under the advisory lock.
  replicas = await Promise.all([serveCli(env, cleanup), serveCli(env, cleanup)]);
  store = createStore(createPgDriver({ connectionString: databaseUrl, max: 2 }));
  cleanup.push(() => store.close());
}, 120_000);

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

it("are both ready, on the one database", async () => {
  for (const { base } of replicas) {
    const ready = await eventually(() => fetch(`${base}/readyz`), (r) => r.status === 200, 30_000);
    expect(ready.status).toBe(200);
  }
});

it("turn one PagerDuty delivery, sent to each of them at once, into one incident with one channel", { timeout: 90_000 }, async () => {
  pagerduty.addIncident({ id: "PCOMPOSE1", title: "Checkout latency over SLO" });
  const body = pagerdutyEvent("incident.triggered", { eventId: "compose-event-1", incidentId: "PCOMPOSE1", title: "Checkout latency over SLO" });
  const answers = await Promise.all(
    replicas.map(({ base }) => fetch(`${base}/webhooks/pagerduty`, pagerdutyDelivery(body, PD_SECRETS[1]!, "compose-webhook-1")).then((r) => r.status)),
  );
  expect(answers).toEqual([202, 202]);

  const [incident] = await eventually(
    async () => (await store.incidents.list()).filter((i) => i.pagerdutyIncidentId === "PCOMPOSE1"),
    (found) => Boolean(found[0]?.headerTs && found[0]?.announcementTs),
    60_000,
  );
  // Any duplicate would be a job or step running or due; once neither replica has one, none is coming.
  await eventually(async () => (await store.jobs.busy(new Date())) + (await store.runs.busy()), (n) => n === 0, 30_000);

  expect((await store.incidents.list()).filter((i) => i.pagerdutyIncidentId === "PCOMPOSE1")).toHaveLength(1);
  const created = slack.calls("conversations.create").filter((c) => c.response.body.ok === true);
  expect(created.map((c) => c.args.name)).toEqual([expect.stringContaining("checkout-latency-over-slo")]);
  expect(slack.pins(incident!.channelId!)).toHaveLength(1);
  const kinds = (await store.timeline.list(incident!.id)).map((e) => e.kind);
  expect(kinds.filter((k) => k === "page")).toHaveLength(1);
  expect(kinds.filter((k) => k === "channel")).toHaveLength(1);
});
