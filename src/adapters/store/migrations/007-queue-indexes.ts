// Queries that must stay fast however far the planner's statistics lag behind an alert storm.
//
// Jobs: claiming was one OR over two states, which the planner answered with a bitmap scan and a
// sort of every pending job whenever its statistics still showed a short queue — 4 ms a claim at
// 3,000 pending, growing with the backlog, which is exactly when claims must be cheap. Now each
// state has a partial index in claim order, and the claim is a function whose plan settings
// rule out the bitmap scan and the sort, so it reads `limit` jobs in index order and stops.
//
// Deliveries: finding the events about one PagerDuty incident read every PagerDuty delivery's
// body; `subject` (the vendor's incident id) is stored at intake and indexed.
export const up = `
DROP INDEX jobs_due;
CREATE INDEX jobs_pending ON jobs (run_at, id) WHERE status = 'pending';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE status = 'running';

-- Jobs whose worker's lease ran out come first, then due ones, oldest first.
CREATE FUNCTION claim_jobs(owner text, at timestamptz, lease_ms float8, max_jobs integer, kinds text[])
RETURNS SETOF jobs LANGUAGE sql
SET enable_bitmapscan = off SET enable_seqscan = off SET enable_sort = off
AS $$
  WITH expired AS (
    SELECT id FROM jobs
    WHERE status = 'running' AND lease_expires_at < at AND (kinds IS NULL OR kind = ANY(kinds))
    ORDER BY lease_expires_at LIMIT max_jobs FOR UPDATE SKIP LOCKED
  ), due AS (
    SELECT id FROM jobs
    WHERE status = 'pending' AND run_at <= at AND (kinds IS NULL OR kind = ANY(kinds))
    ORDER BY run_at, id LIMIT max_jobs FOR UPDATE SKIP LOCKED
  )
  UPDATE jobs SET status = 'running', lease_owner = owner, lease_expires_at = at + make_interval(secs => lease_ms / 1000),
    attempts = attempts + 1
  WHERE id IN (SELECT id FROM (SELECT id FROM expired UNION ALL SELECT id FROM due) AS claimable LIMIT max_jobs)
  RETURNING *
$$;

ALTER TABLE deliveries ADD COLUMN subject text;
UPDATE deliveries SET subject = coalesce(body->'event'->'data'->'incident'->>'id', body->'event'->'data'->>'id') WHERE source = 'pagerduty';
CREATE INDEX deliveries_subject ON deliveries (source, subject) WHERE subject IS NOT NULL;
`;
