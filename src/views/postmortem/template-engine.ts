// The post-mortem template language: a logic-less subset of Mustache (https://mustache.github.io/mustache.5.html),
// so the people who own the document can reshape it without reading or writing code.
//
//   {{name}} {{a.b}}          the value, as written: no HTML escaping, since the output is markdown
//   {{.}}                     the current item, inside a section over a list of plain values
//   {{#name}}…{{/name}}       for each item of a list (names resolve against the item first, then
//                             outward), or once when the value is truthy: a non-empty string, a
//                             non-zero number, true, an object with at least one key
//   {{^name}}…{{/name}}       once when the value is falsy: missing, "", 0, false, an empty list
//   {{! comment }}            left out of the output; may span lines, and may show tags such
//                             as {{name}} (whole tags inside it do not end it), which Mustache's do
//
// A section or comment tag alone on its line takes the whole line with it, so blocks can be laid
// out one tag per line without leaving blank lines behind. There are no partials, helpers,
// alternative delimiters or triple braces: the template is checked completely when it is loaded,
// against the names the document offers, so a misspelt name fails at startup and not as an empty
// paragraph in a published post-mortem.
import { formatSourceProblem, type SourceProblem } from "../../kernel/yaml-source.js";

/**
 * The names a template may use: a description for a value, or, for a section (an object, or a
 * list of objects), the names inside it.
 */
export type TemplateNames = { readonly [name: string]: string | TemplateNames };

export type TemplateNode = string | { kind: "value"; path: string[] } | { kind: "section"; path: string[]; inverted: boolean; children: TemplateNode[] };

export interface CompiledTemplate {
  readonly file: string;
  readonly nodes: readonly TemplateNode[];
}

export class TemplateError extends Error {
  constructor(readonly problems: SourceProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`the template ${problems[0]?.file ?? ""} has ${count}:\n    ${problems.map(formatSourceProblem).join("\n    ")}`);
    this.name = "TemplateError";
  }
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const syntax = "use {{name}}, {{#name}}…{{/name}}, {{^name}}…{{/name}} or {{! comment }}";

interface Frame {
  name: string;
  path: string[];
  inverted: boolean;
  at: number;
  children: TemplateNode[];
}

/** `names`, when given, is every name the data offers; a name outside it is a problem. */
export function compileTemplate(source: string, file: string, names?: TemplateNames): CompiledTemplate {
  const problems: SourceProblem[] = [];
  const problem = (offset: number, message: string) => problems.push({ file, ...positionOf(source, offset), message });
  const root: TemplateNode[] = [];
  const stack: Frame[] = [];
  // What each open section offers for name checks; null once a section's own name was unknown,
  // so one typo is reported once rather than again for every name inside it.
  const scopes: (TemplateNames | null)[] = names ? [names] : [];
  const out = () => stack.at(-1)?.children ?? root;
  const where = (offset: number) => {
    const { line, col } = positionOf(source, offset);
    return `${line}:${col}`;
  };
  let textStart = 0;
  for (let open = source.indexOf("{{"); open !== -1; open = source.indexOf("{{", textStart)) {
    const close = source.startsWith("{{!", open) ? commentEnd(source, open + 3) : source.indexOf("}}", open + 2);
    if (close === -1) {
      problem(open, `"{{" is not closed by "}}"`);
      textStart = source.length;
      break;
    }
    const end = close + 2;
    const inner = source.slice(open + 2, close);
    const sigil = /^[#^/!]/.test(inner) ? inner[0]! : "";
    const name = inner.slice(sigil.length).trim();
    const nameAt = open + 2 + sigil.length + inner.slice(sigil.length).indexOf(name);
    const standalone = sigil !== "" && standaloneLine(source, open, end);
    const before = standalone ? standalone.lineStart : open;
    if (before > textStart) out().push(source.slice(textStart, before));
    textStart = standalone ? standalone.next : end;

    if (sigil === "!") continue;
    if (!(namePattern.test(name) || (name === "." && sigil === ""))) {
      problem(open, unknownTag(inner));
      continue;
    }
    const path = name === "." ? [] : name.split(".");
    if (sigil === "/") {
      const depth = stack.findLastIndex((f) => f.name === name);
      const top = stack.at(-1);
      if (depth === -1) problem(open, `{{/${name}}} closes a section that is not open${top ? ` (the open section is "${top.name}")` : ""}`);
      else if (top && top.name !== name) problem(open, `{{/${name}}} closes "${name}", but "${top.name}" (opened at ${where(top.at)}) is still open; close it first with {{/${top.name}}}`);
      if (depth === -1) continue;
      while (stack.length > depth) {
        const frame = stack.pop()!;
        if (!frame.inverted && names) scopes.pop();
        out().push({ kind: "section", path: frame.path, inverted: frame.inverted, children: frame.children });
      }
      continue;
    }
    const found = names ? checkName(scopes, path, sigil !== "") : { ok: true as const, scope: null };
    if (!found.ok) problem(nameAt + found.offset, found.message);
    if (sigil === "") {
      out().push({ kind: "value", path });
      continue;
    }
    stack.push({ name, path, inverted: sigil === "^", at: open, children: [] });
    // An inverted section renders only when there is nothing to look into, so it adds no scope.
    if (sigil === "#" && names) scopes.push(found.ok ? found.scope : null);
  }
  if (textStart < source.length) out().push(source.slice(textStart));
  for (const frame of stack) problem(frame.at, `section "${frame.name}" is never closed; add {{/${frame.name}}}`);
  if (problems.length > 0) throw new TemplateError(problems.sort((a, b) => a.line - b.line || a.col - b.col));
  return { file, nodes: root };
}

/** The template filled in from `data` (any object; values other than strings and numbers render empty). */
export function render(template: CompiledTemplate, data: object): string {
  const out: string[] = [];
  renderNodes(template.nodes, [data], out);
  return out.join("");
}

function renderNodes(nodes: readonly TemplateNode[], stack: unknown[], out: string[]): void {
  for (const node of nodes) {
    if (typeof node === "string") out.push(node);
    else if (node.kind === "value") out.push(display(lookup(stack, node.path)));
    else {
      const value = lookup(stack, node.path);
      if (node.inverted) {
        if (!truthy(value)) renderNodes(node.children, stack, out);
      } else if (Array.isArray(value)) {
        for (const item of value) renderNodes(node.children, [...stack, item], out);
      } else if (truthy(value)) renderNodes(node.children, [...stack, value], out);
    }
  }
}

function lookup(stack: unknown[], path: string[]): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return stack.at(-1);
  let value: unknown;
  for (let i = stack.length - 1; i >= 0; i--) {
    const scope = stack[i];
    if (isRecord(scope) && Object.hasOwn(scope, head) && scope[head] !== undefined) {
      value = scope[head];
      break;
    }
  }
  for (const key of rest) value = isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  return value;
}

function display(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

type NameCheck = { ok: true; scope: TemplateNames | null } | { ok: false; offset: number; message: string };

/** Resolves a name as rendering will: the innermost section that offers its first part wins. */
function checkName(scopes: (TemplateNames | null)[], path: string[], section: boolean): NameCheck {
  const [head, ...rest] = path;
  if (head === undefined) {
    return scopes.length > 1 ? { ok: true, scope: null } : { ok: false, offset: 0, message: "{{.}} is the current item, so it belongs inside a {{#section}}" };
  }
  let node: string | TemplateNames | undefined;
  for (let i = scopes.length - 1; i >= 0 && node === undefined; i--) {
    const scope = scopes[i];
    if (scope === null) return { ok: true, scope: null };
    node = Object.hasOwn(scope!, head) ? scope![head] : undefined;
  }
  if (node === undefined) {
    const visible = scopes.flatMap((s) => Object.keys(s ?? {}));
    return { ok: false, offset: 0, message: `unknown name "${head}"${suggest(head, visible)}` };
  }
  let offset = head.length + 1;
  let walked = head;
  for (const key of rest) {
    if (typeof node === "string") return { ok: false, offset, message: `"${walked}" is a value, so it has no "${key}"` };
    const inside: TemplateNames = node!;
    if (!Object.hasOwn(inside, key)) return { ok: false, offset, message: `unknown name "${walked}.${key}"${suggest(key, Object.keys(inside))}` };
    node = inside[key];
    walked += `.${key}`;
    offset += key.length + 1;
  }
  if (typeof node === "string") return { ok: true, scope: {} };
  if (section) return { ok: true, scope: node! };
  const some = Object.keys(node!).slice(0, 3).map((k) => `{{${walked}.${k}}}`);
  return { ok: false, offset: 0, message: `"${walked}" is a section, not a value: use it as {{#${walked}}}…{{/${walked}}}, or name a value inside it (${some.join(", ")})` };
}

/** ` (did you mean "severity"?)` when a known name is one or two edits away. */
function suggest(name: string, known: string[]): string {
  const close = known.map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) })).filter((c) => c.d <= 2).sort((a, b) => a.d - b.d)[0];
  return close ? ` (did you mean "${close.k}"?)` : "";
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length]!;
}

function unknownTag(inner: string): string {
  const shown = inner.length > 40 ? `${inner.slice(0, 39)}…` : inner;
  const why = inner.startsWith(">")
    ? "partials are not supported"
    : inner.startsWith("{") || inner.startsWith("&")
      ? "nothing is escaped, so {{name}} already outputs the value as written"
      : inner.startsWith("=")
        ? "the delimiters cannot be changed"
        : `a name is letters, digits and "_", joined by "."`;
  return `unknown tag {{${shown}}}: ${why}; ${syntax}`;
}

/** Where a comment's "}}" is: tags inside it are skipped whole, so a comment can show the syntax. */
function commentEnd(source: string, from: number): number {
  let depth = 0;
  for (let i = from; i < source.length - 1; i++) {
    if (source.startsWith("{{", i)) {
      depth += 1;
      i += 1;
    } else if (source.startsWith("}}", i)) {
      if (depth === 0) return i;
      depth -= 1;
      i += 1;
    }
  }
  return -1;
}

/** Where a tag alone on its line (but for spaces) begins its line, and where the next line starts. */
function standaloneLine(source: string, open: number, end: number): { lineStart: number; next: number } | undefined {
  const lineStart = source.lastIndexOf("\n", open - 1) + 1;
  if (!/^[ \t]*$/.test(source.slice(lineStart, open))) return undefined;
  const newline = source.indexOf("\n", end);
  if (!/^[ \t]*\r?$/.test(source.slice(end, newline === -1 ? source.length : newline))) return undefined;
  return { lineStart, next: newline === -1 ? source.length : newline + 1 };
}

function positionOf(source: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf("\n"); i !== -1 && i < offset; i = source.indexOf("\n", i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}
