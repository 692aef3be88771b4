// A param a person picks from an earlier step's output (`type: choice`): the rebuild playbook's
// index is one of the invalid indexes its find step listed, never typed. The param is not asked
// when the run starts; the first step that uses it waits, showing what the earlier step found,
// until someone chooses. Everything here is pure, so the options a person saw and the options a
// choice is checked against are computed from the same stored output.
import type { Playbook } from "./playbook-schema.js";
import type { PlaybookRun } from "./playbook-run.js";

/** `indexes[].name`: names separated by dots, exactly one of them a list (`[]`) whose items are offered. */
export const choiceFieldPattern = /^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*\[\](?:\.[a-z_][a-z0-9_]*)*$/;

/** Block Kit: a static_select holds at most 100 options (https://api.slack.com/reference/block-kit/block-elements#static_select). */
export const MAX_CHOICES = 100;

export interface ChoiceSource {
  step: string;
  field: string;
}

export interface ChoiceParam {
  name: string;
  from: ChoiceSource;
  description?: string | undefined;
}

/** The choice params of a playbook. */
export function choiceParams(playbook: Playbook): ChoiceParam[] {
  return Object.entries(playbook.params).flatMap(([name, spec]) => (spec.type === "choice" ? [{ name, from: spec.from, description: spec.description }] : []));
}

/** Where a choice field's list is, and what of each item is offered. */
export function splitChoiceField(field: string): { list: string[]; item: string[] } {
  const [list, item] = field.split("[]") as [string, string];
  return { list: list.split("."), item: item === "" ? [] : item.slice(1).split(".") };
}

/** The distinct values an output offers for `field`, in the order the step listed them (strings and numbers only). */
export function choicesIn(output: unknown, field: string): string[] {
  const { list, item } = splitChoiceField(field);
  const items = dig(output, list);
  if (!Array.isArray(items)) return [];
  const values = items.map((entry) => dig(entry, item)).filter((v): v is string | number => typeof v === "string" || typeof v === "number");
  return [...new Set(values.map(String))];
}

function dig(value: unknown, path: string[]): unknown {
  let here = value;
  for (const key of path) {
    if (here === null || typeof here !== "object" || !Object.hasOwn(here, key)) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}

const usesParam = (value: unknown, name: string) => new RegExp(`\\{\\{\\s*params\\.${name.replace(/[-]/g, "\\-")}(?![A-Za-z0-9_-])`).test(JSON.stringify(value ?? null));

/** The choice param step `position` waits for: one it uses (in its input, verify or rollback) that nobody has chosen yet. */
export function pendingChoice(run: Pick<PlaybookRun, "playbook" | "params">, position: number): ChoiceParam | undefined {
  const def = run.playbook.steps[position];
  if (!def) return undefined;
  return choiceParams(run.playbook).find((choice) => run.params[choice.name] === undefined && [def.with, def.verify?.with, def.rollback?.with].some((w) => usesParam(w, choice.name)));
}

export interface ChoiceOffer {
  param: ChoiceParam;
  /** The step whose output is offered, and its title. */
  sourceTitle: string;
  /** Every value found; a select shows the first MAX_CHOICES. */
  values: string[];
}

/** What step `position` offers: the values its pending choice's source step found (none if it did not succeed). */
export function choiceOffer(run: PlaybookRun, position: number): ChoiceOffer | undefined {
  const param = pendingChoice(run, position);
  if (!param) return undefined;
  const sourceIndex = run.playbook.steps.findIndex((s) => s.id === param.from.step);
  const source = run.steps[sourceIndex];
  const values = source?.state === "succeeded" ? choicesIn(source.output, param.from.field) : [];
  return { param, sourceTitle: run.playbook.steps[sourceIndex]?.title ?? param.from.step, values };
}
