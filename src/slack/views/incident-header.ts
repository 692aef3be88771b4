// The pinned header at the top of an incident channel, and the announcement in the incidents channel.
import type { KnownBlock } from "@slack/types";
import { humanId, type Incident } from "../../domain/incident.js";
import type { IncidentDurations } from "../../domain/durations.js";
import { headerActions, headerDurations } from "./header-actions.js";
import { escapeMrkdwn, link, userMention } from "./mrkdwn.js";

const statusEmoji: Record<Incident["status"], string> = {
  investigating: ":mag:",
  identified: ":dart:",
  monitoring: ":eyes:",
  resolved: ":white_check_mark:",
};

export interface Rendered {
  text: string;
  blocks: KnownBlock[];
}

function links(incident: Incident): string[] {
  return [
    incident.pagerdutyIncidentUrl && link(incident.pagerdutyIncidentUrl, "PagerDuty incident"),
    incident.datadogMonitorUrl && link(incident.datadogMonitorUrl, "Datadog monitor"),
  ].filter((l): l is string => Boolean(l));
}

export interface HeaderExtras {
  durations: IncidentDurations;
  timeZone: string;
}

export function incidentHeader(incident: Incident, extras?: HeaderExtras): Rendered {
  const id = humanId(incident);
  const fields = [
    `*Severity*\n${incident.severity}`,
    `*Status*\n${statusEmoji[incident.status]} ${incident.status}`,
    `*Commander*\n${userMention(incident.commander)}`,
    `*Services*\n${incident.services.length > 0 ? escapeMrkdwn(incident.services.join(", ")) : "_none listed_"}`,
  ];
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: `${id}: ${incident.title}`.slice(0, 150) } },
    { type: "section", fields: fields.map((text) => ({ type: "mrkdwn", text })) },
  ];
  if (incident.description) blocks.push({ type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(incident.description).slice(0, 2900) } });
  const linkLine = links(incident);
  if (linkLine.length > 0) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: linkLine.join(" · ") }] });
  if (extras) blocks.push(headerDurations(extras.durations, extras.timeZone));
  blocks.push(headerActions(incident));
  return { text: `${id} ${incident.severity} ${incident.status}: ${escapeMrkdwn(incident.title)}`, blocks };
}

export function incidentAnnouncement(incident: Incident): Rendered {
  const id = humanId(incident);
  const where = incident.channelId ? `<#${incident.channelId}>` : "its channel is being created";
  const by = incident.declaredBy ? ` by ${userMention(incident.declaredBy)}` : ` from ${incident.source === "pagerduty" ? "PagerDuty" : "Datadog"}`;
  const text = `:rotating_light: *${id}* (${incident.severity}) declared${by}: ${escapeMrkdwn(incident.title)} — join ${where}`;
  const blocks: KnownBlock[] = [{ type: "section", text: { type: "mrkdwn", text } }];
  const linkLine = links(incident);
  if (linkLine.length > 0) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: linkLine.join(" · ") }] });
  return { text: `${id} (${incident.severity}) declared: ${escapeMrkdwn(incident.title)}`, blocks };
}
