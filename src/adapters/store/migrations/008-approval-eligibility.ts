// Who may approve a step's current approval round, fixed when the round was requested: the
// commander then, the approver groups' members then, the named users. Read on every click, by
// whichever replica gets it, so it lives here and not in memory. NULL: never asked yet (or asked
// before this column existed; such a round is asked again with "Re-request approval").
export const up = `
ALTER TABLE step_runs ADD COLUMN eligible jsonb;
`;
