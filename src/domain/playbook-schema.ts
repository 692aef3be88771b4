// The playbook format: the one definition that parses playbook files, types them, and produces
// playbooks/playbook.schema.json for editor completion. Objects are strict so that a misspelt
// key is an error rather than a setting silently ignored in the middle of an incident.
// Rules that need no action registry (a default that fits its param, unique step ids, an
// approval that can be given) live here too, so every parse enforces them.
import { z } from "zod";
import { incidentSources, severities } from "./incident.js";
import { targetKinds, targetNamePattern } from "./targets.js";
import { choiceFieldPattern } from "./step-choice.js";

export const playbookIdPattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** Step ids and param names: snake_case or kebab-case, so templates can name them. */
export const namePattern = /^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/;
/** Action names: dotted snake_case, as in `postgres.rebuild_index` or `wait`. */
export const actionNamePattern = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$/;

const durationPattern = /^[1-9][0-9]*[smh]$/;
const unitMs = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

export const durationSchema = z
  .string()
  .regex(durationPattern, { error: 'expected a duration such as "30s", "10m" or "1h"' })
  .describe('A whole number of seconds, minutes or hours: "30s", "10m", "1h".');

/** Milliseconds in a duration that passed `durationSchema`. */
export function durationMs(duration: string): number {
  const unit = duration.slice(-1) as keyof typeof unitMs;
  return Number(duration.slice(0, -1)) * unitMs[unit];
}

const name = z.string().regex(namePattern, { error: 'use lowercase letters and digits, separated by "_" or "-"' });
const actionName = z
  .string()
  .regex(actionNamePattern, { error: 'expected an action name such as "incident.note"' })
  .describe("A registered action; `firebreak playbooks check` lists the known ones.");
const withValues = z
  .record(z.string(), z.unknown())
  .default({})
  .describe("The action's input. Strings may hold {{ params.<name> }}, {{ incident.<field> }} and {{ steps.<id>.output }} lookups.");

const paramBase = {
  description: z.string().optional(),
  required: z.boolean().default(true).describe("A required param without a default must be given when the playbook runs."),
};

const bounds = <T extends { min?: number | undefined; max?: number | undefined }>(spec: T, ctx: z.RefinementCtx) => {
  if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
    ctx.addIssue({ code: "custom", path: ["min"], message: `min (${spec.min}) is greater than max (${spec.max})` });
  }
};

export const paramSpecSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("string"),
    ...paramBase,
    default: z.string().optional(),
    pattern: z.string().optional().describe("A regular expression the value must match (unanchored: use ^ and $ to match it all)."),
  }),
  z.strictObject({ type: z.literal("integer"), ...paramBase, default: z.int().optional(), min: z.number().optional(), max: z.number().optional() }).superRefine(bounds),
  z.strictObject({ type: z.literal("number"), ...paramBase, default: z.number().optional(), min: z.number().optional(), max: z.number().optional() }).superRefine(bounds),
  z.strictObject({ type: z.literal("boolean"), ...paramBase, default: z.boolean().optional() }),
  z.strictObject({ type: z.literal("enum"), ...paramBase, default: z.string().optional(), values: z.array(z.string()).min(1) }),
  z.strictObject({
    type: z.literal("target"),
    kind: z.enum(targetKinds).describe("Which of firebreak.yaml's targets the value names: offered as a choice of those configured."),
    ...paramBase,
    default: z.string().regex(targetNamePattern).optional(),
  }),
  z.strictObject({
    type: z.literal("choice"),
    description: z.string().optional(),
    from: z
      .strictObject({
        step: z.string().regex(namePattern).describe("The earlier step whose output is offered."),
        field: z
          .string()
          .regex(choiceFieldPattern, { error: 'expected a list field of the step\'s output, with "[]" after the list, such as "indexes[].name"' })
          .describe('Which values to offer: the list in the output, "[]", then the field of each item, as in "indexes[].name".'),
      })
      .describe("A person picks the value from this earlier step's output when the run reaches the first step that uses it; it is not asked when the run starts."),
  }),
]);

export type ParamSpec = z.output<typeof paramSpecSchema>;

/** What a value for this param must be: the default is checked with it, and so are run inputs. */
export function paramValueSchema(spec: ParamSpec): z.ZodType {
  switch (spec.type) {
    case "string":
      return spec.pattern === undefined ? z.string() : z.string().regex(new RegExp(spec.pattern, "u"));
    case "integer":
    case "number": {
      let schema = spec.type === "integer" ? z.int() : z.number();
      if (spec.min !== undefined) schema = schema.min(spec.min);
      if (spec.max !== undefined) schema = schema.max(spec.max);
      return schema;
    }
    case "boolean":
      return z.boolean();
    case "enum":
      return z.enum(spec.values as [string, ...string[]]);
    case "target":
      return z.string().regex(targetNamePattern, `not a ${spec.kind} target name`);
    case "choice":
      return z.string();
  }
}

const params = z
  .record(z.string().regex(namePattern), paramSpecSchema, {
    error: (issue) => (issue.code === "invalid_key" ? 'a param name uses lowercase letters and digits, separated by "_" or "-"' : undefined),
  })
  .default({})
  .superRefine((specs, ctx) => {
    for (const [param, spec] of Object.entries(specs)) {
      if (spec.type === "string" && spec.pattern !== undefined) {
        try {
          new RegExp(spec.pattern, "u");
        } catch (error) {
          ctx.addIssue({ code: "custom", path: [param, "pattern"], message: `not a valid regular expression (${(error as Error).message})` });
          continue;
        }
      }
      if (spec.type === "choice" || spec.default === undefined) continue;
      const result = paramValueSchema(spec).safeParse(spec.default);
      if (!result.success) {
        const why = result.error.issues.map((issue) => issue.message).join("; ");
        ctx.addIssue({ code: "custom", path: [param, "default"], message: `the default does not fit this param: ${why}` });
      }
    }
  });

const approver = z.union([z.literal("commander"), z.strictObject({ group: z.string().min(1) }), z.strictObject({ users: z.array(z.string().min(1)).min(1) })]);
export type Approver = z.output<typeof approver>;

const approval = z
  .strictObject({
    from: z
      .union([approver, z.array(approver).min(1)], {
        error: 'expected "commander", { group: <name> }, { users: [<user id>, ...] }, or a list of these',
      })
      .transform((from) => (Array.isArray(from) ? from : [from]))
      .describe("Who may approve: the incident commander, members of a Slack user group, or named users."),
    count: z.int().positive().default(1).describe("How many different people must approve."),
    reason: z.string().optional().describe("Shown to approvers: why this step needs them."),
  })
  .superRefine((spec, ctx) => {
    // Without a group the people who can approve are countable; asking for more can never succeed.
    if (spec.from.some((a) => typeof a === "object" && "group" in a)) return;
    const users = new Set(spec.from.flatMap((a) => (typeof a === "object" && "users" in a ? a.users : []))).size;
    const commander = spec.from.includes("commander");
    if (spec.count <= users + (commander ? 1 : 0)) return;
    const who = [commander ? "the commander" : "", users > 0 ? `${users} user${users === 1 ? "" : "s"}` : ""].filter(Boolean).join(" and ");
    ctx.addIssue({ code: "custom", path: ["count"], message: `${spec.count} approvals are needed but only ${who} can approve` });
  });

const followUp = z.strictObject({ action: actionName, with: withValues });

export const stepSchema = z
  .strictObject({
    id: name.describe("Unique within the playbook; later steps read this step's output as {{ steps.<id>.output }}."),
    title: z.string().min(1),
    action: actionName,
    with: withValues,
    approval: approval.optional().describe("Absent: the step runs without approval."),
    reversible: z.boolean().default(false),
    idempotent: z.boolean().default(false).describe("Safe to run again after an interruption."),
    risky: z.boolean().default(false).describe("Held back by the peak-hours guard."),
    timeout: durationSchema.default("10m"),
    verify: followUp.optional().describe("A postcondition: an action that checks the step had its effect."),
    rollback: followUp.optional().describe("An action that undoes the step."),
    on_failure: z
      .enum(["abort", "continue", "rollback"])
      .default("abort")
      .describe("abort: stop the run; continue: go on to the next step; rollback: stop and undo completed steps in reverse."),
  })
  .describe("One step, run in order after the ones before it.");

export type PlaybookStep = z.output<typeof stepSchema>;

export const playbookSchema = z
  .strictObject({
    id: z.string().regex(playbookIdPattern, { error: 'use kebab-case: lowercase letters and digits separated by "-"' }),
    title: z.string().min(1),
    description: z.string().min(1),
    when: z
      .strictObject({
        services: z.array(z.string().min(1)).optional(),
        severity: z.array(z.enum(severities)).optional(),
        source: z.array(z.enum(incidentSources)).optional(),
        keywords: z.array(z.string().min(1)).optional().describe("Matched against the incident title and description, ignoring case."),
      })
      .default({})
      .describe("Which incidents this playbook is suggested for; every listed condition must match."),
    params,
    steps: z.array(stepSchema).min(1),
  })
  .superRefine((playbook, ctx) => {
    const firstIndex = new Map<string, number>();
    playbook.steps.forEach((step, index) => {
      const first = firstIndex.get(step.id);
      if (first === undefined) firstIndex.set(step.id, index);
      else ctx.addIssue({ code: "custom", path: ["steps", index, "id"], message: `duplicate step id "${step.id}" (already used by steps.${first})` });
    });
    playbook.steps.forEach((step, index) => {
      // "rollback" with nothing to roll back would quietly behave like "abort".
      if (step.on_failure === "rollback" && !playbook.steps.slice(0, index + 1).some((s) => s.rollback)) {
        ctx.addIssue({ code: "custom", path: ["steps", index, "on_failure"], message: `"rollback" but neither this step nor an earlier one has a rollback` });
      }
    });
  })
  .meta({ title: "Firebreak playbook", description: "An incident playbook: when to suggest it, its params, and its ordered steps." });

export type Playbook = z.output<typeof playbookSchema>;
