// `npm run bench [-- names...]`: runs each benchmark in turn against its reference, prints a
// table and writes bench/results.json. A missed target is a measurement, not a failure: the exit
// code is 0 unless a benchmark itself could not run. BENCH_STORM_INCIDENTS=<n> runs a smaller
// alert storm (100 take over 5 minutes of Slack pacing); BENCH_KEEP_TMP=1 keeps the child logs.
// Needs the PostgreSQL server binaries, like `npm test` (or TEST_DATABASE_URL).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { startPostgresServer } from "../test/helpers/postgres-server.js";
import { alertStorm } from "./alert-storm.js";
import type { Benchmark, Figure } from "./bench-kit.js";
import { coldStart } from "./cold-start.js";
import { draft } from "./draft.js";
import { memory } from "./memory.js";
import { pageToChannel } from "./page-to-channel.js";
import { webhookAck } from "./webhook-ack.js";
import { alertmanagerAck } from "./alertmanager-ack.js";
import { statusPage } from "./status-page.js";

const benchmarks: [string, Benchmark][] = [
  ["webhook-ack", webhookAck],
  ["alertmanager-ack", alertmanagerAck],
  ["page-to-channel", pageToChannel],
  ["alert-storm", alertStorm],
  ["memory", memory],
  ["cold-start", coldStart],
  ["draft", draft],
  ["status-page", statusPage],
];

/** What Firebreak runs; a commit touching only other files (docs, tests) leaves the measured code as it was. */
const measured = ["src", "templates", "playbooks"];

/** Which code was measured: the commit and any uncommitted changes; `key` identifies the measured trees themselves. */
function revision(): { label: string; key: string } {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8" }).trim();
    const status = git("status", "--porcelain", ...measured);
    const commit = git("rev-parse", "--short", "HEAD");
    return { label: status ? `${commit} + uncommitted changes` : commit, key: `${git("rev-parse", ...measured.map((d) => `HEAD:${d}`))}\n${status}` };
  } catch {
    return { label: "unknown", key: "unknown" };
  }
}

const progress = (message: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !benchmarks.some(([n]) => n === name));
if (unknown.length > 0) {
  progress(`unknown benchmark(s): ${unknown.join(", ")}; known: ${benchmarks.map(([n]) => n).join(", ")}`);
  process.exit(2);
}
const selected = benchmarks.filter(([name]) => wanted.length === 0 || wanted.includes(name));

const started = Date.now();
// The code can change while the bench runs (a commit, an edit); if it does, the results say so.
const revisionBefore = revision();
// The host may be running other work; the load averages say how busy it was around the run.
const loadBefore = loadavg().map((n) => Math.round(n * 100) / 100);
const tmp = mkdtempSync(join(tmpdir(), "firebreak-bench-"));
const results: { benchmark: string; seconds: number; figures: Figure[]; error?: string }[] = [];
// Firebreak is measured as `npm start` runs it: the compiled dist/, built from the code as it is now.
progress("building dist/ (npm run build)");
execFileSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
progress("starting a throwaway PostgreSQL server");
const postgres = await startPostgresServer();
try {
  for (const [name, run] of selected) {
    progress(`${name}: starting`);
    const t0 = Date.now();
    try {
      const figures = await run({ postgresUrl: postgres.url, tmp, progress: (m) => progress(`${name}: ${m}`) });
      results.push({ benchmark: name, seconds: (Date.now() - t0) / 1000, figures });
    } catch (error) {
      progress(`${name}: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      results.push({ benchmark: name, seconds: (Date.now() - t0) / 1000, figures: [], error: String(error) });
    }
    progress(`${name}: done in ${Math.round((Date.now() - t0) / 1000)} s`);
  }
} finally {
  await postgres.stop();
}

const revisionAfter = revision();
const machine = {
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  memoryGb: Math.round(totalmem() / 2 ** 30),
  date: new Date().toISOString(),
  revision: revisionBefore.key === revisionAfter.key ? revisionAfter.label : `${revisionBefore.label} → ${revisionAfter.label} (the code changed during the run)`,
  totalSeconds: Math.round((Date.now() - started) / 1000),
  loadAverage: { before: loadBefore, after: loadavg().map((n) => Math.round(n * 100) / 100) },
};
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify({ machine, results }, null, 2)}\n`);
// Child logs and data dirs stay for a look when asked (BENCH_KEEP_TMP=1).
if (process.env.BENCH_KEEP_TMP) progress(`kept ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });

const fmt = (n: number | undefined, unit = "") => (n === undefined || Number.isNaN(n) ? "" : `${Number.isInteger(n) ? n : Number(n.toFixed(2))}${unit ? ` ${unit}` : ""}`);
const rows = results.flatMap((r) =>
  r.error
    ? [[`${r.benchmark}: FAILED`, r.error.slice(0, 80), "", "", "", "no"]]
    : r.figures.map((f) => [f.name, fmt(f.value, f.unit), f.reference ? `${fmt(f.reference.value, f.unit)} (${f.reference.what})` : "", f.ratio === undefined ? "" : `${f.ratio.toFixed(2)}×`, f.target ?? "", f.met === undefined ? "" : f.met ? "yes" : "NO"]),
);
const header = ["figure", "value", "reference", "ratio", "target", "met?"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(`\nFirebreak benchmarks — Node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}, ${machine.date}, ${machine.revision} (${machine.totalSeconds} s; load average ${machine.loadAverage.before[0]} before, ${machine.loadAverage.after[0]} after)\n`);
console.log([line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
const notes = results.flatMap((r) => r.figures.filter((f) => f.note).map((f) => `- ${f.name}: ${f.note}`));
if (notes.length > 0) console.log(`\n${notes.join("\n")}`);
console.log(`\nWritten to bench/results.json.`);
process.exitCode = results.some((r) => r.error) ? 1 : 0;
