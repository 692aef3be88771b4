// Datadog as Firebreak uses it: metric queries (a step's verification gate) and events (change
// markers on dashboards). The official client behind it (./datadog-client.ts) is loaded on first
// use rather than at start-up: it is some 800 modules, and a restarted Firebreak should answer
// webhooks before it has loaded what only a marker or a metric gate needs.
import type { Config } from "../kernel/config.js";
import { loadOnce } from "../kernel/load-once.js";

export type DatadogConfig = Pick<NonNullable<Config["datadog"]>, "apiKey" | "appKey" | "apiUrl">;

/** [epoch milliseconds, value], as in Datadog's pointlist; a gap in the data is null. */
export type MetricPoint = [number, number | null];

export interface MetricQueryResult {
  /** The points of the first series. */
  points: MetricPoint[];
  /** How many series the query returned, so a caller can refuse an ambiguous grouped query. */
  series: number;
}

export type EventAlertType = "info" | "success" | "warning" | "error";

export interface DatadogEvent {
  title: string;
  /** Markdown when wrapped in "%%% \n" … "\n %%%". */
  text: string;
  tags: string[];
  alertType?: EventAlertType;
  /** Events with the same key are grouped in the event stream (at most 100 characters). */
  aggregationKey?: string;
  /** Unset: when Datadog receives it. Datadog refuses events more than 18 hours old. */
  dateHappened?: Date;
}

export interface DatadogPort {
  /** `fromSec` and `toSec` are epoch seconds, as the query API takes them. */
  queryMetric(query: string, fromSec: number, toSec: number, signal?: AbortSignal): Promise<MetricQueryResult>;
  postEvent(event: DatadogEvent, signal?: AbortSignal): Promise<{ id: string }>;
}

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
