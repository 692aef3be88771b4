// Markdown to HTML for the repository panel: the subset post-mortems use (headings, paragraphs,
// lists, GitHub tables, code blocks, quotes, rules; bold, italic, code and links inline). Every
// character of the source is HTML-escaped before any markup is added, so a post-mortem that
// quotes HTML shows it as text; links keep only http(s), mailto and relative targets.
// Small on purpose: a dependency would ship to every user of the bot for the sandbox's sake.
import { escapeHtml } from "./mrkdwn.js";

const SAFE_URL = /^(https?:|mailto:|\/|#|\.{0,2}\/)/i;

/** One line of inline markdown, already free of block syntax. */
export function inline(text) {
  const codes = [];
  // Code spans first: nothing inside them is formatting.
  let html = escapeHtml(text).replace(/`([^`]+)`/g, (_, code) => `\u0000${codes.push(code) - 1}\u0000`);
  html = html
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label, url) => {
      const target = url.replace(/&amp;/g, "&");
      return SAFE_URL.test(target) ? `<a href="${escapeHtml(target)}" target="_blank" rel="noopener">${label}</a>` : label;
    })
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[\s(])_([^_]+)_(?=$|[\s).,;:!?])/g, "$1<em>$2</em>")
    .replace(/(^|[\s(])\*([^*\s][^*]*)\*(?=$|[\s).,;:!?])/g, "$1<em>$2</em>");
  return html.replace(/\u0000(\d+)\u0000/g, (_, i) => `<code>${codes[Number(i)]}</code>`);
}

const cells = (row) => row.trim().replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
const isTableRule = (line) => /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(line);

/**
 * The whole document as HTML. `image(target)` gives the src for an image's target (a data: URL
 * of a file beside the document), or nothing to show its alt text instead.
 */
export function renderMarkdown(source, image) {
  const lines = String(source).replace(/\r\n?/g, "\n").split("\n");
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*$/.test(line)) {
      i += 1;
      continue;
    }
    const fence = /^```/.exec(line);
    if (fence) {
      const body = [];
      for (i += 1; i < lines.length && !/^```/.test(lines[i]); i += 1) body.push(lines[i]);
      i += 1;
      out.push(`<pre><code>${escapeHtml(body.join("\n"))}</code></pre>`);
      continue;
    }
    // An image alone on its line (the post-mortem's chart), when `image` can show its target.
    const picture = /^!\[([^\]]*)\]\(([^)\s]+)\)\s*$/.exec(line);
    if (picture) {
      const src = image?.(picture[2]);
      out.push(src ? `<p><img src="${escapeHtml(src)}" alt="${escapeHtml(picture[1])}"></p>` : `<p>${escapeHtml(picture[1])}</p>`);
      i += 1;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = heading[1].length;
      out.push(`<h${level}>${inline(heading[2])}</h${level}>`);
      i += 1;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push("<hr>");
      i += 1;
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && isTableRule(lines[i + 1])) {
      const head = cells(line);
      const rows = [];
      for (i += 2; i < lines.length && lines[i].includes("|") && !/^\s*$/.test(lines[i]); i += 1) rows.push(cells(lines[i]));
      out.push(`<table><thead><tr>${head.map((c) => `<th>${inline(c)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${head.map((_, k) => `<td>${inline(r[k] ?? "")}</td>`).join("")}</tr>`).join("")}</tbody></table>`);
      continue;
    }
    const item = /^\s*([-*+]|\d+[.)])\s+/.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1]);
      const items = [];
      while (i < lines.length) {
        const next = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(lines[i]);
        if (next && /\d/.test(next[1]) === ordered) items.push(next[2]);
        else if (items.length > 0 && /^\s{2,}\S/.test(lines[i])) items[items.length - 1] += ` ${lines[i].trim()}`;
        else break;
        i += 1;
      }
      const tag = ordered ? "ol" : "ul";
      out.push(`<${tag}>${items.map((t) => `<li>${inline(t)}</li>`).join("")}</${tag}>`);
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted = [];
      for (; i < lines.length && /^\s*>/.test(lines[i]); i += 1) quoted.push(lines[i].replace(/^\s*>\s?/, ""));
      out.push(`<blockquote>${renderMarkdown(quoted.join("\n"))}</blockquote>`);
      continue;
    }
    const paragraph = [];
    for (; i < lines.length && !/^\s*$/.test(lines[i]) && !/^(#{1,6}\s|```|\s*([-*+]|\d+[.)])\s|\s*>)/.test(lines[i]); i += 1) paragraph.push(lines[i].trim());
    if (paragraph.length === 0) {
      // A line no rule above took (a lone "|", say): shown as text rather than looping on it.
      paragraph.push(line.trim());
      i += 1;
    }
    out.push(`<p>${inline(paragraph.join(" "))}</p>`);
  }
  return out.join("\n");
}
