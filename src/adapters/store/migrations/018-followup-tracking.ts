// Follow-ups tracked to done (issue 15): who owns each, when it is due, whether it is done (as
// GitHub's issue says, read back from its webhooks and a periodic reconcile), and when the
// reconcile last asked GitHub, so each round asks about those it has waited longest to see.
export const up = `
ALTER TABLE followups
  ADD COLUMN owner_id           text,
  ADD COLUMN due_on             text CHECK (due_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  ADD COLUMN state              text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
  ADD COLUMN closed_at          timestamptz,
  ADD COLUMN github_updated_at  timestamptz,
  ADD COLUMN checked_at         timestamptz;
CREATE INDEX followups_issue_number ON followups (issue_number) WHERE issue_number IS NOT NULL;
CREATE INDEX followups_open_due ON followups (due_on) WHERE state = 'open' AND due_on IS NOT NULL;
`;
