// The post-mortem chart: SVG checked against golden files (UPDATE_GOLDEN=1 rewrites them), the
// PNG checked as a PNG decoder would (signature, IHDR, every chunk's CRC, the inflated size), and
// both checked to be the same bytes for the same record.
import { crc32 as zlibCrc32, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { ChartSeries } from "../../src/domain/measurements.js";
import { chartPng } from "../../src/views/postmortem/chart-png.js";
import { chartScene, type ChartInput, type Shape } from "../../src/views/postmortem/chart-scene.js";
import { chartSvg } from "../../src/views/postmortem/chart-svg.js";
import { goldenFiles } from "../helpers/golden.js";

const expectGolden = goldenFiles("charts");

const MINUTE = 60_000;
const utc = (clock: string) => new Date(`2026-12-04T${clock}:00Z`).getTime();

/** One point a minute from `from` to `to`, valued by `value(t)`; null is a gap in the data. */
function series(label: string, query: string, from: number, to: number, value: (t: number) => number | null): ChartSeries {
  const points: [number, number | null][] = [];
  for (let t = from; t <= to; t += MINUTE) points.push([t, value(t)]);
  return { label, query, origin: "chart", points, from, to };
}

/** Payments errors: a spike from the page at 14:02 until the rollback at 14:30, resolved at 14:47. */
const payments: ChartInput = {
  series: series("failed requests", "sum:trace.http.request.errors{service:payments-api}.as_count()", utc("13:52"), utc("14:57"), (t) =>
    t < utc("14:02") ? 2 : t < utc("14:30") ? 60 + ((t / MINUTE) % 7) * 3 : t < utc("14:35") ? 12 : 2,
  ),
  window: { from: utc("14:02"), to: utc("14:47") },
  markers: [
    { at: utc("14:02"), label: "Paged", kind: "page" },
    { at: utc("14:12"), label: "Fail over to backup cluster", kind: "step" },
    { at: utc("14:30"), label: "Roll back payments-api", kind: "step" },
    { at: utc("14:33"), label: "Mitigated", kind: "mitigated" },
    { at: utc("14:47"), label: "Resolved", kind: "resolved" },
  ],
  timeZone: "UTC",
};

/** The orders database in Los Angeles time, across midnight, with a gap where the agent was down, still ongoing. */
const ordersDb: ChartInput = {
  series: series("database CPU %", "avg:postgresql.cpu{db:orders}", utc("07:20"), utc("08:40"), (t) => (t >= utc("07:55") && t < utc("08:05") ? null : t < utc("07:40") ? 31.4 : 99.3)),
  window: { from: utc("07:40"), to: utc("08:40") },
  markers: [
    { at: utc("07:40"), label: "Paged", kind: "page" },
    { at: utc("08:20"), label: "Failed: Rebuild invalid index", kind: "step" },
  ],
  timeZone: "America/Los_Angeles",
};

/**
 * The sandbox's story: paged, four steps seconds apart, resolved 52 seconds later, drafted at
 * once; the series starts ten minutes before the page and ends at the next whole minute.
 */
const page = utc("19:02") + 13_000;
const sec = (n: number) => page + n * 1000;
const shortIncident: ChartInput = {
  series: series("database CPU %", "avg:postgresql.cpu{db:orders}", utc("18:53"), utc("19:04"), (t) => (t >= sec(30) ? 31.4 : 99.3)),
  window: { from: page, to: sec(52) },
  markers: [
    { at: page, label: "Paged", kind: "page" },
    { at: sec(8), label: "List invalid indexes", kind: "step" },
    { at: sec(24), label: "Rebuild the index concurrently", kind: "step" },
    { at: sec(34), label: "Wait for database CPU to come back down", kind: "step" },
    { at: sec(40), label: "Restart the pods (rolling)", kind: "step" },
    { at: sec(45), label: "Mitigated", kind: "mitigated" },
    { at: sec(52), label: "Resolved", kind: "resolved" },
  ],
  timeZone: "UTC",
};

type Text = Extract<Shape, { kind: "text" }>;
type Line = Extract<Shape, { kind: "line" }>;
/** A 10-point label's box: six pixels a character, as the PNG's font draws it. */
const box = (t: Text) => {
  const width = [...t.text].length * 6;
  const left = t.anchor === "start" ? t.x : t.anchor === "end" ? t.x - width : t.x - width / 2;
  return { left, right: left + width, top: t.y - 8, bottom: t.y };
};

describe("the chart of an incident of a minute", () => {
  const scene = chartScene(shortIncident);
  const texts = scene.shapes.filter((s): s is Text => s.kind === "text");
  const labels = texts.filter((t) => t.size === 10 && t.y > 24 && t.y < 64);
  const markerLines = scene.shapes.filter((s): s is Line => s.kind === "line" && s.dash === true);

  it("gives the incident room: a lead before the page as long as the incident, two minutes at least", () => {
    const shaded = scene.shapes.find((s) => s.kind === "rect" && s.fill === "#fef2f2") as Extract<Shape, { kind: "rect" }>;
    // A fifth of the plot at least, where the series' ten minutes of lead gave it under a tenth.
    expect(shaded.w).toBeGreaterThan((780 - 64) / 5);
    expect(scene.description).toContain("from 19:00 to 19:04 UTC");
    expectGolden("short-incident.svg", chartSvg(scene));
  });

  it("never draws a label over another, nor a marker's line through a label", () => {
    const boxes = labels.map(box);
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) expect(a.right < b.left || b.right < a.left || a.bottom <= b.top || b.bottom <= a.top, `${labels[i]!.text} overlaps`).toBe(true);
    for (const line of markerLines) {
      for (const [i, b] of boxes.entries()) {
        const crosses = line.x1 >= b.left && line.x1 <= b.right && line.y1 < b.bottom;
        expect(crosses, `the line at ${line.x1} crosses “${labels[i]!.text}”`).toBe(false);
      }
    }
    expect(markerLines).toHaveLength(7);
  });

  it("keeps the page and the end in words, and every step either labelled or numbered in the legend", () => {
    const shown = labels.map((t) => t.text);
    expect(shown).toEqual(expect.arrayContaining(["Paged", "Mitigated", "Resolved"]));
    const legend = texts.filter((t) => t.y > 290).map((t) => t.text);
    for (const marker of shortIncident.markers) {
      const short = marker.label.length > 22 ? marker.label.slice(0, 21) : marker.label;
      const labelled = shown.some((t) => t.startsWith(short));
      const numbered = legend.find((t) => t.includes(marker.label.slice(0, 20)));
      expect(labelled || numbered !== undefined, marker.label).toBe(true);
      if (numbered) expect(shown).toContain(numbered.split(" ")[0]);
    }
    expect(legend.length).toBeGreaterThan(0);
  });
});

describe("the chart as SVG", () => {
  it("draws a resolved incident's metric with its key moments marked", () => {
    expectGolden("payments-errors.svg", chartSvg(chartScene(payments)));
  });

  it("draws gaps as breaks, in the team's time zone, for an ongoing incident", () => {
    expectGolden("orders-db-cpu.svg", chartSvg(chartScene(ordersDb)));
  });

  it("is an accessible image that says in words what it shows", () => {
    const svg = chartSvg(chartScene(payments));
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="chart-title chart-desc"/);
    expect(svg).toContain('<title id="chart-title">failed requests during the incident</title>');
    expect(svg).toContain("Marked: Paged at 14:02; Fail over to backup cluster at 14:12; Roll back payments-api at 14:30; Mitigated at 14:33; Resolved at 14:47.");
    expect(svg).toContain('width="800" height="300"');
  });
});

/** The chunks of a PNG, each checked against its CRC the way a decoder does. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const body = png.subarray(at + 4, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `CRC of ${body.subarray(0, 4).toString("ascii")}`).toBe(zlibCrc32(body));
    out.push({ type: body.subarray(0, 4).toString("ascii"), data: body.subarray(4) });
    at += 12 + length;
  }
  return out;
}

describe("the chart as PNG", () => {
  it("is the same bytes for the same chart, and a valid 800×300 RGB PNG", () => {
    const first = chartPng(chartScene(payments));
    expect(chartPng(chartScene(payments)).equals(first)).toBe(true);
    expect([...first.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const parts = chunks(first);
    expect(parts.map((c) => c.type)).toEqual(["IHDR", "IDAT", "IEND"]);
    const header = parts[0]!.data;
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9], header[10], header[11], header[12]]).toEqual([800, 300, 8, 2, 0, 0, 0]);
    const raw = inflateSync(parts[1]!.data);
    expect(raw.length).toBe((800 * 3 + 1) * 300);
    // The series' blue is drawn, not just a white page.
    const blue = [0x1d, 0x4e, 0xd8];
    let found = false;
    for (let row = 0; row < 300 && !found; row++) {
      for (let col = 0; col < 800 && !found; col++) {
        const at = row * (800 * 3 + 1) + 1 + col * 3;
        found = raw[at] === blue[0] && raw[at + 1] === blue[1] && raw[at + 2] === blue[2];
      }
    }
    expect(found).toBe(true);
  });

  it("changes when the chart does", () => {
    expect(chartPng(chartScene(ordersDb)).equals(chartPng(chartScene(payments)))).toBe(false);
  });
});
