// PostgreSQL text and jsonb cannot hold NUL characters or lone UTF-16 surrogates, and a vendor
// must not lose a page over one: such characters become U+FFFD before the body is stored.
// Extreme nesting is refused instead (400): no vendor sends it, and it cannot be stored.
import { CodedError } from "../kernel/errors.js";

const MAX_DEPTH = 64;
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** In JSON text, such characters can only arrive as \u escapes (a raw NUL is not valid JSON). */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/i;

/**
 * The value with unstorable characters replaced. Given the JSON text it was parsed from, a body
 * without such escapes is returned as it is, unwalked (the common case, on the webhook path).
 */
export function storable<T>(value: T, json?: string): T {
  if (json !== undefined && !UNSTORABLE_ESCAPE.test(json)) return value;
  return clean(value, 0) as T;
}

function clean(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new CodedError("invalid_payload", `The body is nested more than ${MAX_DEPTH} levels deep.`);
  if (typeof value === "string") return value.replace(UNSTORABLE, "\ufffd");
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(UNSTORABLE, "\ufffd"), clean(v, depth + 1)]));
  }
  return value;
}

/** Whether a database error is about the data (class 22, or too complex), not the connection. */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof RangeError || (typeof code === "string" && (code.startsWith("22") || code === "54001"));
}
