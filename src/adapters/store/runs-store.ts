// Playbook runs and their steps. Every change goes through `save`, which applies a decided
// transition only if nobody changed the run since it was read (optimistic concurrency), so
// fifty concurrent clicks produce one transition and forty-nine clear refusals.
import { z } from "zod";
import { runStates, stepStates, type Approval, type PlaybookRun, type StepRun } from "../../domain/playbook-run.js";
import { playbookSchema, type Playbook } from "../../domain/playbook-schema.js";
import type { RunRecord, RunsRepository, StepRunRecord, ClaimedStep } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

const id = z.coerce.number().int();
const planSchema = z.object({
  summary: z.string(),
  change: z.string().optional(),
  details: z.array(z.object({ kind: z.enum(["sql", "kubernetes", "http", "text"]), text: z.string() })),
  risk: z.object({ irreversible: z.boolean(), readOnly: z.boolean().optional(), blastRadius: z.object({ unit: z.string(), count: z.number() }).optional() }),
  noop: z.string().optional(),
});

const eligibleSchema = z.object({
  commander: z.string().nullable(),
  users: z.array(z.string()),
  groups: z.array(z.object({ name: z.string(), members: z.array(z.string()) })),
});

const runRow = z.object({ id, incident_id: id, playbook: z.unknown(), params: z.record(z.string(), z.unknown()), state: z.enum(runStates), requested_by: z.string(), version: id });
const stepRow = z.object({
  id,
  position: id,
  step_id: z.string(),
  state: z.enum(stepStates),
  round: id,
  attempt: id,
  input: z.unknown(),
  plan: planSchema.nullable(),
  required_approvals: id,
  approval_expires_at: z.coerce.date().nullable(),
  eligible: eligibleSchema.nullable(),
  output: z.unknown(),
  error: z.string().nullable(),
  version: id,
  slack_ts: z.string().nullable(),
  progress: z.string().nullable(),
});
const approvalRow = z.object({ step_run_id: id, round: id, user_id: z.string(), decision: z.enum(["approve", "deny"]), reason: z.string().nullable(), decided_at: z.coerce.date() });

export function createRunsStore(sql: SqlExecutor): RunsRepository {
  async function get(runId: number): Promise<RunRecord | undefined> {
    const [row] = await sql.query("SELECT * FROM playbook_runs WHERE id = $1", [runId]);
    if (!row) return undefined;
    const run = runRow.parse(row);
    const steps = (await sql.query("SELECT * FROM step_runs WHERE run_id = $1 ORDER BY position", [runId])).map((r) => stepRow.parse(r));
    const approvals = (
      await sql.query("SELECT a.* FROM approvals a JOIN step_runs s ON s.id = a.step_run_id AND a.round = s.round WHERE s.run_id = $1 ORDER BY a.id", [runId])
    ).map((r) => approvalRow.parse(r));
    return {
      id: run.id,
      incidentId: run.incident_id,
      playbook: playbookSchema.parse(run.playbook),
      params: run.params,
      state: run.state,
      requestedBy: run.requested_by,
      version: run.version,
      steps: steps.map((s) => ({
        id: s.id,
        runId: run.id,
        position: s.position,
        stepId: s.step_id,
        state: s.state,
        round: s.round,
        attempt: s.attempt,
        input: s.input ?? null,
        plan: s.plan,
        requiredApprovals: s.required_approvals,
        approvals: approvals.filter((a) => a.step_run_id === s.id).map((a): Approval => ({ userId: a.user_id, decision: a.decision, reason: a.reason, at: a.decided_at })),
        approvalExpiresAt: s.approval_expires_at,
        eligible: s.eligible,
        output: s.output ?? null,
        error: s.error,
        version: s.version,
        slackTs: s.slack_ts,
        progress: s.progress,
      })),
    };
  }

  return {
    get,

    async create(input: { incidentId: number; playbook: Playbook; params: Record<string, unknown>; requestedBy: string }): Promise<RunRecord> {
      const [row] = await sql.query<{ id: number }>(
        "INSERT INTO playbook_runs (incident_id, playbook_id, playbook, params, state, requested_by) VALUES ($1,$2,$3,$4,'running',$5) RETURNING id",
        [input.incidentId, input.playbook.id, input.playbook, input.params, input.requestedBy],
      );
      for (const [position, step] of input.playbook.steps.entries()) {
        await sql.query("INSERT INTO step_runs (run_id, step_id, position, state) VALUES ($1,$2,$3,'pending')", [row!.id, step.id, position]);
      }
      return (await get(Number(row!.id)))!;
    },

    async forIncident(incidentId: number): Promise<number[]> {
      return (await sql.query<{ id: number }>("SELECT id FROM playbook_runs WHERE incident_id = $1 ORDER BY id", [incidentId])).map((r) => Number(r.id));
    },

    /** Persists a decided transition; false when the run changed since `before` was read. */
    async save(before: RunRecord, after: PlaybookRun): Promise<boolean> {
      const updated = await sql.query(
        // params change when a person chooses one from an earlier step's output (a `choice` param).
        "UPDATE playbook_runs SET state = $3, params = $4, version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 RETURNING id",
        [before.id, before.version, after.state, after.params],
      );
      if (updated.length === 0) return false;
      for (const step of after.steps) {
        const old = before.steps[step.position]!;
        if (step.version === old.version && step.state === old.state) continue;
        await sql.query(
          `UPDATE step_runs SET state = $2, round = $3, input = $4, plan = $5, required_approvals = $6, approval_expires_at = $7,
             output = $8, error = $9, version = $10, eligible = $11,
             lease_owner = CASE WHEN $2 IN ('running', 'rolling_back') THEN lease_owner ELSE NULL END,
             lease_expires_at = CASE WHEN $2 IN ('running', 'rolling_back') THEN lease_expires_at ELSE NULL END,
             finished_at = CASE WHEN $2 IN ('succeeded','failed','denied','skipped','cancelled','rolled_back') THEN now() ELSE finished_at END
           WHERE id = $1`,
          [step.id, step.state, step.round, step.input ?? null, step.plan, step.requiredApprovals, step.approvalExpiresAt, step.output ?? null, step.error, step.version, step.eligible ?? null],
        );
        for (const approval of step.approvals.slice(old.round === step.round ? old.approvals.length : 0)) {
          // The unique (step, round, user) index is the last line of defence against a double approval.
          await sql.query(
            "INSERT INTO approvals (step_run_id, round, user_id, decision, reason, decided_at) VALUES ($1,$2,$3,$4,$5,$6)",
            [step.id, step.round, approval.userId, approval.decision, approval.reason, approval.at],
          );
        }
      }
      return true;
    },

    /** Claims one step that is ready to run (or to roll back) for `owner`, with a lease. */
    async claim(owner: string, now: Date, leaseMs: number): Promise<ClaimedStep | undefined> {
      const [row] = await sql.query<{ run_id: number; id: number; position: number; state: string; attempt: number }>(
        `UPDATE step_runs SET state = CASE WHEN state = 'ready' THEN 'running' ELSE state END,
           lease_owner = $1, lease_expires_at = $2::timestamptz + make_interval(secs => $3::float8 / 1000),
           attempt = attempt + 1, started_at = coalesce(started_at, $2), version = version + 1
         WHERE id = (SELECT id FROM step_runs WHERE state = 'ready' OR (state = 'rolling_back' AND lease_owner IS NULL)
                     ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING run_id, id, position, state, attempt`,
        [owner, now, leaseMs],
      );
      if (!row) return undefined;
      // The run's version moves too, so a decision read before the claim cannot overwrite it.
      await sql.query("UPDATE playbook_runs SET version = version + 1 WHERE id = $1", [row.run_id]);
      return { runId: Number(row.run_id), stepRunId: Number(row.id), position: Number(row.position), state: row.state as ClaimedStep["state"], attempt: Number(row.attempt) };
    },

    async heartbeat(stepRunId: number, owner: string, until: Date): Promise<boolean> {
      const rows = await sql.query("UPDATE step_runs SET lease_expires_at = $3 WHERE id = $1 AND lease_owner = $2 RETURNING id", [stepRunId, owner, until]);
      return rows.length === 1;
    },

    /** Steps whose worker stopped renewing its lease: it died, or lost the database. */
    async expiredLeases(now: Date): Promise<{ runId: number; position: number }[]> {
      const rows = await sql.query<{ run_id: number; position: number }>(
        "SELECT run_id, position FROM step_runs WHERE lease_owner IS NOT NULL AND state IN ('running','rolling_back') AND lease_expires_at < $1 ORDER BY id",
        [now],
      );
      return rows.map((r) => ({ runId: Number(r.run_id), position: Number(r.position) }));
    },

    /** How many steps are ready to run, running or rolling back, in any worker (or none: a dead one's). */
    async busy(): Promise<number> {
      const [row] = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM step_runs WHERE state IN ('ready', 'running', 'rolling_back')");
      return Number(row!.n);
    },

    async setProgress(stepRunId: number, owner: string, progress: string): Promise<void> {
      await sql.query("UPDATE step_runs SET progress = $3 WHERE id = $1 AND lease_owner = $2", [stepRunId, owner, progress.slice(0, 500)]);
    },

    async setSlackTs(stepRunId: number, ts: string): Promise<void> {
      await sql.query("UPDATE step_runs SET slack_ts = $2 WHERE id = $1 AND slack_ts IS NULL", [stepRunId, ts]);
    },
  };
}

