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
/** Before the page, at least this much of what normal looked like, or as much as the incident lasted. */
const MIN_LEAD = 2 * MINUTE;
const MIN_SPAN = 3 * MINUTE;

/**
 * The time the chart spans. The series starts well before the page (10 minutes at least), which
 * for a long incident shows what normal looked like, but squeezes an incident of a minute into
 * the right edge with every marker on top of the others. So the lead before the page is as long
 * as the incident, at least MIN_LEAD, and the chart spans MIN_SPAN at least.
 */
export function chartRange(series: Pick<ChartSeries, "from" | "to">, window: ChartInput["window"]): { from: number; to: number } {
  const to = Math.max(series.to, series.from + MINUTE);
  const lead = Math.max(MIN_LEAD, window.to - window.from);
  let from = Math.max(series.from, Math.min(window.from, to) - lead);
  if (to - from < MIN_SPAN) from = Math.max(series.from, to - MIN_SPAN);
  // On a whole minute, where the series has a point, so the line starts at the left edge.
  if (from > series.from) from = Math.max(series.from, Math.floor(from / MINUTE) * MINUTE);
  return { from, to };
}

export function chartScene(input: ChartInput): ChartScene {
  const { series, window, timeZone } = input;
  const { from, to } = chartRange(series, window);
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

  const markers = input.markers.filter((m) => m.at >= from && m.at <= to).sort((a, b) => a.at - b.at);
  shapes.push(...markerShapes(markers.map((m) => ({ ...m, x: x(m.at) }))));
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

const LABEL_ROWS = 3;
const LEGEND_Y = CHART_HEIGHT - 4;
/** Which labels are placed first when not all fit: the page and the end are the chart's frame. */
const PRIORITY: Record<ChartMarker["kind"], number> = { page: 0, resolved: 1, mitigated: 2, step: 3 };

type Placed = { row: number; anchor: "start" | "end"; text: string };

/**
 * A dashed line per marker and its label in one of three rows above the plot, never over another
 * label nor crossed by another marker's line. A label that would run off the right edge is drawn
 * to the left of its line. When markers are closer than their labels are long (an incident of a
 * minute, steps seconds apart), the page and the end keep their words, and a step that finds no
 * room gets a number instead, spelled out in a legend under the axis.
 */
function markerShapes(markers: (ChartMarker & { x: number })[]): Shape[] {
  // In time order when every label fits; otherwise the page and the end first, and when that
  // leaves a step without even a number, the row nearest the plot is kept for numbers.
  let layout = layoutLabels(markers, [0, 1, 2], false);
  if (layout.legend.length > 0) layout = layoutLabels(markers, [0, 1, 2], true);
  const unnumbered = (l: typeof layout) => l.legend.filter((e) => e.key === "-").length;
  if (unnumbered(layout) > 0) {
    const kept = layoutLabels(markers, [0, 1], true);
    if (unnumbered(kept) < unnumbered(layout)) layout = kept;
  }
  const { placed, taken, legend } = layout;
  const shapes: Shape[] = [];
  const rowY = (row: number) => PLOT.top - 30 + row * 11;
  for (const marker of markers) {
    const color = MARKER_COLORS[marker.kind];
    const spot = placed.get(marker);
    // The line reaches up to its label only where no label below it would be crossed.
    const clear = spot !== undefined && taken.slice(spot.row + 1).every((row) => row.every(([l, r]) => marker.x < l - 1 || marker.x > r + 1));
    shapes.push({ kind: "line", x1: marker.x, y1: clear ? rowY(spot.row) + 2 : PLOT.top, x2: marker.x, y2: PLOT.bottom, stroke: color, width: 1, dash: true });
    if (spot) shapes.push({ kind: "text", x: round(marker.x + (spot.anchor === "start" ? 3 : -3)), y: rowY(spot.row), text: spot.text, size: 10, fill: color, anchor: spot.anchor });
  }
  // The legend: each number and the label it stands for, in the marker's colour, as many as fit.
  let left = PLOT.left;
  for (const { marker, key } of legend) {
    const text = `${key} ${shorten(marker.label, 30)}`;
    if (left + labelWidth(text) > CHART_WIDTH - 2) {
      shapes.push({ kind: "text", x: left, y: LEGEND_Y, text: "…", size: 10, fill: COLORS.muted, anchor: "start" });
      break;
    }
    shapes.push({ kind: "text", x: left, y: LEGEND_Y, text, size: 10, fill: MARKER_COLORS[marker.kind], anchor: "start" });
    left += labelWidth(text) + 12;
  }
  return shapes;
}

/** Where each marker's label (or number) goes, given the rows labels may use; numbers may use any row. */
function layoutLabels(markers: (ChartMarker & { x: number })[], labelRows: number[], byPriority: boolean) {
  const taken: [number, number][][] = Array.from({ length: LABEL_ROWS }, () => []);
  const free = (row: number, left: number, right: number) => taken[row]!.every(([l, r]) => right + GAP < l || left > r + GAP);
  const place = (at: number, text: string, rows: number[]): Placed | undefined => {
    const width = labelWidth(text);
    for (const row of rows) {
      for (const [anchor, left, right] of [["start", at + 3, at + 3 + width], ["end", at - 3 - width, at - 3]] as const) {
        if (left < 2 || right > CHART_WIDTH - 2 || !free(row, left, right)) continue;
        taken[row]!.push([left, right]);
        return { row, anchor, text };
      }
    }
    return undefined;
  };
  const placed = new Map<ChartMarker & { x: number }, Placed>();
  const order = byPriority ? [...markers].sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || a.at - b.at) : markers;
  for (const marker of order) {
    const spot = place(marker.x, shorten(marker.label, 22), labelRows);
    if (spot) placed.set(marker, spot);
  }
  // Numbers in time order, from the row nearest the plot up, so they sit close to their lines.
  const legend: { marker: ChartMarker; key: string }[] = [];
  for (const marker of markers.filter((m) => !placed.has(m))) {
    const key = String(legend.length + 1);
    const spot = place(marker.x, key, [2, 1, 0]);
    if (spot) placed.set(marker, spot);
    legend.push({ marker, key: spot ? key : "-" });
  }
  return { placed, taken, legend };
}

const GAP = 4;
/** The width a 10-point label takes: six pixels a character in the PNG's font, about that in SVG. */
const labelWidth = (text: string) => [...text].length * 6;

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
