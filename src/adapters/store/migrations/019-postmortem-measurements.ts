// What Datadog measured for a post-mortem (impact figures, the charted series), kept so exports
// and publishing need no Datadog, and how far the chart's upload to Slack got (issue 15).
export const up = `
CREATE TABLE postmortem_measurements (
  incident_id   integer PRIMARY KEY REFERENCES incidents(id),
  measurements  jsonb,
  measured_at   timestamptz,
  chart_upload  jsonb,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
`;
