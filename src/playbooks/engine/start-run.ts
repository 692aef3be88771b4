// Starting a run: check the params against the playbook, record the run, and apply `start`.
import type { Incident } from "../../domain/incident.js";
import { humanId } from "../../domain/incident.js";
import { paramValueSchema, type Playbook } from "../../domain/playbook-schema.js";
import { unknownTarget, type TargetNames } from "../../domain/targets.js";
import { checkPermission } from "../../incidents/lifecycle/permission-check.js";
import { applyEventIn, type ApplyResult } from "./apply-event.js";
import type { EngineDeps } from "./engine-deps.js";

export type ParamErrors = Record<string, string>;

/** Raw values (strings from a form) to typed params; every problem keyed by param name. */
export function coerceParams(
  playbook: Playbook,
  raw: Record<string, string | undefined>,
  /** The configured targets: a target param must name one of them, checked before the run starts. */
  targets?: TargetNames,
): { ok: true; params: Record<string, unknown> } | { ok: false; errors: ParamErrors } {
  const params: Record<string, unknown> = {};
  const errors: ParamErrors = {};
  for (const [name, spec] of Object.entries(playbook.params)) {
    // Chosen by a person when the run reaches the step that uses it, never given at the start.
    if (spec.type === "choice") continue;
    const text = raw[name]?.trim();
    if (text === undefined || text === "") {
      if (spec.default !== undefined) params[name] = spec.default;
      else if (spec.required !== false) errors[name] = "Required.";
      continue;
    }
    const value = spec.type === "integer" || spec.type === "number" ? Number(text) : spec.type === "boolean" ? text === "true" : text;
    const result = paramValueSchema(spec).safeParse(value);
    const notConfigured = result.success && spec.type === "target" && targets ? unknownTarget(spec.kind, text, targets) : undefined;
    if (result.success && !notConfigured) params[name] = result.data;
    else errors[name] = notConfigured ?? (result.success ? "" : result.error.issues.map((i) => i.message).join("; "));
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, params };
}

export async function startRun(
  deps: EngineDeps,
  input: { incident: Incident; playbook: Playbook; params: Record<string, unknown>; userId: string; /** A form submitted twice starts one run. */ dedupeKey?: string },
): Promise<ApplyResult | { ok: false; duplicate: true; reason: string }> {
  if (input.incident.status === "resolved") return { ok: false, reason: `${humanId(input.incident)} is resolved; playbooks can no longer be run for it.` };
  const permissionDeps = { chat: deps.chat, store: deps.store, approverGroups: deps.file.approver_groups, ...(deps.file.permissions && { permissions: deps.file.permissions }) };
  const denied = await checkPermission(permissionDeps, input.incident, input.userId, "playbooks");
  if (denied && !denied.ok) return denied;
  // The run, all its steps and its start appear together, or not at all: a crash cannot leave a
  // run that exists but never started.
  const started = await deps.store.transaction(async (tx) => {
    if (input.dedupeKey && !(await tx.deliveries.record("slack-view", input.dedupeKey, { playbook: input.playbook.id }))) return undefined;
    const run = await tx.runs.create({ incidentId: input.incident.id, playbook: input.playbook, params: input.params, requestedBy: input.userId });
    const outcome = await applyEventIn(tx, deps, run.id, { type: "start" }, input.userId, deps.now());
    // Nobody else knows the run yet, so nothing can have changed it.
    if (outcome === "conflict") throw new Error(`playbook run ${run.id} changed before it started`);
    return outcome;
  });
  if (!started) return { ok: false, duplicate: true, reason: "This form was already submitted; the run it started is in the channel." };
  if (started.ok) {
    deps.nudgeJobs();
    deps.nudgeSteps();
  }
  return started;
}
