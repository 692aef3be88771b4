// Retention deletes deliveries older than retention_days, 500 rows a statement; each statement
// finds its rows through this index instead of reading the whole table. Finished jobs get no such
// index: every index on jobs is read when a claim is planned, and claims must stay cheap (see
// 007); the daily sweep's scan for old finished jobs stops at 500 and the table stays bounded.
export const up = `
CREATE INDEX deliveries_received_at ON deliveries (received_at);
`;
