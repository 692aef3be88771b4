// The status page as JSON (GET /status.json): the same content as the HTML, for machines.
import type { PublicIncident, StatusPage } from "../../domain/status-page.js";

const incident = (i: PublicIncident) => ({
  id: i.publicId,
  name: i.title,
  status: i.status,
  started_at: i.startedAt.toISOString(),
  updated_at: i.updatedAt.toISOString(),
  updates: i.updates.map((u) => ({ id: u.publicId, status: u.status, body: u.body, at: u.at.toISOString(), components: u.components.map((c) => ({ id: c.id, name: c.name, status: c.status })) })),
  ...(i.summary && { postmortem_summary: { id: i.summary.publicId, body: i.summary.body, at: i.summary.at.toISOString() } }),
});

export function statusPageJson(page: StatusPage, timeZone: string): string {
  return JSON.stringify({
    page: { title: page.title, time_zone: timeZone, updated_at: page.updatedAt?.toISOString() ?? null },
    components: page.components,
    incidents: page.current.map(incident),
    history: page.history.map(incident),
  });
}
