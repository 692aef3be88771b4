// When the post-mortem preview was first posted without its answer coming back: the next try
// looks in the channel for it instead of posting a second preview (postmortem/postmortem-flows.ts).
export const up = `
ALTER TABLE postmortems ADD COLUMN preview_sent_at timestamptz;
`;
