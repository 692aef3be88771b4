// The post-mortem template language: what renders, and every problem it reports at load, with its
// exact file:line:col.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { postmortemTemplateNames } from "../../src/views/postmortem/template-names.js";
import { DEFAULT_POSTMORTEM_TEMPLATE, loadPostmortemTemplate } from "../../src/postmortem/load-template.js";
import { compileTemplate, render, TemplateError, type TemplateNames } from "../../src/views/postmortem/template-engine.js";
import { formatSourceProblem } from "../../src/kernel/yaml-source.js";

const fill = (source: string, data: object, names?: TemplateNames) => render(compileTemplate(source, "t.md", names), data);

/** The problems compiling `source` reports, as file:line:col: message. */
function problemsOf(source: string, names?: TemplateNames): string[] {
  try {
    compileTemplate(source, "templates/pm.md", names);
  } catch (error) {
    if (error instanceof TemplateError) return error.problems.map(formatSourceProblem);
    throw error;
  }
  return [];
}

describe("rendering", () => {
  it("fills in values and dotted names as written, without escaping", () => {
    expect(fill("# {{id}}: {{ incident.title }} ({{count}})", { id: "INC-42", incident: { title: "<b>Orders</b> & more" }, count: 3 })).toBe("# INC-42: <b>Orders</b> & more (3)");
    expect(fill("[{{missing}}][{{a.b.c}}][{{obj}}][{{yes}}]", { a: { b: {} }, obj: { x: 1 }, yes: true })).toBe("[][][][true]");
  });

  it("renders a section once for each item, looking names up on the item first, then outside", () => {
    const data = { who: "outer", tag: "T", items: [{ who: "a" }, { who: "b", tag: "own" }, {}] };
    expect(fill("{{#items}}{{who}}/{{tag}} {{/items}}", data)).toBe("a/T b/own outer/T ");
    expect(fill("{{#names}}<{{.}}>{{/names}}", { names: ["x", "y"] })).toBe("<x><y>");
  });

  it("renders a section once for a truthy value, and an inverted one for a falsy value", () => {
    const both = "{{#v}}yes{{/v}}{{^v}}no{{/v}}";
    for (const v of ["x", 1, true, { k: 1 }, ["a"]]) expect(fill(both, { v })).toBe("yes");
    for (const v of ["", 0, false, null, undefined, [], {}]) expect(fill(both, { v })).toBe("no");
    expect(fill("{{#link}}[{{text}}]({{url}}){{/link}}", { link: { text: "#57", url: "https://x/57" } })).toBe("[#57](https://x/57)");
    expect(fill("{{#rootCause}}{{rootCause}}!{{/rootCause}}", { rootCause: "A migration" })).toBe("A migration!");
  });

  it("nests sections, with outer names visible inside inner ones", () => {
    const source = "{{#days}}{{day}}:{{#entries}} {{time}} {{text}} ({{zone}}){{/entries}}{{^entries}} none{{/entries}};{{/days}}";
    const data = { zone: "PT", days: [{ day: "Wed", entries: [{ time: "9:05", text: "page" }, { time: "9:08", text: "ack" }] }, { day: "Thu", entries: [] }] };
    expect(fill(source, data)).toBe("Wed: 9:05 page (PT) 9:08 ack (PT);Thu: none;");
  });

  it("leaves no line behind for a section or comment tag alone on its line", () => {
    const source = ["# Title", "{{! a note", "    over two lines }}", "{{#items}}", "  {{^skip}}", "- {{name}}", "  {{/skip}}", "{{/items}}", "", "End {{#x}}inline{{/x}}.", "  {{#x}}", "last", "  {{/x}}"].join("\n");
    expect(fill(source, { items: [{ name: "a" }, { name: "b", skip: true }, { name: "c" }], x: true })).toBe("# Title\n- a\n- c\n\nEnd inline.\nlast\n");
    expect(fill("a\r\n{{#x}}\r\nb\r\n{{/x}}\r\nc", { x: true })).toBe("a\r\nb\r\nc");
    expect(fill("a\n{{#x}}\nb\n\t{{/x}}", { x: true })).toBe("a\nb\n");
    // A value tag is never standalone: its line stays, even when the value is empty.
    expect(fill("a\n{{v}}\nb", {})).toBe("a\n\nb");
  });

  it("lets a comment show the syntax, since whole tags inside it do not end it", () => {
    expect(fill("{{! use {{name}} or {{#list}}…{{/list}} }}ok", {})).toBe("ok");
  });

  it("renders the same compiled template any number of times", () => {
    const template = compileTemplate("{{#items}}{{.}}{{/items}}", "t.md");
    expect(render(template, { items: [1, 2] })).toBe("12");
    expect(render(template, { items: [3] })).toBe("3");
  });
});

describe("problems, reported as file:line:col", () => {
  it("finds a section that is never closed", () => {
    expect(problemsOf("a\n  {{#items}}\n- {{name}}\n")).toEqual(['templates/pm.md:2:3: section "items" is never closed; add {{/items}}']);
  });

  it("finds a close tag that does not match the open section, or closes nothing", () => {
    expect(problemsOf("{{#a}}\n{{#b}}\nx {{/a}}")).toEqual([
      'templates/pm.md:3:3: {{/a}} closes "a", but "b" (opened at 2:1) is still open; close it first with {{/b}}',
    ]);
    expect(problemsOf("x\n{{#a}}{{/a}} {{/b}}")).toEqual(["templates/pm.md:2:14: {{/b}} closes a section that is not open"]);
    expect(problemsOf("{{#a}}{{/b}}{{/a}}")).toEqual(['templates/pm.md:1:7: {{/b}} closes a section that is not open (the open section is "a")']);
  });

  it("finds tags outside the language", () => {
    expect(problemsOf("{{> footer}}\n {{{raw}}}\n  {{&raw}}\n{{=<% %>=}}\n{{two words}}\n{{}}")).toEqual([
      "templates/pm.md:1:1: unknown tag {{> footer}}: partials are not supported; use {{name}}, {{#name}}…{{/name}}, {{^name}}…{{/name}} or {{! comment }}",
      "templates/pm.md:2:2: unknown tag {{{raw}}: nothing is escaped, so {{name}} already outputs the value as written; use {{name}}, {{#name}}…{{/name}}, {{^name}}…{{/name}} or {{! comment }}",
      "templates/pm.md:3:3: unknown tag {{&raw}}: nothing is escaped, so {{name}} already outputs the value as written; use {{name}}, {{#name}}…{{/name}}, {{^name}}…{{/name}} or {{! comment }}",
      "templates/pm.md:4:1: unknown tag {{=<% %>=}}: the delimiters cannot be changed; use {{name}}, {{#name}}…{{/name}}, {{^name}}…{{/name}} or {{! comment }}",
      'templates/pm.md:5:1: unknown tag {{two words}}: a name is letters, digits and "_", joined by "."; use {{name}}, {{#name}}…{{/name}}, {{^name}}…{{/name}} or {{! comment }}',
      'templates/pm.md:6:1: unknown tag {{}}: a name is letters, digits and "_", joined by "."; use {{name}}, {{#name}}…{{/name}}, {{^name}}…{{/name}} or {{! comment }}',
    ]);
    expect(problemsOf("{{#.}}{{/.}}")[0]).toMatch(/^templates\/pm\.md:1:1: unknown tag \{\{#\.\}\}/);
  });

  it("finds a {{ that is never closed, including an unfinished comment", () => {
    expect(problemsOf("ok {{a}}\nthen {{b\nand more")).toEqual(['templates/pm.md:2:6: "{{" is not closed by "}}"']);
    expect(problemsOf("{{! shows {{name}} but never ends }")).toEqual(['templates/pm.md:1:1: "{{" is not closed by "}}"']);
  });

  const names: TemplateNames = {
    title: "the title",
    severity: "SEV1 to SEV4",
    links: { slack: { text: "t", url: "u" } },
    timeline: { day: "d", entries: { time: "t", text: "x" } },
  };

  it("accepts the names it is given, where rendering would find them", () => {
    const source = "{{title}}{{#links.slack}}[{{text}}]({{url}}) {{title}}{{/links.slack}}{{#timeline}}{{day}}{{#entries}}{{time}}{{text}}{{severity}}{{/entries}}{{/timeline}}{{#title}}{{.}}{{/title}}{{^severity}}-{{/severity}}";
    expect(problemsOf(source, names)).toEqual([]);
  });

  it("finds an unknown name at the part that is wrong, with a suggestion when one is close", () => {
    expect(problemsOf("# {{ titel }}\n\n{{#links.slak}}x{{/links.slak}} {{links.slack.urls}}", names)).toEqual([
      'templates/pm.md:1:6: unknown name "titel" (did you mean "title"?)',
      'templates/pm.md:3:10: unknown name "links.slak" (did you mean "slack"?)',
      'templates/pm.md:3:47: unknown name "links.slack.urls" (did you mean "url"?)',
    ]);
  });

  it("finds a name used outside the section that offers it, a value used as a section's parent, and a section used as a value", () => {
    expect(problemsOf("{{time}}\n{{#timeline}}{{day.x}}{{/timeline}}\n{{links}}\n{{.}}", names)).toEqual([
      'templates/pm.md:1:3: unknown name "time" (did you mean "title"?)',
      'templates/pm.md:2:20: "day" is a value, so it has no "x"',
      'templates/pm.md:3:3: "links" is a section, not a value: use it as {{#links}}…{{/links}}, or name a value inside it ({{links.slack}})',
      "templates/pm.md:4:3: {{.}} is the current item, so it belongs inside a {{#section}}",
    ]);
  });

  it("reports an unknown section once, not again for each name inside it", () => {
    expect(problemsOf("{{#timelines}}{{day}}{{whatever}}{{/timelines}}", names)).toEqual(['templates/pm.md:1:4: unknown name "timelines" (did you mean "timeline"?)']);
  });

  it("reports every problem at once, in file order, in the error message too", () => {
    const error = (() => {
      try {
        compileTemplate("{{#a}}\n{{nope}}\n{{> p}}", "pm.md", { a: "x" });
      } catch (e) {
        return e as TemplateError;
      }
    })();
    expect(error?.problems.map((p) => [p.line, p.col])).toEqual([[1, 1], [2, 3], [3, 1]]);
    expect(error?.message).toBe(`the template pm.md has 3 problems:\n    ${error?.problems.map(formatSourceProblem).join("\n    ")}`);
  });
});

describe("the default post-mortem template", () => {
  it("loads against the post-mortem's names", () => {
    expect(() => loadPostmortemTemplate(DEFAULT_POSTMORTEM_TEMPLATE)).not.toThrow();
  });

  it("documents every name in its opening comment", () => {
    const comment = /^\{\{!([\s\S]*?)\n\}\}/.exec(readFileSync(DEFAULT_POSTMORTEM_TEMPLATE, "utf8"))?.[1] ?? "";
    const keys = (names: TemplateNames): string[] => Object.entries(names).flatMap(([k, v]) => [k, ...(typeof v === "string" ? [] : keys(v))]);
    for (const top of Object.keys(postmortemTemplateNames)) expect(comment).toMatch(new RegExp(`\\n\\s+${top}\\b`));
    for (const key of keys(postmortemTemplateNames)) expect(comment).toMatch(new RegExp(`\\b${key}\\b`));
  });

  it("reports a misspelt name with its position, and a file it cannot read", () => {
    const files: Record<string, string> = { "pm.md": "# {{id}}\n\n{{#timeline}}\n| {{time}} | {{txt}} |\n{{/timeline}}\n" };
    const read = (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error("no such file"), { code: "ENOENT" });
      return text;
    };
    expect(() => loadPostmortemTemplate("pm.md", read)).toThrow(
      'the template pm.md has 2 problems:\n    pm.md:4:5: unknown name "time" (did you mean "title"?)\n    pm.md:4:16: unknown name "txt"',
    );
    expect(() => loadPostmortemTemplate("gone.md", read)).toThrow("gone.md:1:1: cannot read this file (ENOENT)");
  });
});
