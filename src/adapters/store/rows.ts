// Rows coming back from the database are a boundary too: parse them into domain types.
import { z } from "zod";
import { incidentSources, severities, statuses, type Incident } from "../../domain/incident.js";
import type { TimelineEntry } from "../../domain/timeline.js";
import { jobStatuses, type Job } from "../../ports/store.js";

const id = z.coerce.number().int();
const date = z.coerce.date();
const nullableText = z.string().nullable();

export const incidentRow = z
  .object({
    id,
    title: z.string(),
    severity: z.enum(severities),
    status: z.enum(statuses),
    description: z.string(),
    services: z.array(z.string()),
    source: z.enum(incidentSources),
    declared_by: nullableText,
    commander: nullableText,
    channel_id: nullableText,
    channel_name: nullableText,
    pagerduty_incident_id: nullableText,
    pagerduty_incident_url: nullableText,
    datadog_monitor_id: nullableText,
    datadog_monitor_url: nullableText,
    pagerduty_service_id: nullableText,
    pagerduty_escalation_policy_id: nullableText,
    channel_created_at: date.nullable(),
    header_ts: nullableText,
    announcement_ts: nullableText,
    slack_failure: nullableText,
    last_update_at: date.nullable(),
    archived_at: date.nullable(),
    detected_at: date,
    declared_at: date,
    resolved_at: date.nullable(),
    private: z.boolean(),
    version: id,
  })
  .transform(
    (r): Incident => ({
      id: r.id,
      title: r.title,
      severity: r.severity,
      status: r.status,
      description: r.description,
      services: r.services,
      source: r.source,
      declaredBy: r.declared_by,
      commander: r.commander,
      channelId: r.channel_id,
      channelName: r.channel_name,
      pagerdutyIncidentId: r.pagerduty_incident_id,
      pagerdutyIncidentUrl: r.pagerduty_incident_url,
      datadogMonitorId: r.datadog_monitor_id,
      datadogMonitorUrl: r.datadog_monitor_url,
      pagerdutyServiceId: r.pagerduty_service_id,
      pagerdutyEscalationPolicyId: r.pagerduty_escalation_policy_id,
      channelCreatedAt: r.channel_created_at,
      headerTs: r.header_ts,
      announcementTs: r.announcement_ts,
      slackFailure: r.slack_failure,
      lastUpdateAt: r.last_update_at,
      archivedAt: r.archived_at,
      detectedAt: r.detected_at,
      declaredAt: r.declared_at,
      resolvedAt: r.resolved_at,
      private: r.private,
      version: r.version,
    }),
  );

export const timelineRow = z
  .object({
    id,
    incident_id: id,
    event_at: date,
    recorded_at: date,
    kind: z.string(),
    actor: nullableText,
    text: z.string(),
    data: z.record(z.string(), z.unknown()),
    source_key: nullableText,
    removed_at: date.nullable(),
    removed_by: nullableText,
    edited_at: date.nullable().optional(),
    edited_by: nullableText.optional(),
  })
  .transform(
    (r): TimelineEntry => ({
      id: r.id,
      incidentId: r.incident_id,
      eventAt: r.event_at,
      recordedAt: r.recorded_at,
      kind: r.kind,
      actor: r.actor,
      text: r.text,
      data: r.data,
      sourceKey: r.source_key,
      removedAt: r.removed_at,
      removedBy: r.removed_by,
      editedAt: r.edited_at ?? null,
      editedBy: r.edited_by ?? null,
    }),
  );


export const jobRow = z
  .object({
    id,
    kind: z.string(),
    payload: z.unknown(),
    dedupe_key: nullableText,
    status: z.enum(jobStatuses),
    run_at: date,
    attempts: id,
    max_attempts: id,
    lease_owner: nullableText,
    lease_expires_at: date.nullable(),
    last_error: nullableText,
  })
  .transform((r): Job => ({
    id: r.id,
    kind: r.kind,
    payload: r.payload,
    dedupeKey: r.dedupe_key,
    status: r.status,
    runAt: r.run_at,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_at,
    lastError: r.last_error,
  }));


export const parseRows = <S extends z.ZodType>(schema: S, rows: unknown[]): z.output<S>[] => rows.map((r) => schema.parse(r));
