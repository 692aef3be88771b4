// Static checking of playbook files: everything that can be known before a playbook runs is
// reported at once, each problem as file:line:col, so a broken playbook is found by
// `firebreak playbooks check` or at startup rather than halfway through an incident.
// Order: YAML syntax, then the schema (playbook-schema.ts), then what needs the action registry
// and the whole playbook: action names, `with` inputs, and templates.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { parseYamlSource, problemsFromZod, type SourceProblem, type YamlSource } from "../kernel/yaml-source.js";
import type { ActionDefinition, ActionRegistry } from "./action-registry.js";
import { playbookSchema, type Playbook } from "../domain/playbook-schema.js";
import { hasTemplate, incidentTemplateFields, referencesOf, templateErrorsOf, type TemplateLookup } from "./templates.js";

export interface PlaybookCheck {
  /** Set only when there are no problems. */
  playbook?: Playbook;
  problems: SourceProblem[];
}

export function checkPlaybookSource(text: string, file: string, registry: ActionRegistry): PlaybookCheck {
  const { parsed, problems } = checkSource(text, file, registry);
  return parsed && problems.length === 0 ? { playbook: parsed, problems } : { problems };
}

export interface PlaybookFilesCheck {
  /** The playbooks without problems, in the order checked. */
  playbooks: { file: string; playbook: Playbook }[];
  problems: SourceProblem[];
}

/**
 * Checks files and directories (their *.yaml and *.yml files, not recursively, in name order),
 * and that no two playbooks share an id. `listDirectory` returns a directory's entry names, or
 * undefined when the path is not a directory.
 */
export function checkPlaybookFiles(
  paths: readonly string[],
  registry: ActionRegistry,
  readFile: (path: string) => string = (path) => readFileSync(path, "utf8"),
  listDirectory: (path: string) => string[] | undefined = entriesOfDirectory,
): PlaybookFilesCheck {
  const files = new Set(
    paths.flatMap((path) => {
      const names = listDirectory(path);
      return names === undefined ? [path] : names.filter((n) => /\.ya?ml$/i.test(n)).sort().map((n) => join(path, n));
    }),
  );
  const result: PlaybookFilesCheck = { playbooks: [], problems: [] };
  const fileOfId = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFile(file);
    } catch (error) {
      result.problems.push({ file, line: 1, col: 1, message: `cannot read this file (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
      continue;
    }
    const { parsed, source, problems } = checkSource(text, file, registry);
    if (parsed) {
      const other = fileOfId.get(parsed.id);
      if (other === undefined) fileOfId.set(parsed.id, file);
      else problems.push({ file, ...source.positionOf(["id"]), message: `id: playbook id "${parsed.id}" is already used by ${other}` });
      if (problems.length === 0) result.playbooks.push({ file, playbook: parsed });
    }
    result.problems.push(...inOrder(problems));
  }
  return result;
}

function entriesOfDirectory(path: string): string[] | undefined {
  try {
    return statSync(path).isDirectory() ? readdirSync(path) : undefined;
  } catch {
    return undefined; // reading it as a file then reports why it cannot be read
  }
}

/** `parsed` is set when the playbook passed the schema, even if later checks found problems. */
function checkSource(text: string, file: string, registry: ActionRegistry): { parsed?: Playbook; source: YamlSource; problems: SourceProblem[] } {
  const source = parseYamlSource(text, file);
  if (source.syntaxErrors.length > 0) return { source, problems: source.syntaxErrors };
  if (source.value === undefined || source.value === null) {
    return { source, problems: [{ file, line: 1, col: 1, message: "empty file: a playbook needs an id, a title, a description and steps" }] };
  }
  const result = playbookSchema.safeParse(source.value, { error: whenMissing("required") });
  if (!result.success) return { source, problems: inOrder(problemsFromZod(source, result.error)) };
  const playbook = result.data;
  const problems = [
    ...sitesOf(playbook).flatMap((site) => [...checkAction(site, source, registry), ...checkTemplates(site, playbook, source, registry)]),
    ...checkChoices(playbook, source, registry),
  ];
  return { parsed: playbook, source, problems: inOrder(problems) };
}

/** A place that names an action with its input: a step, or its verify or rollback. */
interface Site {
  path: (string | number)[];
  action: string;
  with: Record<string, unknown>;
  stepIndex: number;
  /** verify and rollback run after their step, so they may read its output. */
  mayReadOwnStep: boolean;
}

function sitesOf(playbook: Playbook): Site[] {
  return playbook.steps.flatMap((step, i) => [
    { path: ["steps", i], action: step.action, with: step.with, stepIndex: i, mayReadOwnStep: false },
    ...(["verify", "rollback"] as const).flatMap((kind) => {
      const followUp = step[kind];
      return followUp ? [{ path: ["steps", i, kind], action: followUp.action, with: followUp.with, stepIndex: i, mayReadOwnStep: true }] : [];
    }),
  ]);
}

function checkAction(site: Site, source: YamlSource, registry: ActionRegistry): SourceProblem[] {
  const action = registry.get(site.action);
  if (!action) {
    const known = [...registry.keys()].sort().join(", ") || "none are registered";
    const path = [...site.path, "action"];
    return [{ file: source.file, ...source.positionOf(path), message: `${path.join(".")}: unknown action "${site.action}" (known: ${known})` }];
  }
  const schema = inputSchemaFor(action, site.with);
  if (!schema) return [];
  const result = schema.safeParse(site.with, { error: whenMissing(`required by ${action.name}`) });
  return result.success ? [] : problemsFromZod(source, result.error, [...site.path, "with"]);
}

/**
 * What a `with` can be checked against before templates are filled in. A key whose value holds
 * a template accepts anything (its value is known only at run time); every other key, and
 * unknown and missing keys, are checked against the action's object schema. An input that is
 * not an object schema is checked only when no template is involved.
 */
function inputSchemaFor(action: ActionDefinition, value: Record<string, unknown>): z.ZodType | undefined {
  const templated = Object.keys(value).filter((key) => hasTemplate(value[key]));
  if (templated.length === 0) return action.input;
  if (!(action.input instanceof z.ZodObject)) return undefined;
  const shape: Record<string, z.core.SomeType> = { ...action.input.shape };
  for (const key of templated) if (Object.hasOwn(shape, key)) shape[key] = z.unknown();
  const catchall = action.input.def.catchall;
  // Object-level refinements are left out: they would see template text instead of values.
  return catchall ? z.object(shape).catchall(catchall) : z.object(shape);
}

function checkTemplates(site: Site, playbook: Playbook, source: YamlSource, registry: ActionRegistry): SourceProblem[] {
  const base = [...site.path, "with"];
  const syntax = templateErrorsOf(site.with).map(({ at, error }) => {
    const path = [...base, ...at];
    return { file: source.file, ...source.positionInString(path, error.offset), message: `${path.join(".")}: ${error.message}` };
  });
  const references = referencesOf(site.with).flatMap(({ at, lookup }) => {
    const why = referenceProblem(lookup, site, playbook, registry);
    if (why === undefined) return [];
    const path = [...base, ...at];
    return [{ file: source.file, ...source.positionInString(path, lookup.offset), message: `${path.join(".")}: ${lookup.text}: ${why}` }];
  });
  return [...syntax, ...references];
}

/**
 * A `choice` param is picked from an earlier step's output: that step must exist, have the
 * output the field starts with, and run before every step that uses the param; and some step must
 * use it, or nobody would ever be asked.
 */
function checkChoices(playbook: Playbook, source: YamlSource, registry: ActionRegistry): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const sites = sitesOf(playbook);
  for (const [name, spec] of Object.entries(playbook.params)) {
    if (spec.type !== "choice") continue;
    const at = (path: (string | number)[], message: string) => problems.push({ file: source.file, ...source.positionOf(path), message: `${path.join(".")}: ${message}` });
    const fromIndex = playbook.steps.findIndex((step) => step.id === spec.from.step);
    if (fromIndex === -1) {
      at(["params", name, "from", "step"], `unknown step "${spec.from.step}" (steps: ${playbook.steps.map((s) => s.id).join(", ")})`);
      continue;
    }
    const outputs = registry.get(playbook.steps[fromIndex]!.action)?.outputs;
    const list = spec.from.field.split(/[.[]/)[0]!;
    if (outputs !== undefined && !outputs.includes(list)) {
      at(["params", name, "from", "field"], `action "${playbook.steps[fromIndex]!.action}" has no output "${list}" (${outputs.length > 0 ? `outputs: ${outputs.join(", ")}` : "it has no outputs"})`);
    }
    const users = sites.filter((site) => referencesOf(site.with).some(({ lookup }) => lookup.path[0] === "params" && lookup.path[1] === name));
    if (users.length === 0) at(["params", name], `no step uses {{ params.${name} }}, so nobody would be asked to choose it`);
    for (const site of users.filter((s) => s.stepIndex <= fromIndex)) {
      at([...site.path, "with"], `uses {{ params.${name} }}, which is chosen from the output of step "${spec.from.step}"; only a later step can use it`);
    }
  }
  return problems;
}

/** Why a lookup cannot work when the playbook runs, or undefined when it can. */
function referenceProblem(lookup: TemplateLookup, site: Site, playbook: Playbook, registry: ActionRegistry): string | undefined {
  const [root, name, field, ...deeper] = lookup.path;
  const list = (items: readonly string[]) => items.join(", ");
  switch (root) {
    case "params": {
      if (typeof name !== "string") return "name a param, as in {{ params.<name> }}";
      const spec = playbook.params[name];
      if (!spec) {
        const declared = Object.keys(playbook.params);
        return `unknown param "${name}" (${declared.length > 0 ? `params: ${list(declared)}` : "this playbook declares no params"})`;
      }
      return field === undefined ? undefined : `params.${name} is a single ${spec.type} value; nothing can be looked up inside it`;
    }
    case "incident": {
      if (typeof name !== "string") return "name an incident field, as in {{ incident.title }}";
      if (!(incidentTemplateFields as readonly string[]).includes(name)) return `unknown incident field "${name}" (fields: ${list(incidentTemplateFields)})`;
      if (field === undefined) return undefined;
      if (name !== "services") return `incident.${name} is a single value; nothing can be looked up inside it`;
      return typeof field === "number" && deeper.length === 0 ? undefined : "incident.services is a list of names; use an index, as in [0]";
    }
    case "steps": {
      if (typeof name !== "string") return "name a step, as in {{ steps.<id>.output }}";
      const index = playbook.steps.findIndex((step) => step.id === name);
      if (index === -1) return `unknown step "${name}" (steps: ${list(playbook.steps.map((s) => s.id))})`;
      if (index > site.stepIndex) return `step "${name}" runs after this one; only the output of earlier steps can be used`;
      if (index === site.stepIndex && !site.mayReadOwnStep) return "a step cannot use its own output (its verify and rollback can)";
      if (field !== "output") return `only a step's output can be looked up: use {{ steps.${name}.output }}`;
      const outputs = registry.get(playbook.steps[index]!.action)?.outputs;
      const output = deeper[0];
      if (outputs === undefined || typeof output !== "string" || outputs.includes(output)) return undefined;
      const action = playbook.steps[index]!.action;
      return `action "${action}" has no output "${output}" (${outputs.length > 0 ? `outputs: ${list(outputs)}` : "it has no outputs"})`;
    }
    default:
      return undefined; // parseTemplate accepts no other root
  }
}

/** A missing required field reads "required" rather than "expected string, received undefined". */
function whenMissing(message: string): z.core.$ZodErrorMap {
  return (issue) => (issue.code === "invalid_type" && issue.input === undefined ? message : undefined);
}

function inOrder(problems: SourceProblem[]): SourceProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
}
