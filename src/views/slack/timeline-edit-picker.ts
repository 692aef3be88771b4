// Under the timeline, those who may correct it (the commander and the scribe by default) see a
// picker: choose an entry to correct or remove. Each option says the day, the time, who and
// enough of what happened to tell alike entries apart: two pages an hour apart, or a note typed
// afterwards about a day before.
import type { KnownBlock } from "@slack/types";
import type { Incident } from "../../domain/incident.js";
import type { TimelineEntry } from "../../domain/timeline.js";
import { formatDateTime } from "../../domain/time-format.js";
import { slackTextToPlain } from "./mrkdwn.js";
import { clipPlain, OPTION_TEXT } from "./text-limits.js";

export const TIMELINE_EDIT_ACTION = "timeline_edit_select";

const slackUserId = /^[UW][A-Z0-9]+$/;

/** The people an entry names, so the caller can look up their names once for the picker. */
export function peopleInEntries(entries: TimelineEntry[]): string[] {
  const ids = new Set<string>();
  for (const e of entries) {
    if (e.actor && slackUserId.test(e.actor)) ids.add(e.actor);
    for (const m of e.text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)) ids.add(m[1]!);
  }
  return [...ids];
}

export function timelineEditPicker(incident: Incident, entries: TimelineEntry[], timeZone: string, names: Readonly<Record<string, string>> = {}): KnownBlock {
  // Slack allows 100 options; the latest entries are the ones still being corrected.
  const options = entries
    .filter((e) => !e.removedAt)
    .slice(-100)
    .map((e) => {
      // Option text is plain, so a mention would show as its raw id.
      const said = slackTextToPlain(e.text.replace(/<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, label?: string) => names[id] ?? label ?? id));
      const author = (e.kind === "note" || e.kind === "custom" || e.kind === "pin") && e.actor && !e.text.includes(`<@${e.actor}`) ? `${names[e.actor] ?? e.actor}: ` : "";
      const full = `${formatDateTime(e.eventAt, timeZone)} · ${author}${said}`.replace(/\s+/g, " ");
      const chars = [...full];
      const rest = chars.length > OPTION_TEXT ? chars.slice(OPTION_TEXT - 1).join("") : "";
      return {
        text: { type: "plain_text" as const, text: clipPlain(full, OPTION_TEXT) },
        // The rest of a long entry, so two that start alike can still be told apart.
        ...(rest && { description: { type: "plain_text" as const, text: clipPlain(`…${rest}`, OPTION_TEXT) } }),
        value: JSON.stringify({ incidentId: incident.id, entryId: e.id }),
      };
    });
  return {
    type: "actions",
    block_id: "timeline_edit",
    elements: [{ type: "static_select", action_id: TIMELINE_EDIT_ACTION, placeholder: { type: "plain_text", text: "Edit or remove an entry…" }, options }],
  };
}
