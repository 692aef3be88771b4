// Calls made to rate-limited Slack methods, so every replica stays inside one shared budget.
export const up = `
CREATE TABLE rate_slots (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  bucket  text NOT NULL,
  at      timestamptz NOT NULL
);
CREATE INDEX rate_slots_bucket ON rate_slots (bucket, at);
`;
