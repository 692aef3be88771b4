// The repository panel's markdown: what a post-mortem uses is drawn (headings, lists, tables),
// and nothing in the document can become markup or a script link.
import { describe, expect, it } from "vitest";

// A browser module, imported by path so the type checker leaves its plain JavaScript alone.
const MODULE = "../../src/sandbox/demo/web/markdown.js";
const { renderMarkdown } = (await import(MODULE)) as { renderMarkdown: (source: string, image?: (target: string) => string | undefined) => string };

describe("the repository panel's markdown", () => {
  it("draws headings, lists, bold and links, and GitHub tables", () => {
    const html = renderMarkdown(["# INC-1: API is degraded — Post-mortem", "", "- **Severity:** SEV2", "- [PR](https://example.test/pull/1)", "", "## Timeline", "", "| Time | Event |", "| --- | --- |", "| 9:05am | Paged |", "| 9:07am | Channel `#inc-1` opened |"].join("\n"));
    expect(html).toBe(
      [
        "<h1>INC-1: API is degraded — Post-mortem</h1>",
        '<ul><li><strong>Severity:</strong> SEV2</li><li><a href="https://example.test/pull/1" target="_blank" rel="noopener">PR</a></li></ul>',
        "<h2>Timeline</h2>",
        "<table><thead><tr><th>Time</th><th>Event</th></tr></thead><tbody><tr><td>9:05am</td><td>Paged</td></tr><tr><td>9:07am</td><td>Channel <code>#inc-1</code> opened</td></tr></tbody></table>",
      ].join("\n"),
    );
  });

  it("escapes HTML everywhere and drops links that are not http(s), mailto or relative", () => {
    const html = renderMarkdown('Root cause: <img src=x onerror="alert(1)"> and [click](javascript:alert) **<b>x</b>**\n\n```\n<script>\n```');
    expect(html).not.toMatch(/<img|<script|<b>|javascript:/);
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain("<pre><code>&lt;script&gt;</code></pre>");
  });

  it("shows the post-mortem's chart from the file beside it, and only its alt text otherwise", () => {
    const source = '## Impact\n\n![failed requests during the incident](./2026-12-04-payments.svg)\n';
    const shown = renderMarkdown(source, (target) => (target === "./2026-12-04-payments.svg" ? "data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E" : undefined));
    expect(shown).toContain('<p><img src="data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E" alt="failed requests during the incident"></p>');
    expect(renderMarkdown(source)).toContain("<p>failed requests during the incident</p>");
  });
});
