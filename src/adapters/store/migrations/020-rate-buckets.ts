// A rate budget as one row per bucket holding the times of its recent calls, so a slot is checked
// and taken in one statement: the row is locked by the INSERT … ON CONFLICT DO UPDATE that takes
// it, which sees the latest committed version, where the rate_slots log (006) needed an advisory
// lock and a second statement. Slots taken under the old table carry over. The old table stays
// for the previous release, which keeps pacing with it until its pods are replaced: during a
// rolling deploy the two releases each keep to Slack's limits, and a call over them together is
// answered 429 and retried after Slack's Retry-After, as any 429 is.
export const up = `
CREATE TABLE rate_buckets (
  bucket  text PRIMARY KEY,
  slots   timestamptz[] NOT NULL
);
INSERT INTO rate_buckets (bucket, slots) SELECT bucket, array_agg(at ORDER BY at) FROM rate_slots GROUP BY bucket;
`;
