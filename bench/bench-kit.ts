// What every benchmark shares: the figure it reports, percentiles, a throwaway database, the
// vendor emulators, and Firebreak's `serve` as a child process. Firebreak runs in its own process
// (as it does in production, with its own logger and job tuning) so the load generator and the
// emulators here never share its event loop.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { startPagerdutyEmulator, type PagerdutyEmulator } from "../src/sandbox/emulators/pagerduty/pagerduty-emulator.js";
import { createSlackEmulator, type SlackEmulator, type SlackEmulatorOptions } from "../src/sandbox/emulators/slack/slack-emulator.js";
import { PD_SECRETS, SIGNING_SECRET } from "../test/helpers/harness.js";
import { pagerdutyDelivery } from "../test/helpers/pagerduty-events.js";
import { createDatabase, freePort } from "../test/helpers/postgres-server.js";
import type { PreparedRequest } from "./load-generator.js";

export { createDatabase, freePort, sleep };

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with, measured in the same run. */
  reference?: { value: number; what: string };
  /** value / reference.value. */
  ratio?: number;
  target?: string;
  met?: boolean;
  note?: string;
}

export interface BenchContext {
  /** Superuser URL of the run's throwaway PostgreSQL server. */
  postgresUrl: string;
  /** A directory for data dirs and child logs, removed after the run. */
  tmp: string;
  progress(message: string): void;
}

export type Benchmark = (ctx: BenchContext) => Promise<Figure[]>;

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);
export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A fresh database on the run's server, so benchmarks never see each other's rows. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface Vendors {
  slack: SlackEmulator;
  pagerduty: PagerdutyEmulator;
  incidentsChannel: string;
  /** The environment that points Firebreak at these emulators. */
  env: Record<string, string>;
  /** A PagerDuty on-call engineer for the fixtures' escalation policy, with a Slack account. */
  seedOncall(): string;
  stop(): Promise<void>;
}

export const PD_TOKEN = "pd-api-token";
export const PD_SECRET = PD_SECRETS[0]!;
export { SIGNING_SECRET };
/** The escalation policy of PagerDuty's published incident example. */
export const ESCALATION_POLICY = "PUS0KTE";

export async function startVendors(slackOptions: SlackEmulatorOptions = {}): Promise<Vendors> {
  const slack = createSlackEmulator(slackOptions);
  const { url: slackUrl } = await slack.start();
  const pagerduty = await startPagerdutyEmulator({ token: PD_TOKEN });
  // PagerDuty refuses notes whose From header is not one of its users.
  pagerduty.addUser({ id: "PFIREBREAK", name: "Firebreak", email: "firebreak@example.com" });
  const incidentsChannel = slack.addChannel({ name: "incidents" });
  return {
    slack,
    pagerduty,
    incidentsChannel,
    env: {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slackUrl,
      SLACK_INCIDENTS_CHANNEL: incidentsChannel,
      PAGERDUTY_TOKEN: PD_TOKEN,
      PAGERDUTY_FROM_EMAIL: "firebreak@example.com",
      PAGERDUTY_WEBHOOK_SECRETS: PD_SECRETS.join(","),
      PAGERDUTY_API_URL: pagerduty.url,
    },
    seedOncall() {
      pagerduty.addUser({ id: "PONCALL1", name: "Ada Oncall", email: "ada@example.com" });
      pagerduty.addOnCall({ escalationPolicyId: ESCALATION_POLICY, userId: "PONCALL1" });
      return slack.addUser({ name: "ada", email: "ada@example.com", realName: "Ada Oncall" });
    },
    async stop() {
      await slack.stop();
      await pagerduty.close();
    },
  };
}

/** A PagerDuty V3 delivery, signed over its raw bytes, ready for the load generator. */
export function pagerdutyRequest(body: unknown, webhookId?: string): PreparedRequest {
  const init = pagerdutyDelivery(body, PD_SECRET, webhookId);
  return { path: "/webhooks/pagerduty", headers: init.headers as Record<string, string>, body: init.body as string };
}

export interface ServeChild {
  child: ChildProcess;
  pid: number;
  port: number;
  base: string;
  logPath: string;
  /** Resident set size from /proc/<pid>/status, in kB. */
  rssKb(): number;
  /** SIGTERM, then wait for the exit (Firebreak finishes in-flight requests first). */
  stop(): Promise<void>;
}

/** `firebreak serve` from source, as test/helpers/cli-process.ts runs it, logging to a file. */
export async function spawnServe(env: Record<string, string>, logPath: string, port?: number, nodeArgs: string[] = []): Promise<ServeChild> {
  return spawnNode([...nodeArgs, "bin/firebreak.js", "serve"], env, logPath, port);
}

export async function spawnNode(args: string[], env: Record<string, string>, logPath: string, port?: number): Promise<ServeChild> {
  const chosen = port ?? (await freePort());
  const log = openSync(logPath, "a");
  const child = spawn(process.execPath, args, {
    env: { ...baseEnv(), PORT: String(chosen), ...env },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    pid: child.pid!,
    port: chosen,
    base: `http://127.0.0.1:${chosen}`,
    logPath,
    rssKb: () => readRssKb(child.pid!),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Only what Node needs, so nothing from the caller's shell configures Firebreak. */
export function baseEnv(): Record<string, string> {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG"];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
}

export function readRssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** A GET without connection reuse: each poll must see the server as a new client would. */
export function getStatus(url: string, timeoutMs = 2_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

/** Polls /readyz until 200; resolves with performance.now() at that moment. */
export async function waitReady(child: ServeChild, timeoutMs = 30_000, everyMs = 5): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const ok = await getStatus(`${child.base}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return performance.now();
    if (child.child.exitCode !== null) throw new Error(`firebreak serve exited with ${child.child.exitCode}; log: ${child.logPath}\n${tail(child.logPath)}`);
    if (performance.now() > deadline) throw new Error(`firebreak serve was not ready within ${timeoutMs} ms; log: ${child.logPath}\n${tail(child.logPath)}`);
    await sleep(everyMs);
  }
}

export function tail(path: string, lines = 20): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export async function until<T>(what: string, fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${Math.round(timeoutMs / 1000)} s (last: ${JSON.stringify(value)})`);
    await sleep(everyMs);
  }
}
