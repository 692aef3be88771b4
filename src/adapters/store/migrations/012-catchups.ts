// When each person last asked for `/incident catchup` in an incident: the next one shows what
// changed since then. Kept apart from the timeline, which is the incident's record, not its readers'.
export const up = `
CREATE TABLE catchups (
  incident_id   integer NOT NULL REFERENCES incidents (id),
  user_id       text NOT NULL,
  caught_up_at  timestamptz NOT NULL,
  PRIMARY KEY (incident_id, user_id)
);
`;
