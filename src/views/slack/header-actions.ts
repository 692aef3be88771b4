// What sits under the pinned incident header: the buttons for the common lifecycle steps, and
// the line of intervals (time to acknowledge, mitigate, resolve).
import type { ActionsBlock, Button, ContextBlock } from "@slack/types";
import { z } from "zod";
import type { IncidentDurations } from "../../domain/durations.js";
import type { Incident } from "../../domain/incident.js";
import { durationsLine } from "./timeline-view.js";
import { tryParseJsonWith } from "../../kernel/parse-json.js";

export const HEADER_ACTIONS = { update: "header_update", note: "header_note", timeline: "header_timeline", resolve: "header_resolve" } as const;
export type HeaderAction = keyof typeof HEADER_ACTIONS;

/** What every header button carries; read back with parseHeaderActionValue. */
export const headerActionValue = z.object({ incidentId: z.number().int().positive() });

export function headerActions(incident: Pick<Incident, "id" | "status">): ActionsBlock {
  const value = JSON.stringify({ incidentId: incident.id });
  const button = (action: HeaderAction, text: string, style?: Button["style"]): Button => ({
    type: "button",
    action_id: HEADER_ACTIONS[action],
    text: { type: "plain_text", text },
    value,
    ...(style && { style }),
  });
  // Once resolved, updates and a second resolve would only be refused; notes and the timeline
  // still matter for the post-mortem.
  const open = incident.status !== "resolved";
  return {
    type: "actions",
    block_id: `incident_${incident.id}_actions`,
    elements: [
      ...(open ? [button("update", "Update status", "primary")] : []),
      button("note", "Add note"),
      button("timeline", "Timeline"),
      ...(open ? [button("resolve", "Resolve")] : []),
    ],
  };
}

/** The incident a header button was pressed for, or undefined if the value is not ours. */
export function parseHeaderActionValue(value: string | undefined): number | undefined {
  return tryParseJsonWith(headerActionValue, value, "a header button's value")?.incidentId;
}

/** The header's intervals line. It stays pinned for days, so detection carries its date. */
export function headerDurations(durations: IncidentDurations, timeZone: string): ContextBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: durationsLine(durations, timeZone, { withDate: true }) }] };
}
