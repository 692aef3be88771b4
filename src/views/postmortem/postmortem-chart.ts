// The measured parts of a post-mortem: impact figures as lines of markdown, and the chart of the
// key metric with the timeline's key moments (page, each step's outcome, mitigation, resolution).
// The points come from the stored measurements; the markers from the record as it is now, so a
// corrected time moves its marker without asking Datadog again.
import { incidentDurations, type IncidentDurations } from "../../domain/durations.js";
import type { ImpactFigure, PostmortemMeasurements } from "../../domain/measurements.js";
import { localDate } from "../../domain/time-format.js";
import type { PostmortemRecord } from "../../domain/postmortem.js";
import { compareEntries, type TimelineEntry } from "../../domain/timeline.js";
import { chartScene, clock, formatNumber, zone, type ChartMarker, type ChartScene } from "./chart-scene.js";

/** "- ≈2,670 failed requests (`sum:…`, 14:02–14:47 UTC)" per figure, then the note, if any. */
export function measuredImpact(measurements: PostmortemMeasurements | undefined, timeZone: string): string {
  if (!measurements) return "";
  const window = windowText(measurements.window.from, measurements.window.to, timeZone);
  const lines = measurements.impacts.map((f) => `- ${figureText(f, window)}`);
  if (measurements.note) lines.push(`${lines.length > 0 ? "\n" : ""}_${measurements.note}_`);
  return lines.join("\n");
}

function figureText(figure: ImpactFigure, window: string): string {
  const source = `\`${figure.query.replace(/`/g, "'")}\`, ${window}`;
  if (figure.total === undefined) return `${figure.label}: not measured (${source}): ${figure.problem ?? "no answer"}`;
  return `≈${formatNumber(figure.total)} ${figure.label} (${source})`;
}

/** "14:02–14:47 UTC", with dates when the window crosses midnight. */
export function windowText(from: number, to: number, timeZone: string): string {
  const sameDay = localDate(new Date(from), timeZone) === localDate(new Date(to), timeZone);
  const at = (t: number) => (sameDay ? clock(t, timeZone) : `${localDate(new Date(t), timeZone)} ${clock(t, timeZone)}`);
  return `${at(from)}–${at(to)} ${zone(to, timeZone)}`;
}

export function chartMarkers(live: TimelineEntry[], durations: IncidentDurations): ChartMarker[] {
  const markers: ChartMarker[] = [];
  const page = live.find((e) => e.kind === "page");
  markers.push({ at: (page?.eventAt ?? durations.detectedAt).getTime(), label: "Paged", kind: "page" });
  for (const entry of live) {
    const step = entry.kind === "step" ? /^Step “(.*)” (succeeded|failed)/.exec(entry.text) : null;
    if (step) markers.push({ at: entry.eventAt.getTime(), label: `${step[2] === "failed" ? "Failed: " : ""}${step[1]}`, kind: "step" });
  }
  const { mitigatedAt, resolvedAt } = durations;
  if (mitigatedAt && mitigatedAt.getTime() !== resolvedAt?.getTime()) markers.push({ at: mitigatedAt.getTime(), label: "Mitigated", kind: "mitigated" });
  if (resolvedAt) markers.push({ at: resolvedAt.getTime(), label: "Resolved", kind: "resolved" });
  return markers;
}

export function postmortemChart(measurements: PostmortemMeasurements | undefined, live: TimelineEntry[], durations: IncidentDurations, timeZone: string): ChartScene | undefined {
  if (!measurements?.chart) return undefined;
  return chartScene({ series: measurements.chart, window: measurements.window, markers: chartMarkers(live, durations), timeZone });
}

/** The chart for a record, from its stored measurements and its live timeline. */
export function recordChart(record: PostmortemRecord): ChartScene | undefined {
  if (!record.measurements?.chart) return undefined;
  const live = record.timeline.filter((e) => e.removedAt === null).sort(compareEntries);
  return postmortemChart(record.measurements, live, incidentDurations(record.incident, live), record.timeZone);
}
