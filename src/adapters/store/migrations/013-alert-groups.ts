// Alert groups from Alertmanager, Grafana and the generic webhook: which incidents each group
// (Alertmanager's groupKey, the generic dedupe_key) has had, so a group's next notification joins
// its open incident instead of declaring another. The incident's source gains the three senders.
export const up = `
ALTER TABLE incidents DROP CONSTRAINT incidents_source_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_source_check
  CHECK (source IN ('pagerduty','datadog','slack','alertmanager','grafana','generic'));

CREATE TABLE alert_groups (
  source       text NOT NULL,
  group_key    text NOT NULL,  -- SHA-256 hex of the groupKey or dedupe_key: keys can outgrow an index entry
  incident_id  integer NOT NULL REFERENCES incidents(id),
  linked_at    timestamptz NOT NULL,
  PRIMARY KEY (source, group_key, incident_id)
);
CREATE INDEX alert_groups_incident ON alert_groups (incident_id);
`;
