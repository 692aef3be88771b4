// Hostile request bodies for the endpoint fuzzing: random bytes, broken and pathological JSON,
// form bodies, bodies near the 1 MB limit, and the strings that have broken JSON parsers,
// databases and log pipelines before. Bodies print as a short summary, not a megabyte.
import fc from "fast-check";
import { MAX_BODY_BYTES } from "../../../src/http/read-body.js";

export interface FuzzBody {
  kind: string;
  bytes: Buffer;
}

export function fuzzBody(kind: string, content: Buffer | string): FuzzBody {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
  const head = JSON.stringify(bytes.subarray(0, 160).toString("utf8"));
  return { kind, bytes, [fc.toStringMethod]: () => `${kind}(${bytes.length} bytes: ${head}${bytes.length > 160 ? "…" : ""})` } as FuzzBody;
}

/** NUL, lone surrogates, bidi and BOM marks, template and injection probes. */
export const hostileStrings = [
  "\u0000", "nul\u0000inside", "\ud800", "lone \udfff low", "\u202eevil", "\ufeffbom", "%00", "\\u0000", "' OR 1=1 --",
  "${jndi:ldap://127.0.0.1/x}", "{{constructor.constructor('return process')()}}", "\r\nx-injected: 1", "🔥💥", "Ω≈ç√",
];
export const hostileKeys = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "__defineGetter__", ""];

export const text: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(...hostileStrings),
);
const key = fc.oneof(text, fc.constantFrom(...hostileKeys));

/** JSON text built directly, so duplicate and `__proto__` keys survive into the bytes sent. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom("null", "true", "false", "0", "-0", "1e400", "-1e-400", "123456789012345678901234567890"),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
    text.map((s) => JSON.stringify(s)),
    fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
    fc.array(fc.tuple(key, tie("value")), { maxLength: 4 }).map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
  ),
})).value;

export const jsonObjectText: fc.Arbitrary<string> = fc
  .array(fc.tuple(key, jsonText), { maxLength: 5 })
  .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`);

const pollution = fc.constantFrom(
  '{"__proto__":{"polluted":true,"isAdmin":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"__proto__":null,"event":{"__proto__":{"id":"x"}}}',
  '[{"__proto__":{"toString":"boom"}}]',
);

const deepNesting = fc
  .tuple(fc.integer({ min: 50, max: 60_000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth)));

const malformedJson = fc
  .tuple(jsonText, fc.nat(), fc.constantFrom("", "}", "]", ",", '"', "\\", "\u0000", "NaN", "undefined"))
  .map(([json, cut, tail]) => json.slice(0, 1 + (cut % Math.max(json.length, 1))) + tail)
  .filter((candidate) => !parses(candidate));

const form = fc
  .array(fc.tuple(key, text), { maxLength: 6 })
  .map((pairs) => new URLSearchParams(pairs).toString());
const formWithPayload = fc.oneof(jsonText, malformedJson, text).map((payload) => new URLSearchParams({ payload }).toString());

/** Just under or just over MAX_BODY_BYTES, as a JSON string or raw filler. */
export const nearLimit = (side: "under" | "over" | "either") =>
  fc
    .tuple(fc.integer({ min: side === "over" ? 1 : -4096, max: side === "under" ? 0 : 4096 }), fc.boolean())
    .map(([offset, asJson]) => {
      const size = MAX_BODY_BYTES + offset;
      const filler = Buffer.alloc(size, "a");
      if (asJson) {
        filler.write('{"event":"', 0);
        filler.write('"}', size - 2);
      }
      return fuzzBody(offset > 0 ? "over-limit" : "near-limit", filler);
    });

/** Anything at all, under the limit unless `withHuge`. */
export function anyBody(options: { withHuge: boolean }): fc.Arbitrary<FuzzBody> {
  return fc.oneof(
    { arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => fuzzBody("bytes", Buffer.from(bytes))), weight: 3 },
    { arbitrary: text.map((s) => fuzzBody("text", s)), weight: 2 },
    { arbitrary: jsonText.map((s) => fuzzBody("json", s)), weight: 4 },
    { arbitrary: malformedJson.map((s) => fuzzBody("malformed-json", s)), weight: 2 },
    { arbitrary: deepNesting.map((s) => fuzzBody("deep-json", s)), weight: 1 },
    { arbitrary: pollution.map((s) => fuzzBody("pollution", s)), weight: 1 },
    { arbitrary: form.map((s) => fuzzBody("form", s)), weight: 2 },
    { arbitrary: formWithPayload.map((s) => fuzzBody("form-payload", s)), weight: 2 },
    { arbitrary: nearLimit(options.withHuge ? "either" : "under"), weight: 1 },
  );
}

export const contentType = fc.constantFrom(
  "application/json",
  "application/x-www-form-urlencoded",
  "application/json; charset=utf-16",
  "text/plain",
  "multipart/form-data; boundary=x",
  "application/xml",
  "",
);

/** Header values any HTTP client can send: printable ASCII. */
export const headerValue = fc.string({ unit: "binary-ascii", maxLength: 120 }).map((s) => s.replace(/[^\x20-\x7e]/g, "").trim());
export const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString("hex"));

export function parses(candidate: string): boolean {
  try {
    JSON.parse(candidate);
    return true;
  } catch {
    return false;
  }
}

export function isJsonObject(candidate: string): boolean {
  try {
    const value: unknown = JSON.parse(candidate);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
