// `node --import tsx bench/profile-start.ts [embedded|fresh|postgres]`: where the time from spawn
// to the first 200 on /readyz goes. Runs the compiled `firebreak serve` under `node --cpu-prof`,
// stops it once ready, and prints CPU time by package (or dist/ file) up to that moment.
// Not part of `npm run bench`; build first (`npm run build`).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgresServer } from "../test/helpers/postgres-server.js";
import { createDatabase, spawnServe, startVendors, waitReady } from "./bench-kit.js";

interface ProfileNode { id: number; callFrame: { url: string; functionName: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] }

const mode = process.argv[2] ?? "embedded";
const tmp = mkdtempSync(join(tmpdir(), "firebreak-profile-"));
const vendors = await startVendors();
const postgres = mode === "postgres" ? await startPostgresServer() : undefined;
try {
  const dataDir = join(tmp, "data");
  const database: Record<string, string> = postgres ? { DATABASE_URL: await createDatabase(postgres.url, "profile_start") } : { FIREBREAK_DATA_DIR: dataDir };
  if (mode !== "fresh") {
    // A first start creates (and migrates) the database; the profiled one finds it.
    const first = await spawnServe({ ...vendors.env, ...database }, join(tmp, "first.log"));
    await waitReady(first);
    await first.stop();
  }
  const profDir = join(tmp, "prof");
  const started = performance.now();
  const child = await spawnServe({ ...vendors.env, ...database }, join(tmp, "serve.log"), undefined, ["--cpu-prof", `--cpu-prof-dir=${profDir}`]);
  const readyMs = (await waitReady(child)) - started;
  await child.stop();
  const profile = JSON.parse(readFileSync(join(profDir, readdirSync(profDir)[0]!), "utf8")) as Profile;
  console.log(`${mode}: ready after ${Math.round(readyMs)} ms (under the profiler, which slows it)`);
  console.log(byPlace(profile, readyMs).map(([place, ms]) => `${String(Math.round(ms)).padStart(6)} ms  ${place}`).join("\n"));
} finally {
  await vendors.stop();
  await postgres?.stop();
  rmSync(tmp, { recursive: true, force: true });
}

/** Self time per package or dist/ file, over the profile's first `untilMs` (spawn to ready, roughly). */
function byPlace(profile: Profile, untilMs: number): [string, number][] {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    elapsedUs += profile.timeDeltas[i] ?? 0;
    if (elapsedUs > untilMs * 1000) return;
    const frame = nodes.get(id)!.callFrame;
    const place = placeOf(frame.url, frame.functionName);
    totals.set(place, (totals.get(place) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25);
}

function placeOf(url: string, fn: string): string {
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const dist = /\/dist\/(.+)$/.exec(url);
  if (dist) return `dist/${dist[1]}`;
  if (url.startsWith("node:")) return "node: (built-in modules)";
  return url ? url : `(${fn || "native"})`;
}
