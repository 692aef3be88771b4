// Which playbooks fit an incident: every condition a playbook's `when` lists must match; within
// a condition any listed value matches; keywords match the title or description, ignoring case.
import type { Incident } from "../domain/incident.js";
import type { Playbook } from "../domain/playbook-schema.js";

export function matchesIncident(playbook: Playbook, incident: Incident): boolean {
  const { services, severity, source, keywords } = playbook.when;
  if (services && !services.some((s) => incident.services.includes(s))) return false;
  if (severity && !severity.includes(incident.severity)) return false;
  if (source && !source.includes(incident.source)) return false;
  if (keywords) {
    const text = `${incident.title}\n${incident.description}`.toLowerCase();
    if (!keywords.some((k) => text.includes(k.toLowerCase()))) return false;
  }
  return true;
}
