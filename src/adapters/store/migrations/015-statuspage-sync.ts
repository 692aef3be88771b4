// Atlassian Statuspage sync (issue 17): which Statuspage incident mirrors each Firebreak incident,
// and which approved public updates were applied to it (and as which incident update), so a
// sync job run again after a crash or a lost answer neither creates a second incident nor posts
// an update twice. Incident ids are kept as the job payload names them (text).
export const up = `
CREATE TABLE statuspage_incidents (
  incident_id             text PRIMARY KEY,
  statuspage_incident_id  text NOT NULL,
  linked_at               timestamptz NOT NULL
);

CREATE TABLE statuspage_updates (
  public_update_id      text PRIMARY KEY,
  incident_id           text NOT NULL,
  statuspage_update_id  text,  -- null when Statuspage's answer did not say which update it made
  applied_at            timestamptz NOT NULL
);
CREATE INDEX statuspage_updates_incident ON statuspage_updates (incident_id);
`;
