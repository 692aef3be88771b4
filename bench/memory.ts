// Firebreak must hold nothing per incident in memory (workers that did were OOM-killed, and every
// call they held was lost): after 1,000 incidents with 100 timeline entries each have been
// written and read, its settled RSS should be where it started.
//
// `serve` runs as a child on PostgreSQL, so the bench can seed the database beside it. The
// incidents and their first 99 entries are seeded directly in SQL (through HTTP, 1,000 pages would
// queue 1,000 channels behind Slack's pacing for an hour); then everything goes through HTTP:
// one signed PagerDuty note per incident (its 100th entry, through intake and the job), and two
// signed slash commands per incident that read the whole record (`/incident timeline` renders
// every entry; `/incident postmortem` drafts the post-mortem and posts it to the channel).
// RSS is VmRSS from /proc, sampled every 0.5 s for 3 s after 30 s of quiet; the minimum counts,
// since Firebreak has no endpoint to force a collection. "Settled" means V8's memory reducer has
// run: it collects a burst's garbage once allocation stops, within 30 s in every run here (after
// 10 s it sometimes had not, and the figure then measured garbage). Afterwards, to tell garbage from retained
// objects, the child (started with --heapsnapshot-signal) is made to write a heap snapshot, which
// V8 precedes with a full collection, and the heap in use is read from /metrics.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pagerdutyEvent } from "../test/helpers/pagerduty-events.js";
import { slashCommand } from "../test/helpers/slack-payloads.js";
import { createDatabase, getStatus, pagerdutyRequest, readRssKb, round, SIGNING_SECRET, sleep, spawnServe, startVendors, until, waitReady, withClient, type Benchmark, type BenchContext, type ServeChild } from "./bench-kit.js";
import { keepAliveAgent, sendAll, type PreparedRequest } from "./load-generator.js";

const INCIDENTS = 1_000;
const WARMUP_INCIDENTS = 10;
const ENTRIES = 100;
const CONCURRENCY = 8;
const SETTLE_MS = 30_000;
const TARGET_MB = 5;

interface Sample {
  rssMb: number;
  heapMb: number;
}

async function settledSample(ctx: BenchContext, child: ServeChild, label: string): Promise<Sample> {
  ctx.progress(`${label}: ${SETTLE_MS / 1000} s of quiet, then RSS every 0.5 s for 3 s`);
  await sleep(SETTLE_MS);
  const samples: number[] = [];
  for (let i = 0; i < 6; i++) {
    samples.push(child.rssKb());
    await sleep(500);
  }
  const sample = { rssMb: Math.min(...samples) / 1024, heapMb: await heapUsedMb(child) };
  ctx.progress(`${label}: RSS ${round(sample.rssMb)} MB (samples ${Math.round(Math.min(...samples) / 1024)}–${Math.round(Math.max(...samples) / 1024)} MB), heap used ${round(sample.heapMb)} MB`);
  return sample;
}

/** Heap in use after the full collection that precedes a heap snapshot (the snapshot is deleted). */
async function heapAfterFullGcMb(child: ServeChild, dir: string): Promise<number> {
  process.kill(child.pid, "SIGUSR2");
  let last = -1;
  await until(
    "the heap snapshot",
    async () => {
      const file = readdirSync(dir).find((f) => f.endsWith(".heapsnapshot"));
      const size = file ? statSync(join(dir, file)).size : -1;
      const stable = size > 0 && size === last;
      last = size;
      return stable;
    },
    Boolean,
    120_000,
    1_000,
  );
  rmSync(dir, { recursive: true, force: true });
  return heapUsedMb(child);
}

async function heapUsedMb(child: ServeChild): Promise<number> {
  const metrics = await getStatus(`${child.base}/metrics`);
  const heap = /^firebreak_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(metrics.body);
  return heap ? Number(heap[1]) / 2 ** 20 : Number.NaN;
}

/** What Node alone holds when idle, for scale. */
async function bareNodeRssMb(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  try {
    await sleep(3_000);
    return readRssKb(child.pid!) / 1024;
  } finally {
    child.kill("SIGTERM");
  }
}

async function seed(databaseUrl: string, channels: { id: string; name: string }[]): Promise<void> {
  await withClient(databaseUrl, async (db) => {
    await db.query(
      `INSERT INTO incidents (title, severity, status, source, services, channel_id, channel_name, pagerduty_incident_id, pagerduty_incident_url,
                              pagerduty_escalation_policy_id, detected_at, declared_at, channel_created_at, header_ts, last_update_at)
       SELECT 'Memory bench incident ' || n, 'SEV2', 'investigating', 'pagerduty', '{api-service}', c.id, c.name, 'PMEM' || lpad(n::text, 4, '0'),
              'https://acme.pagerduty.com/incidents/PMEM' || lpad(n::text, 4, '0'), 'PUS0KTE', now() - interval '3 hours', now() - interval '3 hours',
              now() - interval '3 hours', '1700000000.' || lpad(n::text, 6, '0'), now()
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS c(id, name, n)`,
      [channels.map((c) => c.id), channels.map((c) => c.name)],
    );
    await db.query(
      `INSERT INTO timeline_entries (incident_id, event_at, recorded_at, kind, actor, text, data, source_key)
       SELECT i.id, i.detected_at + n * interval '1 minute', i.detected_at + n * interval '1 minute',
              (ARRAY['page', 'acknowledged', 'note', 'status', 'pin'])[1 + n % 5], 'U0ADA',
              'Seeded entry ' || n || ' on ' || i.title || ': replica lag ' || (n * 37 % 900) || ' ms on <#' || i.channel_id || '>',
              jsonb_build_object('seq', n), 'seed:' || n
       FROM incidents i CROSS JOIN generate_series(1, ${ENTRIES - 1}) AS n`,
    );
  });
}

function workload(pdIds: string[], channelIds: string[]): { notes: PreparedRequest[]; reads: PreparedRequest[] } {
  const notes = pdIds.map((incidentId) => pagerdutyRequest(pagerdutyEvent("incident.annotated", { incidentId, eventId: randomUUID() })));
  const command = (text: string, channelId: string): PreparedRequest => {
    const init = slashCommand(SIGNING_SECRET, { text, userId: "U0ADA", channelId });
    return { path: "/slack/events", headers: init.headers as Record<string, string>, body: init.body as string };
  };
  const reads = channelIds.flatMap((channelId) => [command("timeline", channelId), command("postmortem", channelId)]);
  return { notes, reads };
}

async function run(ctx: BenchContext, child: ServeChild, databaseUrl: string, pdIds: string[], channelIds: string[], expectedEntries: number): Promise<void> {
  const base = new URL(child.base);
  const agent = keepAliveAgent(CONCURRENCY);
  try {
    const { notes, reads } = workload(pdIds, channelIds);
    const noteAnswers = await sendAll(base, notes, CONCURRENCY, agent);
    if (noteAnswers.some((a) => a instanceof Error || a.status !== 202)) throw new Error("a PagerDuty note was not accepted");
    await withClient(databaseUrl, (db) =>
      until(
        "every note on its timeline",
        async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM timeline_entries")).rows[0]!.n,
        (n) => n >= expectedEntries,
        120_000,
      ),
    );
    const readAnswers = await sendAll(base, reads, CONCURRENCY, agent);
    const bad = readAnswers.filter((a) => a instanceof Error || a.status !== 200 || a.body.includes(":no_entry_sign:"));
    if (bad.length > 0) throw new Error(`${bad.length} slash commands failed, e.g. ${String(bad[0] instanceof Error ? bad[0].message : bad[0]!.body).slice(0, 200)}`);
  } finally {
    agent.destroy();
  }
}

export const memory: Benchmark = async (ctx) => {
  const databaseUrl = await createDatabase(ctx.postgresUrl, "bench_memory");
  const vendors = await startVendors();
  const total = WARMUP_INCIDENTS + INCIDENTS;
  const channels = Array.from({ length: total }, (_, i) => {
    const name = `inc-memory-${i + 1}`;
    return { id: vendors.slack.addChannel({ name }), name };
  });
  const pdIds = channels.map((_, i) => `PMEM${String(i + 1).padStart(4, "0")}`);
  const snapshots = mkdtempSync(join(ctx.tmp, "heap-"));
  const child = await spawnServe({ DATABASE_URL: databaseUrl, ...vendors.env }, join(ctx.tmp, "memory-firebreak.log"), undefined, ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${snapshots}`]);
  try {
    await waitReady(child);
    const baseline = await bareNodeRssMb();
    const cold = await settledSample(ctx, child, "idle after start");
    ctx.progress(`seeding ${total} incidents × ${ENTRIES - 1} entries in SQL`);
    await seed(databaseUrl, channels);
    // The first requests load code (Bolt's listeners, the template, the drafting) once; that is not growth.
    ctx.progress(`warm-up: the same workload on ${WARMUP_INCIDENTS} incidents`);
    await run(ctx, child, databaseUrl, pdIds.slice(0, WARMUP_INCIDENTS), channels.slice(0, WARMUP_INCIDENTS).map((c) => c.id), total * (ENTRIES - 1) + WARMUP_INCIDENTS);
    const warm = await settledSample(ctx, child, "idle after warm-up");
    ctx.progress(`${INCIDENTS} PagerDuty notes, then ${INCIDENTS * 2} slash commands reading ${ENTRIES} entries each, ${CONCURRENCY} in flight`);
    const started = performance.now();
    await run(ctx, child, databaseUrl, pdIds.slice(WARMUP_INCIDENTS), channels.slice(WARMUP_INCIDENTS).map((c) => c.id), total * ENTRIES);
    const workSeconds = (performance.now() - started) / 1000;
    const after = await settledSample(ctx, child, `idle after ${INCIDENTS} incidents`);
    const growth = after.rssMb - warm.rssMb;
    ctx.progress("heap snapshot, for the heap in use after a full collection");
    const collected = await heapAfterFullGcMb(child, snapshots);
    return [
      {
        name: "memory: idle RSS after start",
        value: round(cold.rssMb),
        unit: "MB",
        reference: { value: round(baseline), what: "idle node" },
        ratio: cold.rssMb / baseline,
        note: `serve on PostgreSQL; heap used ${round(cold.heapMb)} MB`,
      },
      {
        name: `memory: RSS growth, ${INCIDENTS.toLocaleString("en-US")} incidents × ${ENTRIES} entries`,
        value: round(growth),
        unit: "MB",
        reference: { value: round(warm.rssMb), what: "settled RSS after warm-up" },
        ratio: after.rssMb / warm.rssMb,
        target: `< ${TARGET_MB} MB`,
        met: growth < TARGET_MB,
        note:
          `settled RSS ${round(after.rssMb)} MB after the workload (${round(workSeconds)} s: ${INCIDENTS} notes, ${INCIDENTS * 2} slash commands); ` +
          `${round(after.rssMb - cold.rssMb)} MB above idle-after-start; heap used ${round(cold.heapMb)} → ${round(warm.heapMb)} → ${round(after.heapMb)} MB (start → warm-up → after), uncollected garbage included`,
      },
      {
        name: "memory: heap in use after a full GC, at the end",
        value: round(collected),
        unit: "MB",
        reference: { value: round(cold.heapMb), what: "heap used, idle after start" },
        ratio: collected / cold.heapMb,
        note: "the collection V8 runs before a heap snapshot (SIGUSR2 with --heapsnapshot-signal); the reference still holds start-up garbage",
      },
    ];
  } finally {
    await child.stop();
    await vendors.stop();
  }
};
