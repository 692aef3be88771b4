// Incident lifecycle: roles, follow-ups, edited timeline entries, the status-update cadence,
// archiving, and the changes Firebreak sent to PagerDuty (so their webhooks are not echoed back).
export const up = `
CREATE TABLE incident_roles (
  incident_id  integer NOT NULL REFERENCES incidents(id),
  name         text NOT NULL,
  user_id      text NOT NULL,
  assigned_by  text,
  assigned_at  timestamptz NOT NULL,
  PRIMARY KEY (incident_id, name)
);

CREATE TABLE followups (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id  integer NOT NULL REFERENCES incidents(id),
  text         text NOT NULL,
  created_by   text,
  created_at   timestamptz NOT NULL,
  issue_url    text
);
CREATE INDEX followups_incident ON followups (incident_id, id);

ALTER TABLE timeline_entries
  ADD COLUMN edited_at timestamptz,
  ADD COLUMN edited_by text;

ALTER TABLE incidents
  ADD COLUMN last_update_at timestamptz,
  ADD COLUMN archived_at timestamptz;

CREATE TABLE pagerduty_outbound (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pagerduty_incident_id  text NOT NULL,
  kind                   text NOT NULL CHECK (kind IN ('acknowledged','resolved','annotated')),
  content                text,
  created_at             timestamptz NOT NULL,
  consumed_at            timestamptz
);
CREATE INDEX pagerduty_outbound_open ON pagerduty_outbound (pagerduty_incident_id, kind) WHERE consumed_at IS NULL;
`;
