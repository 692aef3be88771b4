// Under the timeline the commander sees a picker: choose an entry to correct or remove.
import type { KnownBlock } from "@slack/types";
import type { Incident } from "../../domain/incident.js";
import type { TimelineEntry } from "../../domain/timeline.js";
import { formatClock } from "../../domain/time-format.js";
import { clipPlain, OPTION_TEXT } from "./text-limits.js";

export const TIMELINE_EDIT_ACTION = "timeline_edit_select";

export function timelineEditPicker(incident: Incident, entries: TimelineEntry[], timeZone: string): KnownBlock {
  // Slack allows 100 options; the latest entries are the ones still being corrected.
  const options = entries
    .filter((e) => !e.removedAt)
    .slice(-100)
    .map((e) => ({
      text: { type: "plain_text" as const, text: clipPlain(`${formatClock(e.eventAt, timeZone)} ${e.text}`, OPTION_TEXT) },
      value: JSON.stringify({ incidentId: incident.id, entryId: e.id }),
    }));
  return {
    type: "actions",
    block_id: "timeline_edit",
    elements: [{ type: "static_select", action_id: TIMELINE_EDIT_ACTION, placeholder: { type: "plain_text", text: "Edit or remove an entry…" }, options }],
  };
}
