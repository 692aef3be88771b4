// The chart as PNG, for Slack, which shows no preview of an SVG. Drawn here rather than by a
// rasterizer package: the chart is only rectangles, straight lines and short labels, and a
// native dependency (canvas, sharp) would not install everywhere Firebreak runs. Lines are
// Bresenham with a square brush, text a built-in 5×7 bitmap font (capitals), and the image is
// encoded with node:zlib, so the same scene gives the same bytes on every machine.
import { deflateSync } from "node:zlib";
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphFor } from "./bitmap-font.js";
import type { ChartScene, Shape } from "./chart-scene.js";

export function chartPng(scene: ChartScene): Buffer {
  const canvas = new Raster(scene.width, scene.height);
  for (const shape of scene.shapes) draw(canvas, shape);
  return encodePng(canvas.width, canvas.height, canvas.pixels);
}

class Raster {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
  }

  set(x: number, y: number, [r, g, b]: readonly [number, number, number]) {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const at = (y * this.width + x) * 3;
    this.pixels[at] = r;
    this.pixels[at + 1] = g;
    this.pixels[at + 2] = b;
  }

  fill(x: number, y: number, w: number, h: number, color: readonly [number, number, number]) {
    for (let row = Math.round(y); row < Math.round(y + h); row++) for (let col = Math.round(x); col < Math.round(x + w); col++) this.set(col, row, color);
  }

  /** Bresenham's line with a square brush `width` pixels wide; `dash` draws 4 on, 3 off. */
  line(x1: number, y1: number, x2: number, y2: number, width: number, color: readonly [number, number, number], dash = false) {
    let [x, y] = [Math.round(x1), Math.round(y1)];
    const [ex, ey] = [Math.round(x2), Math.round(y2)];
    const dx = Math.abs(ex - x);
    const dy = -Math.abs(ey - y);
    const sx = x < ex ? 1 : -1;
    const sy = y < ey ? 1 : -1;
    const brush = Math.max(1, Math.round(width));
    const offset = Math.floor((brush - 1) / 2);
    let error = dx + dy;
    for (let step = 0; ; step++) {
      if (!dash || step % 7 < 4) this.fill(x - offset, y - offset, brush, brush, color);
      if (x === ex && y === ey) break;
      const twice = 2 * error;
      if (twice >= dy) {
        error += dy;
        x += sx;
      }
      if (twice <= dx) {
        error += dx;
        y += sy;
      }
    }
  }

  /** `y` is the baseline, as in SVG; one font pixel is `scale` image pixels. */
  text(text: string, x: number, y: number, scale: number, anchor: "start" | "middle" | "end", color: readonly [number, number, number]) {
    const advance = (GLYPH_WIDTH + 1) * scale;
    const chars = [...text];
    const width = chars.length * advance - scale;
    let left = Math.round(anchor === "start" ? x : anchor === "middle" ? x - width / 2 : x - width);
    const top = Math.round(y) - GLYPH_HEIGHT * scale;
    for (const char of chars) {
      const rows = glyphFor(char);
      rows.forEach((bits, row) => {
        for (let col = 0; col < GLYPH_WIDTH; col++) if (bits & (1 << (GLYPH_WIDTH - 1 - col))) this.fill(left + col * scale, top + row * scale, scale, scale, color);
      });
      left += advance;
    }
  }
}

function draw(canvas: Raster, shape: Shape) {
  switch (shape.kind) {
    case "rect":
      return canvas.fill(shape.x, shape.y, shape.w, shape.h, rgb(shape.fill));
    case "line":
      return canvas.line(shape.x1, shape.y1, shape.x2, shape.y2, shape.width, rgb(shape.stroke), shape.dash);
    case "polyline":
      for (let i = 1; i < shape.points.length; i++) {
        const [a, b] = [shape.points[i - 1]!, shape.points[i]!];
        canvas.line(a[0], a[1], b[0], b[1], shape.width, rgb(shape.stroke));
      }
      return;
    case "text":
      // The 5×7 font is legible at one pixel per dot for labels, two for the title.
      return canvas.text(shape.text, shape.x, shape.y, shape.size >= 13 ? 2 : 1, shape.anchor, rgb(shape.fill));
  }
}

function rgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An 8-bit RGB PNG (https://www.w3.org/TR/png/): signature, IHDR, one IDAT, IEND. */
export function encodePng(width: number, height: number, rgbPixels: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering (each row says its filter)
  header[12] = 0; // no interlace
  // Each scanline starts with its filter type; 0 (none) keeps the encoder simple and exact.
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let row = 0; row < height; row++) raw.set(rgbPixels.subarray(row * stride, (row + 1) * stride), row * (stride + 1) + 1);
  return Buffer.concat([SIGNATURE, chunk("IHDR", header), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG defines it (ISO 3309), over a chunk's type and data. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
