// What an alert group says about its incident, decided from the group alone (pure): a title, a
// severity and services from the labels (firebreak.yaml `sources.<source>`), a description that
// stays readable with 1,000 alerts, and the text of each alert's timeline entry. Texts are plain:
// views escape them for Slack (slack/views/mrkdwn.ts) and clip them to Slack's limits.
import { createHash } from "node:crypto";
import { severities, sourceNames, type Severity } from "../domain/incident.js";
import type { AlertGroupEvent, GroupAlert } from "../sources/alert-group.js";

export interface AlertLabelSettings {
  service_label: string;
  severity_label: string;
  severity_map: Record<string, Severity>;
  default_severity: Severity;
}

/** A stored title or entry never grows past this; Slack views clip further. */
const MAX_TITLE = 200;
const MAX_ENTRY = 600;
const MAX_SERVICES = 10;
const MAX_SERVICE_NAME = 100;
/** Alerts listed in the description; the rest are counted. */
const LISTED_ALERTS = 20;
const MAX_DESCRIPTION = 2000;
const MAX_LISTED_LINE = 160;

const firing = (event: AlertGroupEvent) => event.alerts.filter((a) => a.status === "firing");

/** A short stable name for the group in timeline keys: a groupKey can be kilobytes of labels. */
export const groupId = (event: Pick<AlertGroupEvent, "source" | "groupKey">) =>
  `${event.source}:${createHash("sha256").update(event.groupKey).digest("hex").slice(0, 16)}`;

/** The timeline source key of one alert transition. */
export const transitionSourceKey = (event: AlertGroupEvent, alert: GroupAlert) => `${event.source}:${alert.transitionKey}`.slice(0, 500);

export function alertName(alert: GroupAlert): string {
  return oneLine(alert.labels.alertname ?? alert.annotations.summary ?? alert.fingerprint);
}

export function groupTitle(event: AlertGroupEvent): string {
  const alerts = firing(event).length > 0 ? firing(event) : event.alerts;
  const names = [...new Set(alerts.flatMap((a) => (a.labels.alertname ? [oneLine(a.labels.alertname)] : [])))];
  const name = event.commonLabels.alertname ?? (names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ") || undefined);
  const summary = event.commonAnnotations.summary ?? (alerts.length === 1 ? alerts[0]?.annotations.summary : undefined);
  const title = name ? (summary && summary !== name ? `${name}: ${summary}` : name) : (event.title ?? summary ?? `${sourceNames[event.source]} alert group`);
  return clip(oneLine(title), MAX_TITLE);
}

/** The most severe of the firing alerts' mapped severities (the generic schema states its own). */
export function groupSeverity(event: AlertGroupEvent, settings: AlertLabelSettings): Severity {
  if (event.severity) return event.severity;
  const mapped = firing(event).map((a) => settings.severity_map[a.labels[settings.severity_label] ?? ""] ?? settings.default_severity);
  return severities.find((s) => mapped.includes(s)) ?? settings.default_severity;
}

export function groupServices(event: AlertGroupEvent, settings: AlertLabelSettings): string[] {
  const values = event.service ? [event.service] : firing(event).map((a) => a.labels[settings.service_label]);
  const names = values.map((v) => clip(oneLine(v ?? ""), MAX_SERVICE_NAME)).filter((v) => v.length > 0);
  return [...new Set(names)].slice(0, MAX_SERVICES);
}

export function groupDescription(event: AlertGroupEvent): string {
  const alerts = firing(event);
  const head = `${alerts.length} alert${alerts.length === 1 ? "" : "s"} firing${event.truncatedAlerts > 0 ? `, and ${event.truncatedAlerts} more the sender left out (max_alerts)` : ""}.`;
  const links = event.links.map((link) => `${link.title}: ${link.url}`);
  // Alerts are listed while they fit; the count of the rest always survives.
  // Counted as Slack will see it, escaped, so the header's clip never cuts the count off.
  let room = MAX_DESCRIPTION - escapedLength(head) - escapedLength(links.join("\n")) - 60;
  const listed: string[] = [];
  for (const alert of alerts.slice(0, LISTED_ALERTS)) {
    const line = `• ${clip(alertLine(alert), MAX_LISTED_LINE)}`;
    room -= escapedLength(line) + 1;
    if (room < 0) break;
    listed.push(line);
  }
  const rest = alerts.length - listed.length;
  return [head, ...listed, ...(rest > 0 ? [`…and ${rest} more; all are on the timeline.`] : []), ...links].join("\n");
}

export function transitionText(alert: GroupAlert): string {
  const text = `Alert ${alert.status === "firing" ? "firing" : "resolved"}: ${alertLine(alert)}`;
  const link = alert.links[0];
  return clip(link ? `${text} (${link.url})` : text, MAX_ENTRY);
}

/** "HighLatency — p99 above 2s (instance=api-1, job=api)": the name, the summary, the labels that tell alerts apart. */
function alertLine(alert: GroupAlert): string {
  const name = alertName(alert);
  const summary = alert.annotations.summary && alert.annotations.summary !== name ? ` — ${oneLine(alert.annotations.summary)}` : "";
  const labels = Object.entries(alert.labels)
    .filter(([key]) => key !== "alertname")
    .slice(0, 6)
    .map(([key, value]) => `${key}=${oneLine(value)}`)
    .join(", ");
  return clip(`${name}${summary}${labels ? ` (${labels})` : ""}`, 300);
}

/** Length once escaped for mrkdwn: & becomes &amp;, < and > become &lt; and &gt; (slack/views/mrkdwn.ts). */
const escapedLength = (text: string) => [...text].length + 4 * (text.match(/&/g)?.length ?? 0) + 3 * (text.match(/[<>]/g)?.length ?? 0);

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}
