// The post-mortem chart as a list of shapes: the key metric over the incident window, with the
// timeline's key moments as vertical markers. One layout feeds both renderings (SVG for the
// document, PNG for Slack), so they cannot disagree. Pure and deterministic: every coordinate is
// rounded to a tenth and every number formatted by hand, so the same record gives the same bytes.
import type { ChartSeries } from "../../domain/measurements.js";
import { zoneAbbreviation } from "../../domain/time-format.js";

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 300;

export type Shape =
  | { kind: "rect"; x: number; y: number; w: number; h: number; fill: string }
  | { kind: "line"; x1: number; y1: number; x2: number; y2: number; stroke: string; width: number; dash?: boolean }
  | { kind: "polyline"; points: [number, number][]; stroke: string; width: number }
  | { kind: "text"; x: number; y: number; text: string; size: number; fill: string; anchor: "start" | "middle" | "end"; bold?: boolean };

export interface ChartMarker {
  at: number;
  label: string;
  kind: "page" | "step" | "mitigated" | "resolved";
}

export interface ChartInput {
  series: ChartSeries;
  /** The incident window (detection to resolution, or to now), shaded. */
  window: { from: number; to: number };
  markers: ChartMarker[];
  timeZone: string;
}

export interface ChartScene {
  width: number;
  height: number;
  title: string;
  description: string;
  shapes: Shape[];
}

const PLOT = { left: 64, right: CHART_WIDTH - 20, top: 64, bottom: CHART_HEIGHT - 36 };
const COLORS = { text: "#1f2937", muted: "#6b7280", grid: "#e5e7eb", axis: "#9ca3af", window: "#fef2f2", series: "#1d4ed8" };
const MARKER_COLORS: Record<ChartMarker["kind"], string> = { page: "#b91c1c", step: "#7c3aed", mitigated: "#c2410c", resolved: "#15803d" };
const MINUTE = 60_000;

export function chartScene(input: ChartInput): ChartScene {
  const { series, window, timeZone } = input;
  const from = series.from;
  const to = Math.max(series.to, from + MINUTE);
  const values = series.points.flatMap(([t, v]) => (v === null || t < from || t > to ? [] : [v]));
  const [low, high, step] = niceRange(values);
  const x = (t: number) => round(PLOT.left + ((t - from) / (to - from)) * (PLOT.right - PLOT.left));
  const y = (v: number) => round(PLOT.bottom - ((v - low) / (high - low)) * (PLOT.bottom - PLOT.top));
  const shapes: Shape[] = [{ kind: "rect", x: 0, y: 0, w: CHART_WIDTH, h: CHART_HEIGHT, fill: "#ffffff" }];

  // The incident window, shaded behind everything else.
  const wFrom = Math.max(from, window.from);
  const wTo = Math.min(to, window.to);
  if (wTo > wFrom) shapes.push({ kind: "rect", x: x(wFrom), y: PLOT.top, w: round(x(wTo) - x(wFrom)), h: PLOT.bottom - PLOT.top, fill: COLORS.window });

  for (let v = low; v <= high + step / 2; v += step) {
    const at = y(v);
    shapes.push({ kind: "line", x1: PLOT.left, y1: at, x2: PLOT.right, y2: at, stroke: COLORS.grid, width: 1 });
    shapes.push({ kind: "text", x: PLOT.left - 6, y: round(at + 4), text: formatNumber(v), size: 11, fill: COLORS.muted, anchor: "end" });
  }
  const tick = tickInterval(to - from);
  for (let t = Math.ceil(from / tick) * tick; t <= to; t += tick) {
    shapes.push({ kind: "line", x1: x(t), y1: PLOT.bottom, x2: x(t), y2: PLOT.bottom + 4, stroke: COLORS.axis, width: 1 });
    shapes.push({ kind: "text", x: x(t), y: PLOT.bottom + 17, text: clock(t, timeZone), size: 11, fill: COLORS.muted, anchor: "middle" });
  }
  shapes.push({ kind: "line", x1: PLOT.left, y1: PLOT.bottom, x2: PLOT.right, y2: PLOT.bottom, stroke: COLORS.axis, width: 1 });

  // A gap in the data breaks the line rather than drawing across it.
  let run: [number, number][] = [];
  const flush = () => {
    if (run.length > 1) shapes.push({ kind: "polyline", points: run, stroke: COLORS.series, width: 2 });
    else if (run.length === 1) shapes.push({ kind: "rect", x: round(run[0]![0] - 1.5), y: round(run[0]![1] - 1.5), w: 3, h: 3, fill: COLORS.series });
    run = [];
  };
  for (const [t, v] of series.points) {
    if (t < from || t > to) continue;
    if (v === null) flush();
    else run.push([x(t), y(v)]);
  }
  flush();

  // Markers: a dashed line each, labels in up to three rows so neighbours do not overprint.
  const markers = input.markers.filter((m) => m.at >= from && m.at <= to).sort((a, b) => a.at - b.at);
  const rowEnds = [-Infinity, -Infinity, -Infinity];
  for (const marker of markers) {
    const at = x(marker.at);
    const label = shorten(marker.label, 22);
    const widthOf = label.length * 6 + 8;
    const row = Math.max(0, rowEnds.findIndex((end) => end < at));
    rowEnds[row] = at + widthOf;
    const color = MARKER_COLORS[marker.kind];
    const labelY = PLOT.top - 30 + row * 11;
    shapes.push({ kind: "line", x1: at, y1: labelY + 2, x2: at, y2: PLOT.bottom, stroke: color, width: 1, dash: true });
    shapes.push({ kind: "text", x: round(at + 3), y: labelY, text: label, size: 10, fill: color, anchor: "start" });
  }
  shapes.push({ kind: "text", x: PLOT.left, y: 18, text: shorten(series.label, 60), size: 13, fill: COLORS.text, anchor: "start", bold: true });
  shapes.push({ kind: "text", x: PLOT.right, y: 18, text: `${clock(window.from, timeZone)}–${clock(window.to, timeZone)} ${zone(window.from, timeZone)}`, size: 11, fill: COLORS.muted, anchor: "end" });

  const peak = series.points.reduce<[number, number] | undefined>((best, [t, v]) => (v !== null && (best === undefined || v > best[1]) ? [t, v] : best), undefined);
  const description = [
    `${series.label} (Datadog query ${series.query}) from ${clock(from, timeZone)} to ${clock(to, timeZone)} ${zone(from, timeZone)};`,
    `the incident window ${clock(window.from, timeZone)}–${clock(window.to, timeZone)} is shaded.`,
    peak ? `Highest value ${formatNumber(peak[1])} at ${clock(peak[0], timeZone)}.` : "No data in this range.",
    markers.length > 0 ? `Marked: ${markers.map((m) => `${m.label} at ${clock(m.at, timeZone)}`).join("; ")}.` : "",
  ].filter(Boolean).join(" ");
  return { width: CHART_WIDTH, height: CHART_HEIGHT, title: `${series.label} during the incident`, description, shapes };
}

/** From zero (or the lowest value, when negative) to a round number above the highest, in four or five steps. */
function niceRange(values: number[]): [number, number, number] {
  const min = Math.min(0, ...values);
  const max = Math.max(...values, min + 1);
  const rough = (max - min) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const low = Math.floor(min / step) * step;
  return [low, Math.ceil(max / step) * step, step];
}

const TICKS_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

function tickInterval(span: number): number {
  const minutes = TICKS_MINUTES.find((m) => span / (m * MINUTE) <= 8) ?? 1440;
  return minutes * MINUTE;
}

/** Fixed formatting, whatever the machine's locale: 2,670 / 38.2 / 0.45 / 1.2M. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 10_000_000) return `${trim((value / 1_000_000).toFixed(1))}M`;
  if (abs >= 100) return groupThousands(Math.round(value));
  if (abs >= 10) return trim(value.toFixed(1));
  return trim(value.toFixed(2));
}

function groupThousands(value: number): string {
  const digits = String(Math.abs(value));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return value < 0 ? `-${grouped}` : grouped;
}

const trim = (text: string) => (text.includes(".") ? text.replace(/\.?0+$/, "") : text);
const round = (n: number) => Math.round(n * 10) / 10;
const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** 14:02 in the zone, 24-hour, as the chart's axis reads it. */
export function clock(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${get("hour")}:${get("minute")}`;
}

export const zone = (at: number, timeZone: string) => zoneAbbreviation(new Date(at), timeZone);
