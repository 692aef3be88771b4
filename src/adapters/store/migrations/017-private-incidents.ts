// Private incidents (security, HR): a private Slack channel, no announcement, and nothing about
// them shown to people outside that channel. Existing incidents stay public.
export const up = `
ALTER TABLE incidents ADD COLUMN private boolean NOT NULL DEFAULT false;
`;
