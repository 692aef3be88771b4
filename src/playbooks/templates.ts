// The template language of playbook `with` values: `{{ <path> }}` lookups and nothing else.
// No filters, operators or calls, so a playbook can be checked completely before it runs and
// reviewed without reading code: whatever a step receives is visible in its YAML.
import type { Incident } from "../domain/incident.js";

export const templateRoots = ["params", "incident", "steps"] as const;
export type TemplateRoot = (typeof templateRoots)[number];

/** The incident fields a template can read, as `{{ incident.<field> }}`. */
export const incidentTemplateFields = ["id", "title", "severity", "status", "services", "commander", "channel_id"] as const;
export type IncidentTemplateField = (typeof incidentTemplateFields)[number];

export type TemplatePath = readonly (string | number)[];

export interface TemplateLookup {
  /** Starts with a root: `["steps", "find", "output", "indexes", 0]`. */
  path: TemplatePath;
  /** The whole `{{ ... }}` as written. */
  text: string;
  /** Where the path starts in the string (0-based). */
  offset: number;
}

/** Literal text, or a lookup. */
export type TemplatePart = string | TemplateLookup;

export interface TemplateSyntaxError {
  /** Where in the string the problem is (0-based). */
  offset: number;
  message: string;
}

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; errors: TemplateSyntaxError[] };

export interface TemplateScope {
  params: Readonly<Record<string, unknown>>;
  incident: Readonly<Partial<Record<IncidentTemplateField, unknown>>>;
  steps: Readonly<Record<string, { output: unknown }>>;
}

const OPEN = "{{";
const CLOSE = "}}";
const nameAt = /[A-Za-z_][A-Za-z0-9_-]*/y;
const digitsAt = /[0-9]+/y;
const lookupsOnly = "a template is a lookup such as {{ params.name }}, without filters, operators or calls";

export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const errors: TemplateSyntaxError[] = [];
  let rest = 0;
  for (let open = text.indexOf(OPEN); open !== -1; open = text.indexOf(OPEN, rest)) {
    const close = text.indexOf(CLOSE, open + OPEN.length);
    if (close === -1) {
      errors.push({ offset: open, message: `"{{" is not closed by "}}"` });
      rest = text.length;
      break;
    }
    if (open > rest) parts.push(text.slice(rest, open));
    const lookup = parseLookup(text, open, close);
    if ("message" in lookup) errors.push(lookup);
    else parts.push(lookup);
    rest = close + CLOSE.length;
  }
  if (rest < text.length) parts.push(text.slice(rest));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, parts };
}

function parseLookup(text: string, open: number, close: number): TemplateLookup | TemplateSyntaxError {
  const whole = text.slice(open, close + CLOSE.length);
  const unexpected = (at: number, why = lookupsOnly): TemplateSyntaxError => ({
    offset: at,
    message: at >= close ? `${whole} ends too early: ${why}` : `unexpected ${JSON.stringify(text[at])} in ${whole}: ${why}`,
  });
  const matchAt = (pattern: RegExp, at: number) => {
    pattern.lastIndex = at;
    return pattern.exec(text.slice(0, close))?.[0];
  };
  let i = open + OPEN.length;
  while (i < close && /\s/.test(text[i]!)) i++;
  const start = i;
  if (i === close) return { offset: open, message: `empty template ${whole}: write a lookup such as {{ params.name }}` };
  const root = matchAt(nameAt, i);
  if (root === undefined) return unexpected(i);
  if (!(templateRoots as readonly string[]).includes(root)) {
    return { offset: i, message: `unknown "${root}" in ${whole}: a template starts with params, incident or steps` };
  }
  const path: (string | number)[] = [root];
  i += root.length;
  while (i < close && (text[i] === "." || text[i] === "[")) {
    if (text[i] === ".") {
      const segment = matchAt(nameAt, i + 1);
      if (segment === undefined) return unexpected(i + 1, 'expected a name after "."');
      path.push(segment);
      i += 1 + segment.length;
    } else {
      const digits = matchAt(digitsAt, i + 1);
      if (digits === undefined || text[i + 1 + digits.length] !== "]") {
        return unexpected(digits === undefined ? i + 1 : i + 1 + digits.length, "an index is a whole number, as in [0]");
      }
      path.push(Number(digits));
      i += 2 + digits.length;
    }
  }
  while (i < close && /\s/.test(text[i]!)) i++;
  if (i < close) return unexpected(i);
  return { path, text: whole, offset: start };
}

/** `steps.find.output.indexes[0]` */
export function formatTemplatePath(path: TemplatePath): string {
  return path.map((segment, i) => (typeof segment === "number" ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join("");
}

/** Whether a value holds a template anywhere (such a value's final shape is known only at run time). */
export function hasTemplate(value: unknown): boolean {
  return walkStrings(value, []).some(({ text }) => text.includes(OPEN));
}

export interface TemplateReference {
  /** Where the string is inside the value, e.g. `["queries", 1]`. */
  at: (string | number)[];
  lookup: TemplateLookup;
}

/** Every lookup in a value, walking nested arrays and objects; strings with syntax errors are skipped. */
export function referencesOf(value: unknown): TemplateReference[] {
  return walkStrings(value, []).flatMap(({ at, text }) => {
    const parsed = parseTemplate(text);
    return parsed.ok ? parsed.parts.flatMap((lookup) => (typeof lookup === "string" ? [] : [{ at, lookup }])) : [];
  });
}

/** Every syntax error in a value's strings, with where the string is inside the value. */
export function templateErrorsOf(value: unknown): { at: (string | number)[]; error: TemplateSyntaxError }[] {
  return walkStrings(value, []).flatMap(({ at, text }) => {
    const parsed = parseTemplate(text);
    return parsed.ok ? [] : parsed.errors.map((error) => ({ at, error }));
  });
}

function walkStrings(value: unknown, at: (string | number)[]): { at: (string | number)[]; text: string }[] {
  if (typeof value === "string") return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => walkStrings(item, [...at, i]));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => walkStrings(item, [...at, key]));
  return [];
}

export class TemplateLookupError extends Error {
  constructor(
    readonly lookup: TemplateLookup,
    reason: string,
  ) {
    super(`${lookup.text} cannot be resolved: ${reason}`);
    this.name = "TemplateLookupError";
  }
}

/**
 * A value with its templates filled in. A string that is exactly one template becomes the
 * looked-up value, type and all (an array stays an array); templates inside longer strings
 * are interpolated, objects and arrays as JSON. Throws when a lookup finds nothing.
 */
export function renderValue(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === "string") return renderString(value, scope);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, scope));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderValue(item, scope)]));
  return value;
}

function renderString(text: string, scope: TemplateScope): unknown {
  const parsed = parseTemplate(text);
  if (!parsed.ok) throw new Error(`invalid template in ${JSON.stringify(text)}: ${parsed.errors.map((e) => e.message).join("; ")}`);
  const [only, ...others] = parsed.parts;
  if (only !== undefined && typeof only !== "string" && others.length === 0) return resolve(only, scope);
  return parsed.parts
    .map((part) => {
      if (typeof part === "string") return part;
      const found = resolve(part, scope);
      return typeof found === "object" && found !== null ? JSON.stringify(found) : String(found);
    })
    .join("");
}

function resolve(lookup: TemplateLookup, scope: TemplateScope): unknown {
  let current: unknown = scope;
  for (const [i, segment] of lookup.path.entries()) {
    const here = formatTemplatePath(lookup.path.slice(0, i));
    if (typeof segment === "number") {
      if (!Array.isArray(current)) throw new TemplateLookupError(lookup, `${here} is ${describe(current)}, not a list`);
      if (segment >= current.length) throw new TemplateLookupError(lookup, `${here} has no [${segment}] (it has ${current.length} items)`);
      current = current[segment];
    } else {
      // Own properties only: a lookup must never reach `constructor` or `__proto__`.
      if (!isRecord(current) || !Object.hasOwn(current, segment) || current[segment] === undefined) {
        throw new TemplateLookupError(lookup, i === 0 ? `unknown root "${segment}"` : `${here} has no "${segment}"${isRecord(current) ? "" : ` (it is ${describe(current)})`}`);
      }
      current = current[segment];
    }
  }
  return current;
}

const describe = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "a list" : `a ${typeof value}`);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The incident as templates see it. */
export function incidentScope(incident: Incident): Record<IncidentTemplateField, unknown> {
  return {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    services: incident.services,
    commander: incident.commander,
    channel_id: incident.channelId,
  };
}
