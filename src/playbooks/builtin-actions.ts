// The actions Firebreak ships. Each takes what it touches from `deps`, so the engine passes real
// ports and `firebreak playbooks check`, which never runs an action, can pass stubs.
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { defineAction, type ActionDefinition } from "./action-registry.js";
import { durationMs, durationSchema } from "../domain/playbook-schema.js";

export interface BuiltinActionDeps {
  /** Adds a note to the timeline of the incident the playbook runs for. */
  addNote(incidentId: number, text: string): Promise<void>;
}

const MAX_WAIT_MS = 3_600_000;

export function builtinActions(deps: BuiltinActionDeps): ActionDefinition[] {
  return [
    defineAction({
      name: "incident.note",
      description: "Add a note to the incident timeline.",
      input: z.strictObject({ text: z.string().min(1).max(3000) }),
      outputs: [],
      plan: async ({ text }) => ({
        summary: "Add a note to the incident timeline",
        // The note is the whole change: shown in the step's message, with nothing more to put in a thread.
        change: text,
        details: [],
        risk: { irreversible: false },
      }),
      run: async ({ text }, ctx) => {
        if (ctx.incidentId === undefined) throw new Error("incident.note runs only inside a playbook run");
        await deps.addNote(ctx.incidentId, text);
      },
    }),
    defineAction({
      name: "wait",
      description: "Wait for a while, for instance to let a change settle before it is verified.",
      // A longer wait belongs to a person watching, not to a step holding a run open.
      input: z.strictObject({
        duration: durationSchema.refine((d) => durationMs(d) <= MAX_WAIT_MS, { error: "at most 1h" }),
      }),
      outputs: [],
      plan: async ({ duration }) => ({ summary: `Wait ${duration}`, details: [], risk: { irreversible: false, readOnly: true } }),
      run: async ({ duration }, ctx) => {
        await sleep(durationMs(duration), undefined, { signal: ctx.signal });
      },
    }),
  ];
}
