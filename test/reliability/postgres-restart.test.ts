// Firebreak's PostgreSQL goes down mid-run (fast shutdown) and comes back. While it is down,
// webhooks and Slack events get 503 (so vendors retry) and /readyz says why; when it is back,
// Firebreak reconnects on its own, and every delivery it ever answered 2xx is recorded exactly
// once, while those it answered 503 are accepted when they are sent again.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { datadogDelivery, renderDatadogPayload } from "../helpers/datadog-events.js";
import { DD_SECRET, eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { reactionEvent } from "../helpers/slack-payloads.js";
import { signedSlackRequest } from "../helpers/slack-requests.js";
import { startPostgresCluster, type PostgresCluster } from "../helpers/postgres-server.js";

let cluster: PostgresCluster;
let h: Harness;

beforeAll(async () => {
  cluster = await startPostgresCluster();
  h = await startHarness({ database: { DATABASE_URL: cluster.url } });
});
afterAll(async () => {
  await h?.stop();
  await cluster?.destroy();
});

interface Delivery {
  label: string;
  path: string;
  /** Built per send: a Slack signature is only good for five minutes. */
  init(): RequestInit;
  statuses: number[];
}

const deliveries: Delivery[] = [];
function delivery(label: string, path: string, init: () => RequestInit): Delivery {
  const d = { label, path, init, statuses: [] };
  deliveries.push(d);
  return d;
}
const page = (n: number) => {
  const body = pagerdutyEvent("incident.triggered", { eventId: `pg-triggered-${n}`, incidentId: `PPGR${n}`, title: `Database restart drill ${n}` });
  return delivery(`page ${n}`, "/webhooks/pagerduty", () => pagerdutyDelivery(body, PD_SECRETS[0]!, `pg-webhook-${n}`));
};
const priority = (n: number, pdIncident: string) => {
  const body = pagerdutyEvent("incident.priority_updated", { eventId: `pg-priority-${n}`, incidentId: pdIncident, priority: "P2" });
  return delivery(`priority ${n}`, "/webhooks/pagerduty", () => pagerdutyDelivery(body, PD_SECRETS[1]!, `pg-webhook-priority-${n}`));
};
const alert = (n: number) => {
  const payload = renderDatadogPayload({ ID: `77${n}`, ALERT_ID: `5500${n}`, ALERT_TRANSITION: "Triggered", DATE: `17000000${n}0000`, ALERT_TITLE: `Replica lag drill ${n}` });
  return delivery(`alert ${n}`, "/webhooks/datadog", () => datadogDelivery(payload, DD_SECRET));
};
const slackEvent = (n: number) => {
  const body = JSON.stringify(reactionEvent(`EvPGR${n}`, { user: "U0PGR", channel: "C0PGR", ts: `1700000000.00${n}` }));
  return delivery(`slack event ${n}`, "/slack/events", () => signedSlackRequest({ body, signingSecret: SIGNING_SECRET }));
};
async function send(d: Delivery): Promise<number> {
  const response = await fetch(`${h.base}${d.path}`, d.init());
  d.statuses.push(response.status);
  if (response.status === 503) expect(await response.json(), `${d.label}: 503 says why`).toMatchObject({ ok: false, error: "not_ready" });
  else await response.arrayBuffer();
  return response.status;
}
const accepted = (status: number) => status === 200 || status === 202;
const readyz = async () => {
  const response = await fetch(`${h.base}/readyz`);
  return { status: response.status, body: (await response.json()) as { ok: boolean; reason?: string } };
};

it("answers 503 while PostgreSQL is down, reconnects when it is back, and loses no accepted delivery", async () => {
  // Up: everything is accepted, and the pages become incidents.
  for (const d of [page(1), page(2), alert(1), slackEvent(1)]) expect(await send(d), d.label).toSatisfy(accepted);
  await eventually(() => h.store.incidents.byPagerdutyIncident("PPGR1"), Boolean);

  // Going down with requests in flight: each is either accepted or refused with 503, nothing else.
  let down = false;
  const inFlight = (async () => {
    for (let n = 1; !down && n <= 40; n++) {
      await send(n % 2 === 0 ? priority(n, "PPGR1") : slackEvent(100 + n));
      await sleep(5);
    }
  })();
  await sleep(30);
  await cluster.stop();
  down = true;
  await inFlight;

  // Down: 503 everywhere that needs the database, and readiness says why; the process stays alive.
  const notReady = await eventually(readyz, (r) => r.status === 503);
  expect(notReady.body.reason).toMatch(/database/i);
  expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
  for (const d of [page(3), page(4), alert(2), slackEvent(2), priority(99, "PPGR2")]) expect(await send(d), `${d.label} while the database is down`).toBe(503);

  // Back: Firebreak reconnects without a restart.
  await cluster.start();
  await eventually(readyz, (r) => r.status === 200, 20_000);
  // Jobs whose worker lost the database mid-run keep their 60 s lease; expire it rather than wait.
  await h.store.sql.query("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE status = 'running'");
  // The vendors retry what got 503; new deliveries arrive too.
  for (const d of deliveries.filter((x) => !x.statuses.some(accepted))) expect(await send(d), `${d.label} sent again`).toSatisfy(accepted);
  for (const d of [page(5), alert(3), slackEvent(3)]) expect(await send(d), d.label).toSatisfy(accepted);

  expect(deliveries.filter((d) => d.statuses.includes(503)).length, "some deliveries were refused while the database was down").toBeGreaterThanOrEqual(5);
  const due = async () => (await h.store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE status IN ('pending','running') AND run_at <= now()"))[0]!.n;
  await eventually(due, (n) => n === 0, 20_000);

  const rows = await h.store.sql.query<{ source: string; delivery_id: string }>("SELECT source, delivery_id FROM deliveries");
  const pdDeliveries = deliveries.filter((d) => d.path === "/webhooks/pagerduty").length;
  expect(rows.filter((r) => r.source === "pagerduty")).toHaveLength(pdDeliveries);
  expect(rows.filter((r) => r.source === "datadog")).toHaveLength(3);
  expect(rows.filter((r) => r.source === "slack-event")).toHaveLength(deliveries.filter((d) => d.path === "/slack/events").length);

  for (const n of [1, 2, 3, 4, 5]) {
    const incidents = (await h.store.incidents.list()).filter((i) => i.pagerdutyIncidentId === `PPGR${n}`);
    expect(incidents, `PPGR${n}: one incident`).toHaveLength(1);
    const timeline = await h.store.timeline.list(incidents[0]!.id);
    expect(timeline.filter((e) => e.sourceKey === `pagerduty:pg-triggered-${n}`), `PPGR${n}: its page once`).toHaveLength(1);
  }
  const [first] = (await h.store.incidents.list()).filter((i) => i.pagerdutyIncidentId === "PPGR1");
  const timeline = await h.store.timeline.list(first!.id);
  for (const d of deliveries.filter((x) => x.label.startsWith("priority") && !x.label.endsWith(" 99"))) {
    const eventId = `pg-${d.label.replace(" ", "-")}`;
    expect(timeline.filter((e) => e.sourceKey === `pagerduty:${eventId}`), `${d.label} once on the timeline`).toHaveLength(1);
  }
  const [second] = (await h.store.incidents.list()).filter((i) => i.pagerdutyIncidentId === "PPGR2");
  expect((await h.store.timeline.list(second!.id)).filter((e) => e.sourceKey === "pagerduty:pg-priority-99"), "the refused priority change, once").toHaveLength(1);
  for (const n of [1, 2, 3]) {
    const incidents = (await h.store.incidents.list()).filter((i) => i.datadogMonitorId === `5500${n}`);
    expect(incidents, `monitor 5500${n}: one incident`).toHaveLength(1);
    const entries = (await h.store.timeline.list(incidents[0]!.id)).filter((e) => e.sourceKey === `datadog:5500${n}:Triggered:17000000${n}0000`);
    expect(entries, `alert ${n} once on the timeline`).toHaveLength(1);
  }
}, 60_000);
