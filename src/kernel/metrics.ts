import { createRequire } from "node:module";
import type * as PromClient from "prom-client";

// prom-client's entry point loads every default metric and, through them, @opentelemetry/api:
// some 80 modules that readiness does not need. The four classes come from their own files (the
// package has no exports map, and its entry re-exports these very modules), and the default
// process metrics are added once Firebreak is ready, or at the first scrape if that comes sooner.
// process_cpu_seconds_total therefore counts from then: start-up's second or so is left out.
const require = createRequire(import.meta.url);
const Registry = require("prom-client/lib/registry") as typeof PromClient.Registry;
const Counter = require("prom-client/lib/counter") as typeof PromClient.Counter;
const Gauge = require("prom-client/lib/gauge") as typeof PromClient.Gauge;
const Histogram = require("prom-client/lib/histogram") as typeof PromClient.Histogram;

/** One registry per app instance, so tests can run several side by side. */
export function createMetrics() {
  const registry = new Registry();
  let processMetrics: Promise<void> | undefined;
  /** Adds the process metrics (memory, CPU, event loop lag, handles), once. */
  const addProcessMetrics = () =>
    (processMetrics ??= import("prom-client").then(({ collectDefaultMetrics }) => collectDefaultMetrics({ register: registry, prefix: "firebreak_" })));
  return {
    registry,
    addProcessMetrics,
    /** The exposition text, process metrics included. */
    async render(): Promise<string> {
      await addProcessMetrics();
      return registry.metrics();
    },
    httpRequests: new Counter({
      name: "firebreak_http_requests_total",
      help: "HTTP requests by route and status.",
      labelNames: ["route", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "firebreak_http_request_duration_seconds",
      help: "Time to answer HTTP requests.",
      labelNames: ["route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    slackAuthOk: new Gauge({
      name: "firebreak_slack_auth_ok",
      help: "1 when Slack accepted the bot token and its scopes at start-up, 0 when it refused them (the log says why).",
      registers: [registry],
    }),
    jobsRun: new Counter({
      name: "firebreak_jobs_total",
      help: "Durable jobs run, by kind and outcome.",
      labelNames: ["kind", "outcome"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
