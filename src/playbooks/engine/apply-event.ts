// The one way a run changes: read it, decide, and persist the new state, its timeline entries
// and the jobs for its commands in one transaction. A concurrent change makes the save fail;
// the event is then decided again against the fresh run.
import { humanId } from "../../domain/incident.js";
import { decide, InvalidTransition, type RunEvent } from "../../domain/playbook-run.js";
import { stepEventMarker } from "../../markers/datadog-markers.js";
import { enqueueMarker } from "../../markers/datadog-marker-job.js";
import type { RunRecord } from "../../ports/store.js";
import type { Repositories } from "../../ports/store.js";
import { enqueuePreviewRefresh } from "../../postmortem/preview-refresh-queue.js";
import { EXPIRE_APPROVAL_JOB, PREPARE_STEP_JOB, RENDER_STEP_JOB, type EngineDeps } from "./engine-deps.js";

export type ApplyResult = { ok: true; run: RunRecord } | { ok: false; reason: string };

const MAX_TRIES = 20;

export async function applyEvent(deps: EngineDeps, runId: number, event: RunEvent, actor: string | null = null): Promise<ApplyResult> {
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const outcome = await deps.store.transaction((tx) => applyEventIn(tx, deps, runId, event, actor, deps.now()));
    if (outcome === "conflict") continue;
    if (outcome.ok) {
      deps.nudgeJobs();
      deps.nudgeSteps();
    }
    return outcome;
  }
  return { ok: false, reason: "The run is changing too fast to apply this; try again in a moment." };
}

/**
 * The event applied inside the caller's transaction; "conflict" when the run changed since it
 * was read (the caller decides again). The caller nudges the workers once it has committed.
 */
export async function applyEventIn(tx: Repositories, deps: EngineDeps, runId: number, event: RunEvent, actor: string | null, now: Date): Promise<ApplyResult | "conflict"> {
  const before = await tx.runs.get(runId);
  if (!before) return { ok: false, reason: `There is no playbook run ${runId}.` };
  let decision;
  try {
    decision = decide(before, event, now);
  } catch (error) {
    if (error instanceof InvalidTransition) return { ok: false, reason: `${capitalise(error.message)}.` };
    throw error;
  }
  if (!(await tx.runs.save(before, decision.run))) return "conflict";
  let last: number | undefined;
  for (const entry of decision.timeline) {
    ({ entry: { id: last } } = await tx.timeline.append({
      incidentId: before.incidentId,
      eventAt: now,
      kind: entry.kind,
      actor: entry.actor ?? actor,
      text: entry.text,
      data: { runId, playbookId: before.playbook.id, ...("position" in event && { stepId: before.playbook.steps[event.position]?.id }) },
    }));
  }
  // A step's outcome, an approval or a run's start is a line of the post-mortem's timeline: the
  // preview, once shown, follows it like any other entry (one refresh for the event's entries).
  if (last !== undefined) await enqueuePreviewRefresh(tx, before.incidentId, `entry:${last}`, now);
  for (const command of decision.commands) {
    const stepRunId = before.steps[command.position]!.id;
    const version = decision.run.steps[command.position]!.version;
    if (command.type === "prepare") {
      await tx.jobs.enqueue({ kind: PREPARE_STEP_JOB, payload: { runId, position: command.position }, dedupeKey: `prepare:${stepRunId}:${version}` }, now);
    } else if (command.type === "render") {
      await tx.jobs.enqueue({ kind: RENDER_STEP_JOB, payload: { runId, position: command.position }, dedupeKey: `render:${stepRunId}:${version}` }, now);
    } else if (command.type === "expire_approval") {
      await tx.jobs.enqueue(
        { kind: EXPIRE_APPROVAL_JOB, payload: { runId, position: command.position, round: command.round }, runAt: command.at, dedupeKey: `expire:${stepRunId}:${command.round}` },
        now,
      );
    }
  }
  if (event.type === "succeeded" || event.type === "failed") {
    const step = decision.run.steps[event.position]!;
    const def = before.playbook.steps[event.position]!;
    const incident = (await tx.incidents.get(before.incidentId))!;
    const marker = stepEventMarker({
      incidentHumanId: humanId(incident),
      playbookTitle: before.playbook.title,
      stepTitle: def.title,
      action: def.action,
      outcome: event.type,
      approvedBy: step.approvals.filter((a) => a.decision === "approve").map((a) => a.userId),
      at: now,
      services: incident.services,
    });
    await enqueueMarker(tx, deps.markers, now, marker, `step:${step.id}:${step.attempt}:${event.type}`);
  }
  const after = (await tx.runs.get(runId))!;
  return { ok: true, run: after };
}


const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
