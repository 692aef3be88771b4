// Initial schema. Times are timestamptz (UTC); ids are identity columns; every record that
// arrives from outside carries a unique key so a retry can never create it twice.
export const up = `
CREATE TABLE incidents (
  id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title             text NOT NULL,
  severity          text NOT NULL CHECK (severity IN ('SEV1','SEV2','SEV3','SEV4')),
  status            text NOT NULL CHECK (status IN ('investigating','identified','monitoring','resolved')),
  description       text NOT NULL DEFAULT '',
  services          text[] NOT NULL DEFAULT '{}',
  source            text NOT NULL CHECK (source IN ('pagerduty','datadog','slack')),
  declared_by       text,
  commander         text,
  channel_id        text,
  channel_name      text,
  pagerduty_incident_id  text UNIQUE,
  pagerduty_incident_url text,
  datadog_monitor_id     text,
  datadog_monitor_url    text,
  detected_at       timestamptz NOT NULL,
  declared_at       timestamptz NOT NULL,
  resolved_at       timestamptz,
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_open_by_service ON incidents USING gin (services) WHERE status <> 'resolved';
CREATE UNIQUE INDEX incidents_channel ON incidents (channel_id) WHERE channel_id IS NOT NULL;

CREATE TABLE timeline_entries (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id  integer NOT NULL REFERENCES incidents(id),
  event_at     timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  kind         text NOT NULL,
  actor        text,
  text         text NOT NULL,
  data         jsonb NOT NULL DEFAULT '{}',
  source_key   text,
  removed_at   timestamptz,
  removed_by   text
);
CREATE UNIQUE INDEX timeline_entries_source_key ON timeline_entries (incident_id, source_key) WHERE source_key IS NOT NULL;
CREATE INDEX timeline_entries_order ON timeline_entries (incident_id, event_at, id);

CREATE TABLE playbook_runs (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id   integer NOT NULL REFERENCES incidents(id),
  playbook_id   text NOT NULL,
  playbook      jsonb NOT NULL,
  params        jsonb NOT NULL DEFAULT '{}',
  state         text NOT NULL,
  requested_by  text NOT NULL,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE step_runs (
  id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id            integer NOT NULL REFERENCES playbook_runs(id),
  step_id           text NOT NULL,
  position          integer NOT NULL,
  state             text NOT NULL,
  attempt           integer NOT NULL DEFAULT 0,
  lease_owner       text,
  lease_expires_at  timestamptz,
  approval_requested_at timestamptz,
  approval_expires_at   timestamptz,
  output            jsonb,
  error             text,
  slack_ts          text,
  started_at        timestamptz,
  finished_at       timestamptz,
  version           integer NOT NULL DEFAULT 1,
  UNIQUE (run_id, step_id)
);
CREATE INDEX step_runs_claimable ON step_runs (state, lease_expires_at);

CREATE TABLE approvals (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  step_run_id  integer NOT NULL REFERENCES step_runs(id),
  round        integer NOT NULL DEFAULT 1,
  user_id      text NOT NULL,
  decision     text NOT NULL CHECK (decision IN ('approve','deny')),
  reason       text,
  decided_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (step_run_id, round, user_id)
);

CREATE TABLE deliveries (
  source       text NOT NULL,
  delivery_id  text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  body         jsonb NOT NULL,
  PRIMARY KEY (source, delivery_id)
);

CREATE TABLE jobs (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind              text NOT NULL,
  payload           jsonb NOT NULL DEFAULT '{}',
  dedupe_key        text UNIQUE,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','running','done','dead')),
  run_at            timestamptz NOT NULL DEFAULT now(),
  attempts          integer NOT NULL DEFAULT 0,
  max_attempts      integer NOT NULL DEFAULT 25,
  lease_owner       text,
  lease_expires_at  timestamptz,
  last_error        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz
);
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE status IN ('pending','running');
`;
