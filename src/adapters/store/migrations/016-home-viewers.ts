// Who has opened Firebreak's App Home, and when last: a change republishes the home of these
// people only (recent ones, a bounded number), not of everyone in the workspace.
export const up = `
CREATE TABLE home_viewers (
  user_id    text PRIMARY KEY,
  opened_at  timestamptz NOT NULL
);
CREATE INDEX home_viewers_recent ON home_viewers (opened_at DESC);
`;
