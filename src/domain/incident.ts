// The incident: what happened, how bad, who leads, where people talk about it.
export const severities = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type Severity = (typeof severities)[number];

export const statuses = ["investigating", "identified", "monitoring", "resolved"] as const;
export type Status = (typeof statuses)[number];

export const incidentSources = ["pagerduty", "datadog", "slack", "alertmanager", "grafana", "generic"] as const;
export type IncidentSource = (typeof incidentSources)[number];

/** How each source is named to people. */
export const sourceNames: Record<IncidentSource, string> = {
  pagerduty: "PagerDuty",
  datadog: "Datadog",
  slack: "Slack",
  alertmanager: "Alertmanager",
  grafana: "Grafana",
  generic: "Webhook",
};

export interface Incident {
  id: number;
  title: string;
  severity: Severity;
  status: Status;
  description: string;
  services: string[];
  source: IncidentSource;
  declaredBy: string | null;
  commander: string | null;
  channelId: string | null;
  channelName: string | null;
  pagerdutyIncidentId: string | null;
  pagerdutyIncidentUrl: string | null;
  datadogMonitorId: string | null;
  datadogMonitorUrl: string | null;
  pagerdutyServiceId: string | null;
  pagerdutyEscalationPolicyId: string | null;
  channelCreatedAt: Date | null;
  /** The pinned header message in the incident channel. */
  headerTs: string | null;
  announcementTs: string | null;
  /** The last Slack error that delayed the channel, while it is delayed. */
  slackFailure: string | null;
  /** When the last status update was posted (the reminder cadence counts from it). */
  lastUpdateAt: Date | null;
  archivedAt: Date | null;
  detectedAt: Date;
  declaredAt: Date;
  resolvedAt: Date | null;
  /**
   * A private channel, no announcement, and nothing shown to people outside it (visibility.ts).
   * Always set on stored incidents; absent reads as public.
   */
  private?: boolean;
  version: number;
}

export type NewIncident = Pick<Incident, "title" | "severity" | "source" | "detectedAt"> &
  Partial<
    Pick<
      Incident,
      | "status"
      | "description"
      | "services"
      | "declaredBy"
      | "commander"
      | "pagerdutyIncidentId"
      | "pagerdutyIncidentUrl"
      | "datadogMonitorId"
      | "datadogMonitorUrl"
      | "pagerdutyServiceId"
      | "pagerdutyEscalationPolicyId"
      | "declaredAt"
      | "private"
    >
  >;

/** The id people say out loud: INC-42. */
export const humanId = (incident: Pick<Incident, "id">) => `INC-${incident.id}`;

/** INC-42, inc-42 or 42 → 42; anything else → undefined. */
export function parseHumanId(text: string): number | undefined {
  const match = /^(?:inc-)?(\d{1,9})$/i.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}
