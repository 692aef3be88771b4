// The correction picker must let the commander or scribe tell alike entries apart: the day as well
// as the time, people by name rather than Slack id, and the rest of a long entry.
import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import type { TimelineEntry } from "../../src/domain/timeline.js";
import { peopleInEntries, timelineEditPicker } from "../../src/views/slack/timeline-edit-picker.js";

const entry = (id: number, at: string, kind: string, text: string, actor: string | null = null): TimelineEntry => ({
  id, incidentId: 3, eventAt: new Date(at), recordedAt: new Date(at), kind, actor, text, data: {}, sourceKey: null, removedAt: null, removedBy: null, editedAt: null, editedBy: null,
});
type Option = { text: { text: string }; description?: { text: string }; value: string };

describe("timelineEditPicker", () => {
  it("shows each entry's day, time, people's names and the rest of a long text", () => {
    const entries = [
      entry(1, "2026-02-10T17:40:00Z", "page", "Paged by PagerDuty (API Service): Calls drop mid-conversation"),
      entry(2, "2026-02-12T04:14:00Z", "note", "Workers are OOM-killed under evening load; call state lives only in worker memory, so every call on a killed worker is lost", "U0ADA"),
      entry(3, "2026-02-12T04:10:00Z", "status", "Status set to identified by <@U0ADA>", "U0ADA"),
    ];
    expect(peopleInEntries(entries)).toEqual(["U0ADA"]);
    const picker = timelineEditPicker({ id: 3 } as Incident, entries, "America/Los_Angeles", { U0ADA: "Ada Oncall" });
    const options = (picker as unknown as { elements: { options: Option[] }[] }).elements[0]!.options;
    expect(options.map((o) => o.text.text)).toEqual([
      "Tue Feb 10, 9:40am PT · Paged by PagerDuty (API Service): Calls drop mid-c…",
      "Wed Feb 11, 8:14pm PT · Ada Oncall: Workers are OOM-killed under evening l…",
      "Wed Feb 11, 8:10pm PT · Status set to identified by Ada Oncall",
    ]);
    expect(options[1]!.description?.text).toBe("…oad; call state lives only in worker memory, so every call on a killed wo…");
    expect(JSON.stringify(options)).not.toContain("U0ADA");
  });
});
