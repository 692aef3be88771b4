// What the run state machine keeps per step: the approval round, the resolved input and the plan
// approvers saw (so what runs is exactly what was approved), and the last progress report.
export const up = `
ALTER TABLE step_runs
  ADD COLUMN round integer NOT NULL DEFAULT 0,
  ADD COLUMN input jsonb,
  ADD COLUMN plan jsonb,
  ADD COLUMN required_approvals integer NOT NULL DEFAULT 0,
  ADD COLUMN progress text;
CREATE INDEX step_runs_ready ON step_runs (id) WHERE state IN ('ready', 'rolling_back');
CREATE INDEX step_runs_leased ON step_runs (lease_expires_at) WHERE lease_owner IS NOT NULL;
CREATE INDEX playbook_runs_incident ON playbook_runs (incident_id);
`;
