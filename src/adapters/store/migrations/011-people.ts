// People by their Slack user id, with the display name Slack gave when Firebreak first saw them,
// so an exported or published post-mortem names them without asking Slack (issue 15).
export const up = `
CREATE TABLE people (
  user_id        text PRIMARY KEY,
  display_name   text NOT NULL,
  first_seen_at  timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
`;
