// The links an incident channel keeps in its header: where the page came from, the monitor that
// fired, the call everyone joins, and the post-mortem under review. Pure: the job that adds them
// (incidents/channel-bookmarks.ts) decides nothing.
import { humanId, type Incident } from "./incident.js";

export type BookmarkPart = "pagerduty" | "datadog" | "call" | "postmortem";

export interface WantedBookmark {
  part: BookmarkPart;
  title: string;
  link: string;
  emoji: string;
}

/** The placeholders a `call_url` template may use. */
export const CALL_URL_PLACEHOLDERS = ["incident_id", "incident_number", "channel_name"] as const;

/** `https://meet.example.com/{incident_id}` → `https://meet.example.com/inc-42`: ids go lowercase, as in channel names. */
export function callUrl(template: string, incident: Pick<Incident, "id" | "channelName">): string {
  const values: Record<(typeof CALL_URL_PLACEHOLDERS)[number], string> = {
    incident_id: humanId(incident).toLowerCase(),
    incident_number: String(incident.id),
    channel_name: incident.channelName ?? humanId(incident).toLowerCase(),
  };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? encodeURIComponent(values[name as keyof typeof values]) : whole));
}

export function wantedBookmarks(
  incident: Pick<Incident, "id" | "channelName" | "pagerdutyIncidentUrl" | "datadogMonitorUrl" | "datadogMonitorId">,
  options: { callUrlTemplate?: string | undefined; postmortemUrl?: string | null | undefined },
): WantedBookmark[] {
  const wanted: WantedBookmark[] = [];
  if (incident.pagerdutyIncidentUrl) wanted.push({ part: "pagerduty", title: "PagerDuty incident", link: incident.pagerdutyIncidentUrl, emoji: ":pager:" });
  if (incident.datadogMonitorUrl) {
    wanted.push({ part: "datadog", title: `Datadog monitor${incident.datadogMonitorId ? ` ${incident.datadogMonitorId}` : ""}`, link: incident.datadogMonitorUrl, emoji: ":dog:" });
  }
  if (options.callUrlTemplate) wanted.push({ part: "call", title: `${humanId(incident)} call`, link: callUrl(options.callUrlTemplate, incident), emoji: ":telephone_receiver:" });
  if (options.postmortemUrl) wanted.push({ part: "postmortem", title: `${humanId(incident)} post-mortem`, link: options.postmortemUrl, emoji: ":memo:" });
  return wanted;
}
