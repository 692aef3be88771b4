// How fast Firebreak answers Alertmanager, beside PagerDuty on the same process. Alertmanager
// gives a notification group_interval (default 5 m) and retries only 5xx, so intake must stay as
// quick as PagerDuty's while a storm re-sends every group. One `serve` on PostgreSQL gets both,
// alternating in 2 s blocks at the same open-loop rate, so the two see the same machine and the
// same backlog: Alertmanager groups of three alerts whose annotation value changes each time (as
// {{ $value }} does, so every body is new and recorded), and PagerDuty notes on open incidents.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { pagerdutyEvent } from "../test/helpers/pagerduty-events.js";
import { createDatabase, pagerdutyRequest, percentile, round, spawnServe, startVendors, waitReady, withClient, type Benchmark, type Figure } from "./bench-kit.js";
import { keepAliveAgent, openLoop, type PreparedRequest } from "./load-generator.js";

const RATE = 200;
const SECONDS = 10;
const BLOCK_SECONDS = 2;
const TOKEN = "bench-alertmanager-token-0123456789";
const GROUPS = 50;
const PD_INCIDENTS = Array.from({ length: GROUPS }, (_, i) => `PAMB${String(i + 1).padStart(3, "0")}`);
/** Alertmanager intake may be this much slower than PagerDuty's at p99 (both are one INSERT). */
const RATIO_TARGET = 1.5;

let sent = 0;

function alertmanagerRequest(i: number): PreparedRequest {
  const group = i % GROUPS;
  const value = `${(sent++ / 1000).toFixed(3)}s`;
  const alerts = [1, 2, 3].map((n) => ({
    status: "firing",
    labels: { alertname: `BenchLatency${group}`, service: `bench-${group}`, severity: "warning", instance: `api-${n}` },
    annotations: { summary: "p99 latency above 2s", description: `p99 is ${value}` },
    startsAt: "2026-03-08T09:00:00Z",
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL: "http://prometheus.example.com:9090/graph",
    fingerprint: `${group.toString(16).padStart(8, "0")}0000000${n}`,
  }));
  const body = {
    version: "4",
    groupKey: `{}:{alertname="BenchLatency${group}"}`,
    truncatedAlerts: 0,
    status: "firing",
    receiver: "firebreak",
    groupLabels: { alertname: `BenchLatency${group}` },
    commonLabels: { alertname: `BenchLatency${group}`, service: `bench-${group}`, severity: "warning" },
    commonAnnotations: { summary: "p99 latency above 2s" },
    externalURL: "http://alertmanager.example.com:9093",
    alerts,
  };
  return { path: "/webhooks/alertmanager", headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) };
}

const pagerdutyNote = (i: number) => {
  const incidentId = PD_INCIDENTS[i % PD_INCIDENTS.length]!;
  return pagerdutyRequest(pagerdutyEvent("incident.annotated", { incidentId, eventId: randomUUID() }));
};

export const alertmanagerAck: Benchmark = async (ctx) => {
  const databaseUrl = await createDatabase(ctx.postgresUrl, "bench_alertmanager_ack");
  const vendors = await startVendors();
  for (const id of PD_INCIDENTS) vendors.pagerduty.addIncident({ id, title: `Ack bench ${id}` });
  const firebreak = await spawnServe({ DATABASE_URL: databaseUrl, ALERTMANAGER_WEBHOOK_TOKEN: TOKEN, ...vendors.env }, join(ctx.tmp, "alertmanager-ack-firebreak.log"));
  const agent = keepAliveAgent();
  const latencies = { alertmanager: [] as number[], pagerduty: [] as number[] };
  let failed = 0;
  let acked = 0;
  try {
    await waitReady(firebreak);
    const base = new URL(firebreak.base);
    const block = async (who: "alertmanager" | "pagerduty", count: number, measured: boolean) => {
      const requests = Array.from({ length: count }, (_, i) => (who === "alertmanager" ? alertmanagerRequest(i) : pagerdutyNote(i)));
      const result = await openLoop(base, requests, RATE, agent);
      if (who === "alertmanager") acked += result.ok;
      failed += result.failed;
      if (measured) latencies[who].push(...result.latencies);
    };
    ctx.progress(`warm-up, then ${RATE} req/s for ${SECONDS} s each, alternating in ${BLOCK_SECONDS} s blocks`);
    for (const who of ["alertmanager", "pagerduty"] as const) await block(who, RATE, false);
    for (let n = 0; n < SECONDS / BLOCK_SECONDS; n++) {
      for (const who of ["alertmanager", "pagerduty"] as const) await block(who, RATE * BLOCK_SECONDS, true);
    }
    // A 202 must mean a row: each Alertmanager body here is new, so each is a delivery.
    const rows = await withClient(databaseUrl, async (c) => (await c.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE source = 'alertmanager'")).rows[0]!.n);
    if (rows < acked) throw new Error(`Firebreak answered Alertmanager 2xx ${acked} times but recorded ${rows} deliveries`);
    const [am99, pd99, am50, pd50] = [percentile(latencies.alertmanager, 99), percentile(latencies.pagerduty, 99), percentile(latencies.alertmanager, 50), percentile(latencies.pagerduty, 50)];
    const figures: Figure[] = [
      {
        name: `Alertmanager intake p99 @ ${RATE} req/s`,
        value: round(am99, 2),
        unit: "ms",
        reference: { value: round(pd99, 2), what: "PagerDuty intake, same process, alternating blocks" },
        ratio: am99 / pd99,
        target: `≤ ${RATIO_TARGET}× PagerDuty's`,
        met: am99 / pd99 <= RATIO_TARGET,
        note: `p50 ${round(am50, 2)} ms vs PagerDuty ${round(pd50, 2)} ms; ${latencies.alertmanager.length} requests each; 3-alert groups, every body new${failed > 0 ? `; non-2xx or failed: ${failed}` : ""}`,
      },
    ];
    return figures;
  } finally {
    agent.destroy();
    await firebreak.stop();
    await vendors.stop();
  }
};
