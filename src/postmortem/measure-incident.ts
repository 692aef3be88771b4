// Measured impact and the chart's series: each `services.<name>.impact` query of the incident's
// services is summed over the incident window, and the key metric is read over the window with a
// margin either side. Done when the post-mortem is drafted and again on Regenerate; the result is
// stored, so an export or a publish needs no Datadog. Datadog being off, slow or refusing a query
// costs a figure and leaves a note, never the draft.
import { incidentDurations } from "../domain/durations.js";
import { chartQuery, type ChartSeries, type ImpactFigure, type PostmortemMeasurements } from "../domain/measurements.js";
import type { Incident } from "../domain/incident.js";
import type { PlaybookRun } from "../domain/playbook-run.js";
import type { ConfigFile } from "../kernel/config-file.js";
import type { Logger } from "../kernel/log.js";
import type { DatadogPort, MetricPoint } from "../ports/metrics-events.js";
import type { Store } from "../ports/store.js";

export interface MeasureDeps {
  store: Store;
  /** Unset when Datadog is not configured. */
  datadog?: Pick<DatadogPort, "queryMetric"> | undefined;
  services: ConfigFile["services"];
  now: () => Date;
  log: Logger;
}

const MINUTE = 60_000;

/**
 * The incident's measurements: the stored ones while the window they cover still holds, measured
 * afresh otherwise or when `force` (Regenerate). Undefined when there is nothing to measure.
 */
export async function measureIncident(deps: MeasureDeps, incident: Incident, options: { force?: boolean } = {}): Promise<PostmortemMeasurements | undefined> {
  const [timeline, stored, runs] = await Promise.all([deps.store.timeline.list(incident.id), deps.store.measurements.get(incident.id), gateRuns(deps.store, incident.id)]);
  const { detectedAt, resolvedAt } = incidentDurations(incident, timeline);
  // Whole minutes, as the document shows them (9:05:40 reads 9:05); an ongoing incident is measured up to now.
  const from = Math.floor(detectedAt.getTime() / MINUTE) * MINUTE;
  const to = Math.max(from + MINUTE, Math.floor((resolvedAt ?? deps.now()).getTime() / MINUTE) * MINUTE);
  const impacts = incident.services.flatMap((service) => (deps.services[service]?.impact ?? []).map((q) => ({ service, ...q })));
  const key = chartQuery(incident.services, deps.services, gateQuery(runs));
  if (impacts.length === 0 && !key) return stored;
  if (!deps.datadog) {
    // Figures measured earlier (with Datadog on) are kept; a note says why nothing new is measured.
    if (stored) return stored;
    const off: PostmortemMeasurements = { window: { from, to }, impacts: [], note: "Datadog is not configured (DATADOG_API_KEY and DATADOG_APP_KEY), so the impact queries in firebreak.yaml were not run and there is no chart." };
    await deps.store.measurements.save(incident.id, off, deps.now());
    return off;
  }
  // Nothing measured yet (Datadog was off, or every query failed) is measured again.
  const measured = stored && (stored.chart !== undefined || stored.impacts.some((f) => f.total !== undefined));
  const unchanged = measured && stored.window.from === from && (resolvedAt ? stored.window.to === to : true);
  if (unchanged && !options.force) return stored;

  const datadog = deps.datadog;
  const figures: ImpactFigure[] = [];
  for (const impact of impacts) {
    const read = await query(datadog, impact.query, from, to);
    figures.push({ ...impact, ...("problem" in read ? { problem: read.problem } : { total: sum(read.points) }) });
  }
  let chart: ChartSeries | undefined;
  let note: string | undefined;
  if (key) {
    // Some time before detection shows what normal looked like; after resolution, that it held.
    const margin = Math.max(10 * MINUTE, Math.round((to - from) / 5 / MINUTE) * MINUTE);
    const chartFrom = from - margin;
    const chartTo = Math.min(to + margin, Math.ceil(deps.now().getTime() / MINUTE) * MINUTE);
    const read = await query(datadog, key.query, chartFrom, Math.max(chartTo, to));
    if ("problem" in read) note = `No chart: ${read.problem}`;
    else chart = { label: key.label, query: key.query, origin: key.origin, points: read.points, from: chartFrom, to: Math.max(chartTo, to) };
  }
  const failed = figures.filter((f) => f.problem !== undefined).length;
  if (failed > 0) note = [note, `${failed} of ${figures.length} impact ${figures.length === 1 ? "query" : "queries"} could not be measured.`].filter(Boolean).join(" ");
  const measurements: PostmortemMeasurements = { window: { from, to }, impacts: figures, ...(chart && { chart }), ...(note && { note }) };
  await deps.store.measurements.save(incident.id, measurements, deps.now());
  return measurements;
}

async function query(datadog: Pick<DatadogPort, "queryMetric">, expression: string, from: number, to: number): Promise<{ points: MetricPoint[] } | { problem: string }> {
  try {
    const result = await datadog.queryMetric(expression, Math.floor(from / 1000), Math.floor(to / 1000));
    if (result.series === 0 || result.points.every(([, v]) => v === null)) return { problem: "Datadog has no data for it in the incident window." };
    // A grouped query answers one series per group; adding up only the first would under-count.
    if (result.series > 1) return { problem: `the query returned ${result.series} series; aggregate it into one (e.g. sum:…{…} without "by").` };
    return { points: [...result.points].sort((a, b) => a[0] - b[0]) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A count metric (`.as_count()`) answers one point per rollup interval holding that interval's
 * count, so the sum of the points is the total over the window; gaps are skipped.
 */
const sum = (points: MetricPoint[]) => points.reduce((total, [, value]) => total + (value ?? 0), 0);

async function gateRuns(store: Store, incidentId: number): Promise<PlaybookRun[]> {
  const ids = await store.runs.forIncident(incidentId);
  return (await Promise.all(ids.map((id) => store.runs.get(id)))).filter((r): r is NonNullable<typeof r> => Boolean(r)) as PlaybookRun[];
}

/** The query of the first metric gate that ran (its input was resolved, so it is the real query). */
function gateQuery(runs: PlaybookRun[]): string | undefined {
  for (const run of runs) {
    for (const step of run.steps) {
      const action = run.playbook.steps.find((s) => s.id === step.stepId)?.action;
      const input = step.input as { query?: unknown } | null;
      if (action === "datadog.metric_gate" && typeof input?.query === "string" && ["running", "succeeded", "failed"].includes(step.state)) return input.query;
    }
  }
  return undefined;
}
