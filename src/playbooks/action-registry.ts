// What a playbook step can do. Every action declares its input (checked before anything runs),
// a dry-run `plan` that says what it would do, and `run`. Steps name actions; the registry is
// the only way a name becomes behaviour.
import type { z } from "zod";
import type { Logger } from "../kernel/log.js";
import type { ActionPlan } from "../domain/action-plan.js";
import { actionNamePattern } from "../domain/playbook-schema.js";

export interface ActionContext {
  log: Logger;
  signal: AbortSignal;
  now(): Date;
  progress(text: string): void;
  /** The incident the step runs for (set by the engine; absent in dry runs outside a run). */
  incidentId?: number;
}

export interface ActionDefinition<I = unknown, O = unknown> {
  name: string;
  description: string;
  input: z.ZodType<I>;
  /** outputs later steps may reference, described for `check` */
  outputs?: readonly string[];
  plan(input: I, ctx: ActionContext): Promise<ActionPlan>;
  run(input: I, ctx: ActionContext): Promise<O>;
  /**
   * One sentence a commander reads at 3am in place of the raw output ("Found 1 invalid index:
   * orders_email_key on orders"); the raw output goes to the step's thread. `output` comes back
   * from the database, so a summary must not trust fields an older release may not have written.
   */
  summarize?(output: NoInfer<O>, input: NoInfer<I>): string;
}

export type ActionRegistry = ReadonlyMap<string, ActionDefinition>;

/** Infers the input type of `plan` and `run` from `input`, so an action is written without annotations. */
export function defineAction<I, O>(action: ActionDefinition<I, O>): ActionDefinition {
  return action;
}

export function createActionRegistry(actions: ActionDefinition[]): ActionRegistry {
  const registry = new Map<string, ActionDefinition>();
  for (const action of actions) {
    if (!actionNamePattern.test(action.name)) {
      throw new Error(`action name "${action.name}" cannot be used in a playbook: use dotted snake_case, as in "postgres.rebuild_index"`);
    }
    if (registry.has(action.name)) throw new Error(`action "${action.name}" is registered twice; each name must be registered once`);
    registry.set(action.name, action);
  }
  return registry;
}
