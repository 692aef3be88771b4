// The page the sandbox's "Page me" sends: a PagerDuty V3 incident.triggered, in the envelope and
// incident data shape PagerDuty documents (developer.pagerduty.com, Webhooks Overview).
// Its html_url links go to `webUrl`, the sandbox's own stand-in pages, not pagerduty.com.
import { randomUUID } from "node:crypto";

export function demoPage(incidentId: string, webUrl: string, now = new Date()) {
  const ref = (type: string, id: string, summary: string) => ({
    html_url: `${webUrl}/${type}s/${id}`,
    id,
    self: `https://api.pagerduty.com/${type}s/${id}`,
    summary,
    type: `${type}_reference`,
  });
  return {
    event: {
      id: randomUUID(),
      event_type: "incident.triggered",
      resource_type: "incident",
      occurred_at: now.toISOString(),
      agent: null,
      client: { name: "Datadog" },
      data: {
        id: incidentId,
        type: "incident",
        self: `https://api.pagerduty.com/incidents/${incidentId}`,
        html_url: `${webUrl}/incidents/${incidentId}`,
        number: 1042,
        status: "triggered",
        incident_key: randomUUID().replaceAll("-", ""),
        created_at: now.toISOString(),
        title: "API is degraded — DB CPU at 100%",
        service: ref("service", "PORDERS", "Orders API"),
        assignees: [ref("user", "PALEX", "Alex Rivera")],
        escalation_policy: ref("escalation_policy", "PDEMOEP", "Orders on-call"),
        teams: [],
        priority: { ...ref("priority", "PP1", "P1"), html_url: `${webUrl}/account/incident_priorities` },
        urgency: "high",
        conference_bridge: null,
        resolve_reason: null,
      },
    },
  };
}
