import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** One registry per app instance, so tests can run several side by side. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "firebreak_" });
  return {
    registry,
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
