// What the channel work needs to resume safely after a crash, and to pace channel creation
// across replicas (Slack allows about 20 conversations.create calls a minute).
export const up = `
ALTER TABLE incidents
  ADD COLUMN pagerduty_service_id text,
  ADD COLUMN pagerduty_escalation_policy_id text,
  ADD COLUMN channel_created_at timestamptz,
  ADD COLUMN header_ts text,
  ADD COLUMN announcement_ts text,
  ADD COLUMN slack_failure text;
CREATE INDEX incidents_channel_created ON incidents (channel_created_at) WHERE channel_created_at IS NOT NULL;
`;
