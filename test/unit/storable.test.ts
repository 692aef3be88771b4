import { describe, expect, it } from "vitest";
import { storable } from "../../src/http/storable.js";

describe("storable", () => {
  it("replaces NUL and lone surrogates, in values and keys, with U+FFFD", () => {
    const json = '{"title":"db \\u0000 down","tags":["\\ud800x"],"\\udc00key":"ok","pair":"\\ud83d\\ude80"}';
    expect(storable(JSON.parse(json), json)).toEqual({ title: "db \ufffd down", tags: ["\ufffdx"], "\ufffdkey": "ok", pair: "🚀" });
  });

  it("returns a body whose JSON text has no such escapes as it is, without walking it", () => {
    const json = '{"title":"Checkout 🚀 errors","nested":{"list":[1,"two",null]}}';
    const value = JSON.parse(json) as unknown;
    expect(storable(value, json)).toBe(value);
  });

  it("walks what it is given without its text, refusing extreme nesting", () => {
    expect(storable({ a: ["x\u0000"] })).toEqual({ a: ["x\ufffd"] });
    const deep = JSON.parse('{"a":'.repeat(100) + "1" + "}".repeat(100)) as unknown;
    expect(() => storable(deep)).toThrow("nested more than 64 levels");
  });
});
