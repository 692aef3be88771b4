// The post-mortem of an incident: human edits kept apart from the draft, and where it was
// published (so publishing again updates the same branch, pull request and issues).
export const up = `
CREATE TABLE postmortems (
  incident_id   integer PRIMARY KEY REFERENCES incidents(id),
  edits         jsonb NOT NULL DEFAULT '{}',
  preview_ts    text,
  branch        text,
  pr_number     integer,
  pr_url        text,
  published_at  timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE followups ADD COLUMN issue_number integer;
`;
