// What the flows need from the metrics and events system (Datadog): a metric query over a window,
// for a step's verification gate and a post-mortem's figures, and events that mark changes on
// dashboards.

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
