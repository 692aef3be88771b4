import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createActionRegistry, defineAction, type ActionContext } from "../../src/playbooks/action-registry.js";
import { builtinActions } from "../../src/playbooks/builtin-actions.js";
import { checkPlaybookFiles, checkPlaybookSource } from "../../src/playbooks/check-playbooks.js";
import { loadPlaybooks } from "../../src/playbooks/load-playbooks.js";
import { formatSourceProblem } from "../../src/kernel/yaml-source.js";

const notRun = async () => {
  throw new Error("checking never runs actions");
};
/** A stand-in with the shape a later action will have. */
const fake = (name: string, input: z.ZodType, outputs?: string[]) =>
  defineAction({ name, description: "", input, outputs, plan: async () => ({ summary: "", details: [], risk: { irreversible: false } }), run: notRun });

const known = "(known: incident.note, postgres.find_invalid_indexes, postgres.rebuild_index, traffic.shift, wait)";
const registry = createActionRegistry([
  ...builtinActions({ addNote: notRun }),
  fake("postgres.find_invalid_indexes", z.strictObject({ database: z.string() }), ["indexes"]),
  fake("postgres.rebuild_index", z.strictObject({ database: z.string(), index: z.string(), concurrently: z.boolean().default(true) })),
  fake("traffic.shift", z.union([z.strictObject({ to: z.string() }), z.strictObject({ back: z.literal(true) })])),
]);

const goodPlaybook = `# yaml-language-server: $schema=./playbook.schema.json
id: rebuild-invalid-indexes
title: Rebuild invalid indexes
description: Finds indexes left invalid by a failed CREATE INDEX CONCURRENTLY and rebuilds them.
when:
  services: [checkout]
  severity: [SEV1, SEV2]
  source: [datadog]
  keywords: [index, bloat]
params:
  database: { type: string, pattern: "^[a-z_]+$", default: orders }
  max_indexes: { type: integer, min: 1, max: 20, default: 5, required: false }
  mode: { type: enum, values: [online, offline], default: online }
steps:
  - id: find
    title: Find invalid indexes
    action: postgres.find_invalid_indexes
    with: { database: "{{ params.database }}" }
    idempotent: true
  - id: rebuild
    title: Rebuild the first invalid index
    action: postgres.rebuild_index
    with:
      database: "{{ params.database }}"
      index: "{{ steps.find.output.indexes[0] }}"
    approval:
      from: [commander, { group: dba-oncall }]
      count: 2
      reason: Rebuilding takes locks on a hot table.
    risky: true
    timeout: 1h
    verify:
      action: postgres.find_invalid_indexes
      with: { database: "{{ params.database }}" }
    rollback:
      action: incident.note
      with: { text: "Rebuild of {{ steps.rebuild.output }} rolled back" }
    on_failure: rollback
  - id: settle
    title: Let the new index settle
    action: wait
    with: { duration: 5m }
  - id: tell
    title: Note what was done
    action: incident.note
    with:
      text: |
        Rebuilt {{ steps.find.output.indexes[0] }} on {{ params.database }}
        for incident {{ incident.id }} ({{ incident.severity }}), commander {{ incident.commander }}.
`;

const head = "id: p\ntitle: T\ndescription: D\n";

/** Problems as line:col: message; the file name is the same for all. */
function check(text: string): string[] {
  return checkPlaybookSource(text, "p.yaml", registry).problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
}

describe("checkPlaybookSource", () => {
  it("accepts a good playbook and fills in the defaults", () => {
    const { playbook, problems } = checkPlaybookSource(goodPlaybook, "good.yaml", registry);
    expect(problems).toEqual([]);
    expect(playbook?.params.max_indexes).toEqual({ type: "integer", min: 1, max: 20, default: 5, required: false });
    expect(playbook?.steps[0]).toMatchObject({ timeout: "10m", on_failure: "abort", reversible: false, risky: false, idempotent: true });
    expect(playbook?.steps[1]?.approval).toEqual({ from: ["commander", { group: "dba-oncall" }], count: 2, reason: "Rebuilding takes locks on a hot table." });
  });

  it("normalises a single approver to a list", () => {
    const { playbook } = checkPlaybookSource(`${head}steps:\n  - { id: a, title: A, action: wait, with: { duration: 1s }, approval: { from: commander } }\n`, "p.yaml", registry);
    expect(playbook?.steps[0]?.approval).toEqual({ from: ["commander"], count: 1 });
  });

  const matrix: [string, string, string[]][] = [
    ["a YAML syntax error", `${head}steps: [unclosed\n`, ["5:1: Flow sequence in block collection must be sufficiently indented and end with a ]"]],
    ["a repeated key", `${head}title: Again\nsteps: []\n`, ["4:1: Map keys must be unique"]],
    ["an empty file", "# nothing yet\n", ["1:1: empty file: a playbook needs an id, a title, a description and steps"]],
    ["a missing field, at the document", "id: p\ntitle: T\nsteps: []\n", ["1:1: description: required", "3:1: steps: Too small: expected array to have >=1 items"]],
    ["an unknown key", `${head}titel: T\nsteps: [{ id: a, title: A, action: wait, with: { duration: 1s } }]\n`, ["4:1: titel: unknown key (check its spelling)"]],
    ["a playbook id that is not kebab-case", "id: Rebuild_Indexes\ntitle: T\ndescription: D\nsteps: [{ id: a, title: A, action: wait }]\n", ['1:1: id: use kebab-case: lowercase letters and digits separated by "-"']],
    [
      "a bad step id, timeout and on_failure",
      `${head}steps:\n  - id: Find It\n    title: A\n    action: wait\n    timeout: 10 minutes\n    on_failure: retry\n`,
      [
        '5:5: steps.0.id: use lowercase letters and digits, separated by "_" or "-"',
        '8:5: steps.0.timeout: expected a duration such as "30s", "10m" or "1h"',
        '9:5: steps.0.on_failure: Invalid option: expected one of "abort"|"continue"|"rollback"',
      ],
    ],
    ["an unknown step key", `${head}steps:\n  - id: a\n    title: A\n    action: wait\n    timout: 1m\n`, ["8:5: steps.0.timout: unknown key (check its spelling)"]],
    ["an unknown severity", `${head}when: { severity: [SEV5] }\nsteps: [{ id: a, title: A, action: wait }]\n`, ['4:20: when.severity.0: Invalid option: expected one of "SEV1"|"SEV2"|"SEV3"|"SEV4"']],
    [
      "a misspelt approver",
      `${head}steps:\n  - id: a\n    title: A\n    action: wait\n    approval:\n      from: [commander, { user: [U1] }]\n`,
      ['9:7: steps.0.approval.from: expected "commander", { group: <name> }, { users: [<user id>, ...] }, or a list of these'],
    ],
    [
      "more approvals than listed users",
      `${head}steps:\n  - id: a\n    title: A\n    action: wait\n    approval:\n      from: [{ users: [U1, U2] }, { users: [U2] }]\n      count: 3\n`,
      ["10:7: steps.0.approval.count: 3 approvals are needed but only 2 users can approve"],
    ],
    [
      "an unknown param type, and a bad param name",
      `${head}params:\n  db: { type: text }\n  Table: { type: string }\nsteps: [{ id: a, title: A, action: wait }]\n`,
      [
        "5:9: params.db.type: Invalid discriminator value. Expected 'string' | 'integer' | 'number' | 'boolean' | 'enum' | 'target' | 'choice'",
        '6:3: params.Table: a param name uses lowercase letters and digits, separated by "_" or "-"',
      ],
    ],
    ["a default of the wrong type", `${head}params:\n  limit: { type: integer, default: five }\nsteps: [{ id: a, title: A, action: wait }]\n`, ["5:27: params.limit.default: Invalid input: expected number, received string"]],
    [
      "defaults that fail their pattern, range or values, and a bad pattern",
      `${head}params:\n  db: { type: string, pattern: "^[a-z]+$", default: Orders }\n  n: { type: number, min: 1, max: 10, default: 11 }\n  mode: { type: enum, values: [a, b], default: c }\n  re: { type: string, pattern: "(" }\nsteps: [{ id: a, title: A, action: wait }]\n`,
      [
        "5:44: params.db.default: the default does not fit this param: Invalid string: must match pattern /^[a-z]+$/u",
        "6:39: params.n.default: the default does not fit this param: Too big: expected number to be <=10",
        '7:39: params.mode.default: the default does not fit this param: Invalid option: expected one of "a"|"b"',
        "8:23: params.re.pattern: not a valid regular expression (Invalid regular expression: /(/u: Unterminated group)",
      ],
    ],
    [
      "duplicate step ids, and rollback with nothing to roll back",
      `${head}steps:\n  - { id: a, title: A, action: wait, on_failure: rollback }\n  - { id: a, title: B, action: wait }\n`,
      ['5:38: steps.0.on_failure: "rollback" but neither this step nor an earlier one has a rollback', '6:7: steps.1.id: duplicate step id "a" (already used by steps.0)'],
    ],
    [
      "unknown actions, listing the known ones",
      `${head}steps:\n  - id: a\n    title: A\n    action: postgres.reindex\n    verify: { action: postgres.check }\n    rollback: { action: wait, with: { duration: 1s } }\n`,
      [`7:5: steps.0.action: unknown action "postgres.reindex" ${known}`, `8:15: steps.0.verify.action: unknown action "postgres.check" ${known}`],
    ],
    [
      "inputs that fail the action's schema",
      `${head}steps:\n  - id: a\n    title: A\n    action: incident.note\n  - id: b\n    title: B\n    action: wait\n    with: { duration: 2h, jitter: 1s }\n`,
      ["5:5: steps.0.with.text: required by incident.note", "11:13: steps.1.with.duration: at most 1h", "11:27: steps.1.with.jitter: unknown key (check its spelling)"],
    ],
    [
      "templated inputs: only the templated key is left unchecked",
      `${head}params: { db: { type: string } }\nsteps:\n  - id: a\n    title: A\n    action: postgres.rebuild_index\n    with: { database: "{{ params.db }}", concurrently: yes, indx: "{{ params.db }}" }\n`,
      [
        "9:5: steps.0.with.index: required by postgres.rebuild_index",
        "9:42: steps.0.with.concurrently: Invalid input: expected boolean, received string",
        "9:61: steps.0.with.indx: unknown key (check its spelling)",
      ],
    ],
    [
      "an input that is not an object schema: checked without templates, skipped with them",
      `${head}params: { to: { type: string } }\nsteps:\n  - { id: a, title: A, action: traffic.shift, with: { to: 3 } }\n  - { id: b, title: B, action: traffic.shift, with: { to: "{{ params.to }}", extra: 1 } }\n`,
      ["6:47: steps.0.with: Invalid input"],
    ],
    [
      "template syntax errors, inside the string",
      `${head}params: { db: { type: string } }\nsteps:\n  - id: a\n    title: A\n    action: incident.note\n    with: { text: "db {{ params.db | upper }}" }\n`,
      ['9:36: steps.0.with.text: unexpected "|" in {{ params.db | upper }}: a template is a lookup such as {{ params.name }}, without filters, operators or calls'],
    ],
    [
      "references to params that do not exist or cannot be looked into",
      `${head}params: { db: { type: string } }\nsteps:\n  - id: a\n    title: A\n    action: incident.note\n    with: { text: "{{ params.database }} {{ params.db.name }} {{ params }}" }\n`,
      [
        '9:23: steps.0.with.text: {{ params.database }}: unknown param "database" (params: db)',
        "9:45: steps.0.with.text: {{ params.db.name }}: params.db is a single string value; nothing can be looked up inside it",
        "9:66: steps.0.with.text: {{ params }}: name a param, as in {{ params.<name> }}",
      ],
    ],
    [
      "references to unknown incident fields",
      `${head}steps:\n  - id: a\n    title: A\n    action: incident.note\n    with: { text: "{{ incident.titel }} {{ incident.services[0] }} {{ incident.title.x }}" }\n`,
      [
        '8:23: steps.0.with.text: {{ incident.titel }}: unknown incident field "titel" (fields: id, title, severity, status, services, commander, channel_id)',
        "8:71: steps.0.with.text: {{ incident.title.x }}: incident.title is a single value; nothing can be looked up inside it",
      ],
    ],
    [
      "references to unknown, later and own steps, and to more than a step's output",
      `${head}steps:
  - id: find
    title: Find
    action: postgres.find_invalid_indexes
    with: { database: "{{ steps.find.output }}" }
    verify:
      action: incident.note
      with: { text: "{{ steps.find.output.indexes }} {{ steps.find.output.count }}" }
  - id: tell
    title: Tell
    action: incident.note
    with:
      text: "{{ steps.later.output }} {{ steps.nope.output }} {{ steps.find.status }}"
  - { id: later, title: Later, action: wait, with: { duration: 1s } }
`,
      [
        "8:27: steps.0.with.database: {{ steps.find.output }}: a step cannot use its own output (its verify and rollback can)",
        '11:57: steps.0.verify.with.text: {{ steps.find.output.count }}: action "postgres.find_invalid_indexes" has no output "count" (outputs: indexes)',
        '16:17: steps.1.with.text: {{ steps.later.output }}: step "later" runs after this one; only the output of earlier steps can be used',
        '16:42: steps.1.with.text: {{ steps.nope.output }}: unknown step "nope" (steps: find, tell, later)',
        "16:66: steps.1.with.text: {{ steps.find.status }}: only a step's output can be looked up: use {{ steps.find.output }}",
      ],
    ],
    [
      "choice params: a field without a list, an unknown step or output, used too early or never",
      `${head}params:
  a: { type: choice, from: { step: find, field: indexes.name } }
  b: { type: choice, from: { step: nope, field: "indexes[].name" } }
  c: { type: choice, from: { step: find, field: "rows[].name" } }
  d: { type: choice, from: { step: find, field: "indexes[].name" } }
  e: { type: choice, from: { step: tell, field: "indexes[].name" } }
steps:
  - { id: find, title: Find, action: postgres.find_invalid_indexes, with: { database: "{{ params.d }}" } }
  - { id: tell, title: Tell, action: incident.note, with: { text: "{{ params.c }}" } }
`,
      [
        '5:42: params.a.from.field: expected a list field of the step\'s output, with "[]" after the list, such as "indexes[].name"',
      ],
    ],
    [
      "choice params that cannot be chosen",
      `${head}params:
  b: { type: choice, from: { step: nope, field: "indexes[].name" } }
  c: { type: choice, from: { step: find, field: "rows[].name" } }
  d: { type: choice, from: { step: find, field: "indexes[].name" } }
  e: { type: choice, from: { step: tell, field: "indexes[].name" } }
steps:
  - { id: find, title: Find, action: postgres.find_invalid_indexes, with: { database: "{{ params.d }}" } }
  - { id: tell, title: Tell, action: incident.note, with: { text: "{{ params.c }}" } }
`,
      [
        '5:30: params.b.from.step: unknown step "nope" (steps: find, tell)',
        '6:42: params.c.from.field: action "postgres.find_invalid_indexes" has no output "rows" (outputs: indexes)',
        "8:3: params.e: no step uses {{ params.e }}, so nobody would be asked to choose it",
        '8:42: params.e.from.field: action "incident.note" has no output "indexes" (it has no outputs)',
        '10:69: steps.0.with: uses {{ params.d }}, which is chosen from the output of step "find"; only a later step can use it',
      ],
    ],
    [
      "a problem inside a block scalar, at its line",
      `${head}steps:\n  - id: a\n    title: A\n    action: incident.note\n    with:\n      text: |\n        First line {{ params.a }}\n        Second {{ incident.nope }}\n`,
      [
        '10:23: steps.0.with.text: {{ params.a }}: unknown param "a" (this playbook declares no params)',
        '11:19: steps.0.with.text: {{ incident.nope }}: unknown incident field "nope" (fields: id, title, severity, status, services, commander, channel_id)',
      ],
    ],
  ];

  it.each(matrix)("reports %s", (_name, text, expected) => {
    expect(check(text)).toEqual(expected);
  });
});

describe("checkPlaybookFiles", () => {
  const files: Record<string, string> = {
    "pb/a.yaml": goodPlaybook,
    "pb/b.yml": goodPlaybook.replace("title: Rebuild invalid indexes", "title: Same id, another file"),
    "pb/notes.txt": "not a playbook",
    "pb/c.yaml": `${head}steps: [{ id: a, title: A, action: nope }]\n`,
    "other.yaml": "id: other\ntitle: T\ndescription: D\nsteps: [{ id: a, title: A, action: wait, with: { duration: 1s } }]\n",
  };
  const readFile = (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return text;
  };
  const listDirectory = (path: string) => (path === "pb" ? ["c.yaml", "b.yml", "notes.txt", "a.yaml"] : undefined);

  const problemsInPb = [
    'pb/b.yml:2:1: id: playbook id "rebuild-invalid-indexes" is already used by pb/a.yaml',
    `pb/c.yaml:4:28: steps.0.action: unknown action "nope" ${known}`,
  ];

  it("expands directories to their YAML files in name order and reports duplicate ids across files", () => {
    const { playbooks, problems } = checkPlaybookFiles(["pb", "other.yaml", "missing.yaml"], registry, readFile, listDirectory);
    expect(problems.map(formatSourceProblem)).toEqual([...problemsInPb, "missing.yaml:1:1: cannot read this file (ENOENT)"]);
    expect(playbooks.map((p) => [p.file, p.playbook.id])).toEqual([["pb/a.yaml", "rebuild-invalid-indexes"], ["other.yaml", "other"]]);
  });

  it("loads playbooks only when every one is valid", () => {
    const onlyGood = (path: string) => (path === "pb" ? ["a.yaml"] : undefined);
    expect(loadPlaybooks("pb", registry, readFile, onlyGood).map((p) => p.id)).toEqual(["rebuild-invalid-indexes"]);
    const message = ["the playbooks in pb have 2 problems; fix them and start again:", ...problemsInPb].join("\n    ");
    expect(() => loadPlaybooks("pb", registry, readFile, listDirectory)).toThrow(message);
  });
});

describe("builtin actions", () => {
  const ctx = (signal = new AbortController().signal): ActionContext => ({ log: undefined as never, signal, now: () => new Date(0), progress: () => {} });

  it("incident.note plans the note and adds it through its dependency", async () => {
    const notes: string[] = [];
    const note = createActionRegistry(builtinActions({ addNote: async (incidentId, text) => void notes.push(`${incidentId}: ${text}`) })).get("incident.note")!;
    const input = note.input.parse({ text: "Rebuilt orders_pkey" });
    const plan = { summary: "Add a note to the incident timeline", change: "Rebuilt orders_pkey", details: [], risk: { irreversible: false } };
    expect(await note.plan(input, ctx())).toEqual(plan);
    await expect(note.run(input, ctx())).rejects.toThrow("only inside a playbook run");
    await note.run(input, { ...ctx(), incidentId: 7 });
    expect(notes).toEqual(["7: Rebuilt orders_pkey"]);
    expect(note.input.safeParse({ text: "x".repeat(3001) }).success).toBe(false);
  });

  it("wait plans its duration and stops when aborted", async () => {
    const wait = createActionRegistry(builtinActions({ addNote: notRun })).get("wait")!;
    expect(await wait.plan({ duration: "1h" }, ctx())).toEqual({ summary: "Wait 1h", details: [], risk: { irreversible: false, readOnly: true } });
    const controller = new AbortController();
    const waiting = wait.run({ duration: "1h" }, ctx(controller.signal));
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
  });

  it("the registry refuses duplicate and unusable names", () => {
    const [note] = builtinActions({ addNote: notRun });
    expect(() => createActionRegistry([note!, note!])).toThrow('action "incident.note" is registered twice');
    expect(() => createActionRegistry([{ ...note!, name: "Incident Note" }])).toThrow('action name "Incident Note" cannot be used in a playbook');
  });
});
