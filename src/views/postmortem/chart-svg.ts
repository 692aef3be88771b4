// The chart as SVG, committed beside the post-mortem's markdown and embedded in it. Accessible:
// role="img" with a <title> and a <desc> that says in words what the picture shows.
import type { ChartScene, Shape } from "./chart-scene.js";

const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

export function chartSvg(scene: ChartScene): string {
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}" role="img" aria-labelledby="chart-title chart-desc" font-family="${FONT}">`,
    `<title id="chart-title">${escape(scene.title)}</title>`,
    `<desc id="chart-desc">${escape(scene.description)}</desc>`,
    ...scene.shapes.map(shapeSvg),
    "</svg>",
  ];
  return `${lines.join("\n")}\n`;
}

function shapeSvg(shape: Shape): string {
  switch (shape.kind) {
    case "rect":
      return `<rect x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.w)}" height="${n(shape.h)}" fill="${shape.fill}"/>`;
    case "line":
      return `<line x1="${n(shape.x1)}" y1="${n(shape.y1)}" x2="${n(shape.x2)}" y2="${n(shape.y2)}" stroke="${shape.stroke}" stroke-width="${n(shape.width)}"${shape.dash ? ' stroke-dasharray="4 3"' : ""}/>`;
    case "polyline":
      return `<polyline points="${shape.points.map(([x, y]) => `${n(x)},${n(y)}`).join(" ")}" fill="none" stroke="${shape.stroke}" stroke-width="${n(shape.width)}" stroke-linejoin="round"/>`;
    case "text":
      return `<text x="${n(shape.x)}" y="${n(shape.y)}" font-size="${shape.size}" fill="${shape.fill}"${shape.anchor === "start" ? "" : ` text-anchor="${shape.anchor}"`}${shape.bold ? ' font-weight="600"' : ""}>${escape(shape.text)}</text>`;
  }
}

/** One decimal at most, never exponent notation or "-0". */
const n = (value: number) => {
  const text = (Math.round(value * 10) / 10).toFixed(1).replace(/\.0$/, "");
  return text === "-0" ? "0" : text;
};

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
