import { playbookSchema, type Playbook } from "../../src/domain/playbook-schema.js";
import type { PlaybookRun, StepRun } from "../../src/domain/playbook-run.js";

/** A three-step playbook: a plain step, an irreversible approved one, a reversible risky one with a rollback. */
export function samplePlaybook(overrides: Record<string, unknown>[] = []): Playbook {
  const steps: Record<string, unknown>[] = [
    { id: "find", title: "Find invalid indexes", action: "incident.note", with: { text: "find" }, idempotent: true },
    { id: "rebuild", title: "Rebuild the index", action: "incident.note", with: { text: "rebuild" }, approval: { from: ["commander", { group: "dba" }], count: 1 } },
    { id: "shift", title: "Shift traffic", action: "incident.note", with: { text: "shift" }, reversible: true, risky: true, approval: { from: "commander" }, rollback: { action: "incident.note", with: { text: "undo" } } },
  ];
  return playbookSchema.parse({
    id: "sample",
    title: "Sample",
    description: "A sample playbook",
    steps: steps.map((s, i) => ({ ...s, ...overrides[i] })),
  });
}

export function newRun(playbook: Playbook = samplePlaybook(), requestedBy = "UREQ"): PlaybookRun {
  return {
    id: 1,
    incidentId: 7,
    playbook,
    params: {},
    state: "running",
    requestedBy,
    version: 1,
    steps: playbook.steps.map((s, position): StepRun => ({
      id: 100 + position,
      position,
      stepId: s.id,
      state: "pending",
      round: 0,
      attempt: 0,
      input: null,
      plan: null,
      requiredApprovals: 0,
      approvals: [],
      approvalExpiresAt: null,
      output: null,
      error: null,
      version: 1,
    })),
  };
}

export const plan = (summary = "do it", extra: Record<string, unknown> = {}) => ({ summary, details: [{ kind: "text" as const, text: summary }], risk: { irreversible: false }, ...extra });
