// What Datadog said about an incident, measured when the post-mortem is drafted and kept with it:
// exports, the CLI and a later publish read these figures without asking Datadog again.

/** One `services.<name>.impact` query, summed over the incident window. */
export interface ImpactFigure {
  service: string;
  label: string;
  query: string;
  /** The sum of every point of every series in the window; absent when the query failed. */
  total?: number;
  /** Why there is no figure (Datadog's refusal, or no data), in a sentence. */
  problem?: string;
}

/** The key metric over the incident window (with some time either side), for the chart. */
export interface ChartSeries {
  label: string;
  query: string;
  /** Where it came from: `chart`, an impact query, or a metric gate that ran. */
  origin: "chart" | "impact" | "gate";
  /** [epoch milliseconds, value] of the first series, in time order; a gap is null. */
  points: [number, number | null][];
  /** The range the chart shows, epoch milliseconds. */
  from: number;
  to: number;
}

export interface PostmortemMeasurements {
  /** The incident window the figures cover, epoch milliseconds. */
  window: { from: number; to: number };
  impacts: ImpactFigure[];
  chart?: ChartSeries;
  /** A short note for the reader when something could not be measured (Datadog off, a failed query). */
  note?: string;
}

/** The metric to chart for these services: a `chart` query, else the first impact query, else a gate's. */
export function chartQuery(
  services: readonly string[],
  config: Readonly<Record<string, { chart?: { query: string; label: string } | undefined; impact?: readonly { query: string; label: string }[] | undefined }>>,
  gateQuery: string | undefined,
): { query: string; label: string; origin: ChartSeries["origin"] } | undefined {
  for (const service of services) {
    const chart = config[service]?.chart;
    if (chart) return { ...chart, origin: "chart" };
  }
  for (const service of services) {
    const impact = config[service]?.impact?.[0];
    if (impact) return { ...impact, origin: "impact" };
  }
  return gateQuery ? { query: gateQuery, label: gateQuery, origin: "gate" } : undefined;
}
