import { describe, expect, it } from "vitest";
import {
  formatTemplatePath,
  incidentTemplateFields,
  parseTemplate,
  referencesOf,
  renderValue,
  templateErrorsOf,
  TemplateLookupError,
  type TemplateScope,
} from "../../src/playbooks/templates.js";

function errorsOf(text: string) {
  const parsed = parseTemplate(text);
  return parsed.ok ? [] : parsed.errors;
}

describe("parseTemplate", () => {
  it("splits text and lookups, with whitespace inside the braces optional", () => {
    expect(parseTemplate("REINDEX INDEX CONCURRENTLY {{steps.find.output.indexes[0]}};")).toEqual({
      ok: true,
      parts: [
        "REINDEX INDEX CONCURRENTLY ",
        { path: ["steps", "find", "output", "indexes", 0], text: "{{steps.find.output.indexes[0]}}", offset: 29 },
        ";",
      ],
    });
    expect(parseTemplate("{{   params.db_name   }}")).toEqual({ ok: true, parts: [{ path: ["params", "db_name"], text: "{{   params.db_name   }}", offset: 5 }] });
    expect(parseTemplate("no templates here")).toEqual({ ok: true, parts: ["no templates here"] });
    expect(parseTemplate("")).toEqual({ ok: true, parts: [] });
  });

  it("accepts kebab-case names, so kebab-case step ids can be named", () => {
    expect(parseTemplate("{{ steps.find-index.output }}")).toMatchObject({ ok: true, parts: [{ path: ["steps", "find-index", "output"] }] });
  });

  it("rejects anything but a lookup, pointing at the offending character", () => {
    const lookupsOnly = "a template is a lookup such as {{ params.name }}, without filters, operators or calls";
    expect(errorsOf("x {{ params.db | upper }}")).toEqual([{ offset: 15, message: `unexpected "|" in {{ params.db | upper }}: ${lookupsOnly}` }]);
    expect(errorsOf("{{ params.a + 1 }}")).toEqual([{ offset: 12, message: `unexpected "+" in {{ params.a + 1 }}: ${lookupsOnly}` }]);
    expect(errorsOf("{{ params.now() }}")).toEqual([{ offset: 13, message: `unexpected "(" in {{ params.now() }}: ${lookupsOnly}` }]);
    expect(errorsOf("{{ 'text' }}")).toEqual([{ offset: 3, message: `unexpected "'" in {{ 'text' }}: ${lookupsOnly}` }]);
    expect(errorsOf("{{ env.HOME }}")).toEqual([{ offset: 3, message: 'unknown "env" in {{ env.HOME }}: a template starts with params, incident or steps' }]);
    expect(errorsOf("{{ params..x }}")).toEqual([{ offset: 10, message: 'unexpected "." in {{ params..x }}: expected a name after "."' }]);
    expect(errorsOf("{{ params.}}")).toEqual([{ offset: 10, message: '{{ params.}} ends too early: expected a name after "."' }]);
    expect(errorsOf("{{ steps.a.output[x] }}")).toEqual([{ offset: 18, message: 'unexpected "x" in {{ steps.a.output[x] }}: an index is a whole number, as in [0]' }]);
    expect(errorsOf("{{ steps.a.output[1 }}")).toEqual([{ offset: 19, message: 'unexpected " " in {{ steps.a.output[1 }}: an index is a whole number, as in [0]' }]);
    expect(errorsOf("a {{ }} b")).toEqual([{ offset: 2, message: "empty template {{ }}: write a lookup such as {{ params.name }}" }]);
    expect(errorsOf("ok {{ params.a }} then {{ params.b")).toEqual([{ offset: 23, message: '"{{" is not closed by "}}"' }]);
  });

  it("reports every bad template in a string, not just the first", () => {
    expect(errorsOf("{{ a }} and {{ b }}").map((e) => e.offset)).toEqual([3, 15]);
  });
});

describe("referencesOf and templateErrorsOf", () => {
  const value = {
    database: "{{ params.database }}",
    queries: ["SELECT 1", "REINDEX {{ steps.find.output.indexes[0] }} -- {{ incident.id }}"],
    nested: { deep: [{ x: "{{ params.a | b }}" }] },
    count: 3,
  };

  it("walks nested values and says where each lookup is", () => {
    expect(referencesOf(value).map(({ at, lookup }) => [at, formatTemplatePath(lookup.path)])).toEqual([
      [["database"], "params.database"],
      [["queries", 1], "steps.find.output.indexes[0]"],
      [["queries", 1], "incident.id"],
    ]);
  });

  it("collects syntax errors with where the string is", () => {
    expect(templateErrorsOf(value)).toEqual([{ at: ["nested", "deep", 0, "x"], error: expect.objectContaining({ offset: 12 }) }]);
  });
});

describe("renderValue", () => {
  const scope: TemplateScope = {
    params: { database: "orders", limit: 5, dry_run: false },
    incident: { id: 42, title: "Checkout is slow", services: ["checkout", "payments"], commander: null, channel_id: "C024BE91L" },
    steps: { find: { output: { indexes: ["orders_pkey_ccnew", "orders_email_idx"], stats: { count: 2 } } } },
  };

  it("keeps the type of a value that is exactly one template", () => {
    expect(renderValue("{{ steps.find.output.indexes }}", scope)).toEqual(["orders_pkey_ccnew", "orders_email_idx"]);
    expect(renderValue("{{ params.limit }}", scope)).toBe(5);
    expect(renderValue("{{params.dry_run}}", scope)).toBe(false);
    expect(renderValue("{{ incident.commander }}", scope)).toBeNull();
    expect(renderValue("{{ steps.find.output.indexes[1] }}", scope)).toBe("orders_email_idx");
  });

  it("interpolates into longer strings, objects as JSON", () => {
    expect(renderValue("REINDEX INDEX {{ steps.find.output.indexes[0] }} ({{ params.limit }})", scope)).toBe("REINDEX INDEX orders_pkey_ccnew (5)");
    expect(renderValue("stats: {{ steps.find.output.stats }}; services: {{ incident.services }}", scope)).toBe(
      'stats: {"count":2}; services: ["checkout","payments"]',
    );
    expect(renderValue(" {{ params.limit }}", scope)).toBe(" 5");
  });

  it("renders nested values and leaves non-strings alone", () => {
    expect(renderValue({ db: "{{ params.database }}", list: ["{{ incident.id }}", 7, true, null], n: { x: "#{{ incident.id }}" } }, scope)).toEqual({
      db: "orders",
      list: [42, 7, true, null],
      n: { x: "#42" },
    });
  });

  it("names the path when a lookup finds nothing", () => {
    const failure = (text: string) => {
      try {
        renderValue(text, scope);
      } catch (error) {
        expect(error).toBeInstanceOf(TemplateLookupError);
        return (error as Error).message;
      }
      throw new Error("expected a failure");
    };
    expect(failure("{{ params.table }}")).toBe('{{ params.table }} cannot be resolved: params has no "table"');
    expect(failure("{{ steps.find.output.indexes[2] }}")).toBe("{{ steps.find.output.indexes[2] }} cannot be resolved: steps.find.output.indexes has no [2] (it has 2 items)");
    expect(failure("{{ steps.rebuild.output }}")).toBe('{{ steps.rebuild.output }} cannot be resolved: steps has no "rebuild"');
    expect(failure("{{ params.limit.max }}")).toBe('{{ params.limit.max }} cannot be resolved: params.limit has no "max" (it is a number)');
    expect(failure("{{ incident.commander.name }}")).toBe('{{ incident.commander.name }} cannot be resolved: incident.commander has no "name" (it is null)');
    expect(failure("{{ params.database[0] }}")).toBe("{{ params.database[0] }} cannot be resolved: params.database is a string, not a list");
  });

  it("never reaches inherited properties", () => {
    expect(() => renderValue("{{ params.constructor }}", scope)).toThrow('params has no "constructor"');
    expect(() => renderValue("{{ steps.find.output.__proto__ }}", scope)).toThrow(TemplateLookupError);
  });

  it("refuses a string with a syntax error", () => {
    expect(() => renderValue("{{ params.database | upper }}", scope)).toThrow(/^invalid template in "\{\{ params.database \| upper \}\}": unexpected "\|"/);
  });
});

it("lists the incident fields templates can read", () => {
  expect(incidentTemplateFields).toEqual(["id", "title", "severity", "status", "services", "commander", "channel_id"]);
});
