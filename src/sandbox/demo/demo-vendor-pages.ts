// The sandbox's stand-ins for the vendors' web pages. Links Firebreak shows in Slack (the
// PagerDuty incident, a pull request, its issues, Datadog events) come from the emulators'
// html_url bases, which the sandbox points here, so every link in the page opens something local
// instead of pagerduty.com or github.com. Plain server-rendered HTML, every value escaped.
import type { DatadogEmulator } from "../emulators/datadog/datadog-emulator.js";
import type { GithubEmulator } from "../emulators/github/github-emulator.js";
import type { PagerdutyEmulator } from "../emulators/pagerduty/pagerduty-emulator.js";

export interface VendorPagesDeps {
  pagerduty: PagerdutyEmulator;
  github: GithubEmulator;
  datadog: DatadogEmulator;
}

/** Path prefixes the sandbox gives each emulator as its web base (html_url, event links). */
export const VENDOR_PATHS = { pagerduty: "/pagerduty", github: "/github", datadog: "/datadog" } as const;

const escapeHtml = (text: unknown) => String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(vendor: string, title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · ${vendor} (sandbox)</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;color:#1d1c1d}
.note{color:#616061;font-size:13px}dt{font-weight:600;float:left;width:9rem}dd{margin:0 0 .3rem 9rem}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.8rem;border-radius:6px}li{margin:.3rem 0}</style></head>
<body><p class="note">${escapeHtml(vendor)}, as the Firebreak sandbox emulates it — a local page, not the real service.</p>
<h1 data-testid="vendor-title">${escapeHtml(title)}</h1>${body}</body></html>`;
}

const fields = (rows: [string, unknown][]) => `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>`;

/** The HTML for `path` (under one of VENDOR_PATHS), or undefined when there is nothing there. */
export function vendorPage(deps: VendorPagesDeps, path: string): string | undefined {
  const incident = /^\/pagerduty\/incidents\/([A-Z0-9]+)$/.exec(path);
  if (incident) {
    const found = deps.pagerduty.incident(incident[1]!);
    if (!found) return undefined;
    const notes = found.notes.map((n) => `<li><span class="note">${escapeHtml(n.createdAt)}</span> ${escapeHtml(n.content)}</li>`).join("");
    return page("PagerDuty", `#${found.number} ${found.title}`, fields([
      ["Status", found.status], ["Urgency", found.urgency], ["Service", found.serviceName], ["Created", found.createdAt], ["Resolved", found.resolvedAt ?? "—"],
    ]) + `<h2>Notes</h2>${notes ? `<ul data-testid="pagerduty-notes">${notes}</ul>` : "<p>None yet.</p>"}`);
  }
  const item = /^\/github\/([^/]+)\/([^/]+)\/(pull|issues)\/(\d+)$/.exec(path);
  if (item) {
    const [, owner, name, kind, number] = item;
    const repo = `${owner}/${name}`;
    if (kind === "pull") {
      const pull = deps.github.pulls(repo).find((p) => p.number === Number(number));
      if (!pull) return undefined;
      return page("GitHub", `${pull.title} #${pull.number}`, fields([["Repository", repo], ["State", pull.state], ["Branch", `${pull.head} → ${pull.base}`]]) + `<pre>${escapeHtml(pull.body)}</pre>`);
    }
    const issue = deps.github.issues(repo).find((i) => i.number === Number(number));
    if (!issue) return undefined;
    return page("GitHub", `${issue.title} #${issue.number}`, fields([["Repository", repo], ["State", issue.state], ["Labels", issue.labels.join(", ")]]) + `<pre>${escapeHtml(issue.body)}</pre>`);
  }
  if (path.startsWith(`${VENDOR_PATHS.datadog}/`) || path === VENDOR_PATHS.datadog) {
    const events = [...deps.datadog.events].reverse().map((e) => `<li><strong>${escapeHtml(e.title)}</strong> <span class="note">${escapeHtml(new Date(e.dateHappened * 1000).toISOString())} · ${escapeHtml(e.tags.join(", "))}</span><pre>${escapeHtml(e.text)}</pre></li>`).join("");
    return page("Datadog", "Events", events ? `<ul data-testid="datadog-events">${events}</ul>` : "<p>No events yet: Firebreak posts one for each declaration, resolution and executed step.</p>");
  }
  return undefined;
}
