// The status page as HTML: server-rendered, readable without JavaScript (there is none), with
// landmarks, one h1 and nested headings, a page language, <time> elements, status said in words
// (never colour alone), and colours that keep WCAG AA contrast (4.5:1) on white.
import { componentStatusLabel, statusLabel, type ComponentStatus } from "../../domain/public-update.js";
import type { PublicIncident, StatusPage } from "../../domain/status-page.js";
import { formatDateTimeWithYear } from "../../domain/time-format.js";

const escape = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");

// Text colours on #fff: each at least 4.5:1 (WCAG 2.2 SC 1.4.3).
const colour: Record<ComponentStatus, string> = {
  operational: "#146c2e",
  degraded_performance: "#7a4d00",
  partial_outage: "#a33a00",
  major_outage: "#b00020",
};

function time(at: Date, timeZone: string): string {
  return `<time datetime="${at.toISOString()}">${escape(formatDateTimeWithYear(at, timeZone))}</time>`;
}

function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escape(p).replaceAll("\n", "<br>")}</p>`)
    .join("");
}

function incident(i: PublicIncident, timeZone: string, level: 3 | 2): string {
  const h = `h${level}`;
  const sub = `h${level + 1}`;
  const updates = [...i.updates]
    .reverse()
    .map(
      (u) => `<li class="update"><${sub}>${escape(statusLabel(u.status))}</${sub}>
${paragraphs(u.body)}
<p class="meta">Posted ${time(u.at, timeZone)}${u.components.length > 0 ? `. Affected: ${u.components.map((c) => `${escape(c.name)} (${escape(componentStatusLabel[c.status])})`).join(", ")}` : ""}</p></li>`,
    )
    .join("\n");
  const summary = i.summary
    ? `<section class="summary" aria-labelledby="summary-${i.publicId}"><${sub} id="summary-${i.publicId}">Post-incident summary</${sub}>${paragraphs(i.summary.body)}<p class="meta">Published ${time(i.summary.at, timeZone)}</p></section>`
    : "";
  return `<article class="incident" id="incident-${i.publicId}" aria-labelledby="title-${i.publicId}">
<${h} id="title-${i.publicId}">${escape(i.title)}</${h}>
<p class="meta">${escape(statusLabel(i.status))} · began ${time(i.startedAt, timeZone)}</p>
<ol class="updates" reversed>${updates}</ol>
${summary}
</article>`;
}

export function statusPageHtml(page: StatusPage, timeZone: string): string {
  const allOk = page.components.every((c) => c.status === "operational") && page.current.length === 0;
  const overall = allOk ? "All systems operational" : page.current.length > 0 ? `${page.current.length} ongoing incident${page.current.length === 1 ? "" : "s"}` : "Some systems are affected";
  const components = page.components
    .map((c) => `<li><span class="name">${escape(c.name)}</span> <span class="status" style="color:${colour[c.status]}">${escape(componentStatusLabel[c.status])}</span></li>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(page.title)}</title>
<link rel="alternate" type="application/atom+xml" title="${escape(page.title)} (Atom)" href="/status/feed.atom">
<style>
body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;max-width:46rem;margin:0 auto;padding:1rem}
a{color:#0b57d0}.meta{color:#4a4a4a;font-size:.9rem}ul.components{list-style:none;padding:0}
ul.components li{display:flex;justify-content:space-between;border-bottom:1px solid #ddd;padding:.5rem 0}
.status{font-weight:600}ol.updates{padding-left:1.25rem}.incident{border-top:2px solid #ddd;margin-top:1rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem}
</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><h1>${escape(page.title)}</h1><p role="status">${escape(overall)}</p></header>
<main id="main">
<section aria-labelledby="components-heading"><h2 id="components-heading">Components</h2>
${page.components.length > 0 ? `<ul class="components">${components}</ul>` : "<p>No components are listed.</p>"}
</section>
<section aria-labelledby="current-heading"><h2 id="current-heading">Current incidents</h2>
${page.current.length > 0 ? page.current.map((i) => incident(i, timeZone, 3)).join("\n") : "<p>No incidents right now.</p>"}
</section>
<section aria-labelledby="history-heading"><h2 id="history-heading">Past incidents (last 90 days)</h2>
${page.history.length > 0 ? page.history.map((i) => incident(i, timeZone, 3)).join("\n") : "<p>No incidents in the last 90 days.</p>"}
</section>
</main>
<footer><p class="meta">${page.updatedAt ? `Last updated ${time(page.updatedAt, timeZone)}. ` : ""}Times are in ${escape(timeZone)}. <a href="/status/feed.atom">Atom feed</a> · <a href="/status.json">JSON</a></p></footer>
</body>
</html>
`;
}
