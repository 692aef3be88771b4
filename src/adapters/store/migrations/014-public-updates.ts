// Public updates (status page): what an incident tells the public, each behind an approval.
// A row is asked for (pending), then published, denied or expired, once: the decision is a
// conditional UPDATE, so a double-click or two replicas publish it once. status_page holds the
// generation every replica's rendered page is checked against (bumped with every publication)
// and the feed's stable Atom id.
export const up = `
CREATE TABLE public_updates (
  id            serial PRIMARY KEY,
  public_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  incident_id   integer NOT NULL REFERENCES incidents(id),
  kind          text NOT NULL CHECK (kind IN ('update','postmortem_summary')),
  status        text CHECK (status IN ('investigating','identified','monitoring','resolved')),
  title         text NOT NULL,
  body          text NOT NULL,
  components    jsonb NOT NULL DEFAULT '[]',
  state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','published','denied','expired')),
  requested_by  text NOT NULL,
  requested_at  timestamptz NOT NULL,
  eligible      jsonb NOT NULL,
  expires_at    timestamptz NOT NULL,
  decided_by    text,
  decided_at    timestamptz,
  deny_reason   text,
  message_ts    text,
  CHECK ((kind = 'update') = (status IS NOT NULL))
);
CREATE INDEX public_updates_incident ON public_updates (incident_id, id);
CREATE INDEX public_updates_published ON public_updates (decided_at) WHERE state = 'published';

CREATE TABLE status_page (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  generation  bigint NOT NULL,
  feed_id     uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO status_page (singleton, generation) VALUES (true, 0);
`;
