// Retention deletes deliveries and finished jobs older than retention_days, 500 rows a statement;
// each statement finds its rows through these indexes instead of reading the whole table.
export const up = `
CREATE INDEX deliveries_received_at ON deliveries (received_at);
CREATE INDEX jobs_finished_at ON jobs (finished_at) WHERE status IN ('done', 'dead');
`;
