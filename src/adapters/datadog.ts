// Datadog as Firebreak uses it: metric queries (a step's verification gate) and events (change
// markers on dashboards). The official client behind it (./datadog-client.ts) is loaded on first
// use rather than at start-up: it is some 800 modules, and a restarted Firebreak should answer
// webhooks before it has loaded what only a marker or a metric gate needs.
import type { Config } from "../kernel/config.js";
import { loadOnce } from "../kernel/load-once.js";
import type { DatadogPort } from "../ports/metrics-events.js";

export type DatadogConfig = Pick<NonNullable<Config["datadog"]>, "apiKey" | "appKey" | "apiUrl">;

export interface DatadogOptions {
  /** Per request; default 10 s. */
  requestTimeoutMs?: number;
}

export function createDatadog(config: DatadogConfig, options: DatadogOptions = {}): DatadogPort {
  const client = loadOnce(async () => (await import("./datadog-client.js")).createDatadogClient(config, options));
  return {
    queryMetric: async (query, fromSec, toSec, signal) => (await client()).queryMetric(query, fromSec, toSec, signal),
    postEvent: async (event, signal) => (await client()).postEvent(event, signal),
  };
}
