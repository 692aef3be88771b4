// Posted in the incident channel when every alert of a group has resolved (firebreak.yaml
// `sources.<source>.resolve_suggestion`): the alerts stopping is a hint, not a decision, so
// Firebreak suggests the command rather than resolving.
import { humanId, type Incident } from "../../domain/incident.js";
import type { Rendered } from "./incident-header.js";
import { escapeAndClip } from "./text-limits.js";

export function resolveSuggestion(incident: Pick<Incident, "id">, resolvedText: string): Rendered {
  const text = `:large_green_circle: ${escapeAndClip(resolvedText, 1500)}. If ${humanId(incident)} is over, run \`/incident resolve\`.`;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}
