// How fast Firebreak answers PagerDuty. PagerDuty drops a delivery it is not answered for in 5 s
// and disables a subscription after three drops, so the ack must stay fast while pages pour in.
// Firebreak (`serve` on PostgreSQL) and a bare node:http server doing one INSERT per request on
// the same database server get the same signed deliveries: first an open-loop 200 req/s for 10 s
// (latency and achieved throughput), then 32 requests kept in flight for 5 s (the maximum).
import { randomUUID } from "node:crypto";
import type { Agent } from "node:http";
import { join } from "node:path";
import { pagerdutyEvent } from "../test/helpers/pagerduty-events.js";
import { createDatabase, pagerdutyRequest, percentile, round, sleep, spawnNode, spawnServe, startVendors, waitReady, withClient, type Benchmark, type BenchContext, type Figure } from "./bench-kit.js";
import { closedLoop, keepAliveAgent, openLoop, type PreparedRequest } from "./load-generator.js";

const RATE = 200;
const SECONDS = 10;
const BLOCK_SECONDS = 2;
const WARMUP = { rate: 100, seconds: 2 };
const SATURATION = { concurrency: 32, ms: 5_000 };
const P99_TARGET_MS = 25;
const MAX_RATIO_TARGET = 0.5;
const PD_INCIDENTS = Array.from({ length: 50 }, (_, i) => `PACK${String(i + 1).padStart(3, "0")}`);

interface Target {
  who: string;
  url: URL;
  agent: Agent;
  latencies: number[];
  ok: number;
  failed: number;
  /** Seconds spent in measured open-loop blocks. */
  seconds: number;
  max: number;
  /** 2xx answers counted, to check against the rows each server says it wrote. */
  acked: number;
}

/** Deliveries as PagerDuty sends them during an incident: a page per PagerDuty incident, then notes on them. */
function delivery(i: number, warmup: boolean): PreparedRequest {
  const incidentId = PD_INCIDENTS[i % PD_INCIDENTS.length]!;
  const type = warmup && i < PD_INCIDENTS.length ? "incident.triggered" : "incident.annotated";
  return pagerdutyRequest(pagerdutyEvent(type, { incidentId, title: `Ack bench ${incidentId}`, eventId: randomUUID() }));
}

const achieved = (t: Target) => t.ok / t.seconds;
const target = (who: string, base: string): Target => ({ who, url: new URL(base), agent: keepAliveAgent(), latencies: [], ok: 0, failed: 0, seconds: 0, max: 0, acked: 0 });

async function openBlock(t: Target, count: number, rate: number, warmup: boolean): Promise<void> {
  const started = performance.now();
  const result = await openLoop(t.url, Array.from({ length: count }, (_, i) => delivery(i, warmup)), rate, t.agent);
  t.acked += result.ok;
  if (warmup) return;
  t.latencies.push(...result.latencies);
  t.ok += result.ok;
  t.failed += result.failed;
  t.seconds += (performance.now() - started) / 1000;
}

/**
 * The fixed-rate load alternates between the two servers in short blocks, so both see the same
 * machine (other work on the host shows up in both); the saturation runs go one after the other,
 * Firebreak last, because its job backlog would otherwise eat into the reference's window.
 */
async function measure(ctx: BenchContext, reference: Target, firebreak: Target): Promise<void> {
  ctx.progress(`warm-up: ${WARMUP.rate} req/s for ${WARMUP.seconds} s each`);
  for (const t of [reference, firebreak]) await openBlock(t, WARMUP.rate * WARMUP.seconds, WARMUP.rate, true);
  ctx.progress(`open loop: ${RATE} req/s, ${SECONDS} s each, alternating in ${BLOCK_SECONDS} s blocks`);
  for (let block = 0; block < SECONDS / BLOCK_SECONDS; block++) {
    for (const t of [reference, firebreak]) await openBlock(t, RATE * BLOCK_SECONDS, RATE, false);
  }
  for (const t of [reference, firebreak]) {
    ctx.progress(`${t.who}: ${SATURATION.concurrency} in flight for ${SATURATION.ms / 1000} s`);
    const saturated = await closedLoop(t.url, (i) => delivery(i, false), SATURATION.concurrency, SATURATION.ms, t.agent);
    t.max = saturated.perSec;
    t.acked += saturated.ok;
    t.failed += saturated.failed;
    ctx.progress(`${t.who}: p50 ${round(percentile(t.latencies, 50), 2)} ms, p99 ${round(percentile(t.latencies, 99), 2)} ms, max ${Math.round(t.max)} req/s`);
    await sleep(2_000);
  }
}

/** A 202 must mean a row: a server that answers without writing would look fast for nothing. */
async function checkRows(databaseUrl: string, query: string, acked: number, who: string): Promise<void> {
  const rows = await withClient(databaseUrl, async (c) => (await c.query<{ n: number }>(query)).rows[0]!.n);
  if (rows < acked) throw new Error(`${who} answered 2xx ${acked} times but wrote ${rows} rows`);
}

export const webhookAck: Benchmark = async (ctx) => {
  const databaseUrl = await createDatabase(ctx.postgresUrl, "bench_webhook_ack");
  const vendors = await startVendors();
  for (const id of PD_INCIDENTS) vendors.pagerduty.addIncident({ id, title: `Ack bench ${id}` });
  const reference = await spawnNode(["--import", "tsx", "bench/reference-server.ts"], { DATABASE_URL: databaseUrl }, join(ctx.tmp, "reference-server.log"));
  const firebreak = await spawnServe({ DATABASE_URL: databaseUrl, ...vendors.env }, join(ctx.tmp, "webhook-ack-firebreak.log"));
  const ref = target("reference (node:http + one INSERT)", reference.base);
  const fb = target("firebreak", firebreak.base);
  try {
    await waitReady(reference);
    await waitReady(firebreak);
    await measure(ctx, ref, fb);
    await checkRows(databaseUrl, "SELECT count(*)::int AS n FROM reference_deliveries", ref.acked, "the reference");
    await checkRows(databaseUrl, "SELECT count(*)::int AS n FROM deliveries WHERE source = 'pagerduty'", fb.acked, "Firebreak");
    const failures = fb.failed + ref.failed > 0 ? `; non-2xx or failed: Firebreak ${fb.failed}, reference ${ref.failed}` : "";
    const [p50, p99, refP50, refP99] = [percentile(fb.latencies, 50), percentile(fb.latencies, 99), percentile(ref.latencies, 50), percentile(ref.latencies, 99)];
    const what = "bare node:http + 1 INSERT";
    const figures: Figure[] = [
      {
        name: `webhook ack p50 @ ${RATE} req/s`,
        value: round(p50, 2),
        unit: "ms",
        reference: { value: round(refP50, 2), what },
        ratio: p50 / refP50,
        note: `open loop, keep-alive, latency from each request's scheduled time; ${fb.latencies.length} requests each; slowest: Firebreak ${round(percentile(fb.latencies, 100))} ms, reference ${round(percentile(ref.latencies, 100))} ms${failures}`,
      },
      { name: `webhook ack p99 @ ${RATE} req/s`, value: round(p99, 2), unit: "ms", reference: { value: round(refP99, 2), what }, ratio: p99 / refP99, target: `≤ ${P99_TARGET_MS} ms`, met: p99 <= P99_TARGET_MS },
      { name: `webhook throughput @ ${RATE} req/s offered`, value: round(achieved(fb)), unit: "req/s", reference: { value: round(achieved(ref)), what }, ratio: achieved(fb) / achieved(ref) },
      {
        name: "webhook max throughput",
        value: Math.round(fb.max),
        unit: "req/s",
        reference: { value: Math.round(ref.max), what: `${what}, same method` },
        ratio: fb.max / ref.max,
        target: `≥ ${MAX_RATIO_TARGET * 100}% of reference`,
        met: fb.max / ref.max >= MAX_RATIO_TARGET,
        note: `closed loop, ${SATURATION.concurrency} in flight for ${SATURATION.ms / 1000} s each; ${RATE} req/s is ${round((RATE / fb.max) * 100)}% of Firebreak's max`,
      },
    ];
    return figures;
  } finally {
    for (const t of [ref, fb]) t.agent.destroy();
    await Promise.all([reference.stop(), firebreak.stop()]);
    await vendors.stop();
  }
};
