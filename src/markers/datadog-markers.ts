// Datadog events that mark an incident's turning points (declared, severity changed, resolved)
// and each playbook step's outcome on the dashboards responders watch, so a change in a graph
// lines up with what was done and on whose approval. Pure: the engine posts what these return.
import type { DatadogEvent, EventAlertType } from "../ports/metrics-events.js";
import type { Severity } from "../domain/incident.js";

export interface StepMarkerInput {
  /** INC-42 */
  incidentHumanId: string;
  playbookTitle: string;
  stepTitle: string;
  action: string;
  outcome: "succeeded" | "failed";
  /** Who approved the step, as they should read on a dashboard; empty when it needed no approval. */
  approvedBy: string[];
  at: Date;
  services: string[];
}

export interface IncidentMarkerInput {
  incidentHumanId: string;
  title: string;
  severity: Severity;
  kind: "declared" | "severity" | "resolved";
  services: string[];
  at: Date;
  /** A private incident's title stays in its channel: Datadog's event stream is the whole organisation's. */
  private?: boolean;
}

// Datadog keeps the first 4000 characters of an event's text; the title is kept short for the
// event stream, where it is all most people read.
const MAX_TEXT = 4000;
const MAX_TITLE = 200;

export function stepEventMarker(step: StepMarkerInput): DatadogEvent {
  const approval = step.approvedBy.length > 0 ? `Approved by: ${step.approvedBy.map(escapeMarkdown).join(", ")}` : "Ran without approval.";
  const lines = [
    `**${step.incidentHumanId}** · playbook **${escapeMarkdown(step.playbookTitle)}**`,
    "",
    `Step **${escapeMarkdown(step.stepTitle)}** (\`${step.action.replace(/`/g, "")}\`) ${step.outcome}.`,
    "",
    approval,
    ...servicesLine(step.services),
  ];
  return {
    title: clip(`${step.incidentHumanId}: step "${step.stepTitle}" ${step.outcome}`, MAX_TITLE),
    text: markdown(lines),
    tags: [...incidentTags(step.incidentHumanId, step.services), tag("action", step.action), "source:firebreak"],
    alertType: step.outcome === "succeeded" ? "success" : "error",
    aggregationKey: aggregationKeyOf(step.incidentHumanId),
    dateHappened: step.at,
  };
}

export function incidentEventMarker(incident: IncidentMarkerInput): DatadogEvent {
  const id = incident.incidentHumanId;
  const { title, sentence } = {
    declared: { title: `${id} declared (${incident.severity})`, sentence: `Incident **${id}** declared at **${incident.severity}**.` },
    severity: { title: `${id} is now ${incident.severity}`, sentence: `Severity of **${id}** changed to **${incident.severity}**.` },
    resolved: { title: `${id} resolved`, sentence: `Incident **${id}** resolved.` },
  }[incident.kind];
  const about = incident.private ? "A private incident: its title and details are in its Slack channel." : escapeMarkdown(incident.title);
  return {
    title: clip(incident.private ? `${title}: private incident` : `${title}: ${incident.title}`, MAX_TITLE),
    text: markdown([sentence, "", about, ...servicesLine(incident.services)]),
    tags: [...incidentTags(id, incident.services), tag("severity", incident.severity), "source:firebreak"],
    alertType: incident.kind === "resolved" ? "success" : severityAlert(incident.severity),
    aggregationKey: aggregationKeyOf(id),
    dateHappened: incident.at,
  };
}

/**
 * One key per incident, so Datadog groups all of its events. Namespaced because aggregation
 * keys are shared by every tool posting to the organisation's event stream.
 */
export function aggregationKeyOf(incidentHumanId: string): string {
  return `firebreak:${incidentHumanId.toLowerCase()}`;
}

function severityAlert(severity: Severity): EventAlertType {
  return severity === "SEV1" || severity === "SEV2" ? "error" : "warning";
}

function incidentTags(incidentHumanId: string, services: string[]): string[] {
  return [...new Set([tag("incident", incidentHumanId), ...services.map((service) => tag("service", service))])];
}

/**
 * Datadog lowercases tags and allows letters, digits, "_", "-", ":", "." and "/", up to 200
 * characters (https://docs.datadoghq.com/getting_started/tagging/#define-tags); anything else
 * becomes "_" here rather than being changed by Datadog into something no query expects.
 */
function tag(key: string, value: string): string {
  const clean = value.toLowerCase().replace(/[^a-z0-9_\-:./]+/g, "_");
  return `${key}:${clean}`.slice(0, 200);
}

function servicesLine(services: string[]): string[] {
  return services.length > 0 ? ["", `Services: ${[...new Set(services)].map(escapeMarkdown).join(", ")}`] : [];
}

/** Datadog renders an event's text as markdown only between these delimiters. */
function markdown(lines: string[]): string {
  const open = "%%% \n";
  const close = "\n %%%";
  return `${open}${clip(lines.join("\n"), MAX_TEXT - open.length - close.length)}${close}`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~]/g, "\\$&");
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
