// The pinned header at the top of an incident channel, and the announcement in the incidents channel.
import type { KnownBlock } from "@slack/types";
import { humanId, sourceNames, type Incident } from "../../domain/incident.js";
import type { IncidentDurations } from "../../domain/durations.js";
import { headerActions, headerDurations } from "./header-actions.js";
import { link, userMention } from "./mrkdwn.js";
import { clipPlain, escapeAndClip, HEADER_TEXT, SECTION_FIELD, SECTION_TEXT } from "./text-limits.js";

// A title comes from whoever paged (PagerDuty, Datadog, a person) and has no length we control:
// in a message it is cut to this many characters of escaped text, leaving the rest of the
// section its room. The record, the channel's description and the post-mortem keep it whole.
const TITLE_IN_TEXT = 500;

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
    `*Services*\n${incident.services.length > 0 ? escapeAndClip(incident.services.join(", "), SECTION_FIELD - 20) : "_none listed_"}`,
  ];
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: clipPlain(`${id}: ${incident.title}`, HEADER_TEXT) } },
    { type: "section", fields: fields.map((text) => ({ type: "mrkdwn", text })) },
  ];
  if (incident.description) blocks.push({ type: "section", text: { type: "mrkdwn", text: escapeAndClip(incident.description, SECTION_TEXT) } });
  const linkLine = links(incident);
  if (linkLine.length > 0) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: linkLine.join(" · ") }] });
  if (extras) blocks.push(headerDurations(extras.durations, extras.timeZone));
  blocks.push(headerActions(incident));
  return { text: `${id} ${incident.severity} ${incident.status}: ${escapeAndClip(incident.title, TITLE_IN_TEXT)}`, blocks };
}

export function incidentAnnouncement(incident: Incident): Rendered {
  const id = humanId(incident);
  const where = incident.channelId ? `<#${incident.channelId}>` : "its channel is being created";
  const by = incident.declaredBy ? ` by ${userMention(incident.declaredBy)}` : ` from ${sourceNames[incident.source]}`;
  const text = `:rotating_light: *${id}* (${incident.severity}) declared${by}: ${escapeAndClip(incident.title, TITLE_IN_TEXT)} — join ${where}`;
  const blocks: KnownBlock[] = [{ type: "section", text: { type: "mrkdwn", text } }];
  const linkLine = links(incident);
  if (linkLine.length > 0) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: linkLine.join(" · ") }] });
  return { text: `${id} (${incident.severity}) declared: ${escapeAndClip(incident.title, TITLE_IN_TEXT)}`, blocks };
}
