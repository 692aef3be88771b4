// The status page is hammered exactly when things are worst. Firebreak's page (its cache, routes
// and HTTP server, on PostgreSQL) against node:http serving the same bytes from a file, on the
// same machine: the maximum throughput (32 GETs in flight, alternating 4 s windows) and p99 at a
// fixed rate, and how many database queries Firebreak made while under load — only the generation
// re-check (at most one per 5 s, whatever the load), never a render or a query per request.
import { request, type Agent } from "node:http";
import { join } from "node:path";
import { createDatabase, getStatus, percentile, round, sleep, spawnNode, waitReady, type Benchmark, type Figure } from "./bench-kit.js";
import { keepAliveAgent } from "./load-generator.js";

const CONCURRENCY = 32;
const WINDOW_MS = 4_000;
const WINDOWS = 3;
const RATE = 500;
const RATE_SECONDS = 4;
const TARGET_RATIO = 0.8;

function get(base: URL, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path: "/status", agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

async function closed(base: URL, agent: Agent): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  const end = performance.now() + WINDOW_MS;
  const worker = async () => {
    while (performance.now() < end) {
      const status = await get(base, agent).catch(() => 0);
      if (performance.now() > end) break;
      if (status === 200) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { ok, failed };
}

/** Open loop: latency from each request's scheduled time, so a stall is not hidden. */
async function fixedRate(base: URL, agent: Agent): Promise<number[]> {
  const latencies: number[] = [];
  const count = RATE * RATE_SECONDS;
  const interval = 1000 / RATE;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(get(base, agent).then((status) => void (status === 200 && latencies.push(performance.now() - scheduled)), () => undefined));
  }
  await Promise.all(pending);
  return latencies;
}

export const statusPage: Benchmark = async (ctx) => {
  const databaseUrl = await createDatabase(ctx.postgresUrl, "bench_status_page");
  const file = join(ctx.tmp, "status.html");
  const firebreak = await spawnNode([...(process.env.BENCH_PROF ? ["--cpu-prof", `--cpu-prof-dir=${ctx.tmp}`] : []), "--import", "tsx", "bench/status-page-server.ts"], { DATABASE_URL: databaseUrl, STATIC_FILE: file }, join(ctx.tmp, "status-page-server.log"));
  const agents = [keepAliveAgent(CONCURRENCY), keepAliveAgent(CONCURRENCY)] as const;
  let reference: Awaited<ReturnType<typeof spawnNode>> | undefined;
  try {
    await waitReady(firebreak);
    reference = await spawnNode(["--import", "tsx", "bench/static-file-server.ts"], { STATIC_FILE: file }, join(ctx.tmp, "static-file-server.log"));
    await waitReady(reference);
    const targets = [
      { who: "firebreak", base: new URL(firebreak.base), agent: agents[0], ok: 0, failed: 0, latencies: [] as number[] },
      { who: "static", base: new URL(reference.base), agent: agents[1], ok: 0, failed: 0, latencies: [] as number[] },
    ];
    const counts = async () => JSON.parse((await getStatus(`${firebreak.base}/__counts`)).body) as { queries: number; renders: number };
    ctx.progress("warm-up");
    for (const t of targets) await closed(t.base, t.agent);
    const before = await counts();
    const loadStarted = performance.now();
    ctx.progress(`closed loop: ${CONCURRENCY} in flight, ${WINDOWS} alternating windows of ${WINDOW_MS / 1000} s each`);
    for (let w = 0; w < WINDOWS; w++) {
      for (const t of targets) {
        const r = await closed(t.base, t.agent);
        t.ok += r.ok;
        t.failed += r.failed;
      }
    }
    ctx.progress(`open loop: ${RATE} req/s for ${RATE_SECONDS} s each`);
    for (const t of targets) t.latencies = await fixedRate(t.base, t.agent);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const after = await counts();
    const [fb, ref] = targets as [(typeof targets)[0], (typeof targets)[0]];
    const seconds = (WINDOWS * WINDOW_MS) / 1000;
    const fbRate = fb.ok / seconds;
    const refRate = ref.ok / seconds;
    const queries = after.queries - before.queries;
    const renders = after.renders - before.renders;
    const requests = fb.ok + fb.latencies.length;
    const what = "node:http serving the same bytes from a file";
    const figures: Figure[] = [
      {
        name: "status page max throughput",
        value: Math.round(fbRate),
        unit: "req/s",
        reference: { value: Math.round(refRate), what },
        ratio: fbRate / refRate,
        target: `≥ ${TARGET_RATIO * 100}% of reference`,
        met: fbRate / refRate >= TARGET_RATIO,
        note: `closed loop, ${CONCURRENCY} GET /status in flight, keep-alive, ${WINDOWS} alternating ${WINDOW_MS / 1000} s windows each; failed: Firebreak ${fb.failed}, reference ${ref.failed}`,
      },
      {
        name: `status page p99 @ ${RATE} req/s`,
        value: round(percentile(fb.latencies, 99), 2),
        unit: "ms",
        reference: { value: round(percentile(ref.latencies, 99), 2), what },
        ratio: percentile(fb.latencies, 99) / percentile(ref.latencies, 99),
        note: `open loop, latency from each request's scheduled time; ${fb.latencies.length} answers each`,
      },
      {
        name: "status page database queries during load",
        value: queries,
        unit: "queries",
        target: "0 per request: only the 5 s generation re-check",
        met: renders === 0 && queries <= Math.ceil(loadSeconds / 5) + 1,
        note: `${queries} queries (generation re-checks) and ${renders} renders for ${requests} requests in ${round(loadSeconds)} s of load`,
      },
    ];
    return figures;
  } finally {
    for (const agent of agents) agent.destroy();
    await Promise.all([firebreak.stop(), reference?.stop()]);
  }
};
