// Which links an incident channel bookmarks, and the call link built from firebreak.yaml's call_url.
import { describe, expect, it } from "vitest";
import { configFileSchema } from "../../src/kernel/config-file.js";
import { callUrl, wantedBookmarks } from "../../src/domain/bookmarks.js";

const incident = { id: 42, channelName: "inc-42-checkout", pagerdutyIncidentUrl: null, datadogMonitorUrl: null, datadogMonitorId: null };

describe("incident bookmarks", () => {
  it("fills the call_url placeholders", () => {
    expect(callUrl("https://meet.example.com/{incident_id}", incident)).toBe("https://meet.example.com/inc-42");
    expect(callUrl("https://zoom.example.com/j/{incident_number}?topic={channel_name}", incident)).toBe("https://zoom.example.com/j/42?topic=inc-42-checkout");
  });

  it("bookmarks only what the incident has, in header order", () => {
    expect(wantedBookmarks(incident, {})).toEqual([]);
    const everything = wantedBookmarks(
      { ...incident, pagerdutyIncidentUrl: "https://acme.pagerduty.com/incidents/P1", datadogMonitorUrl: "https://app.datadoghq.com/monitors/777", datadogMonitorId: "777" },
      { callUrlTemplate: "https://meet.example.com/{incident_id}", postmortemUrl: "https://github.com/acme/postmortems/pull/3" },
    );
    expect(everything.map((b) => [b.part, b.title, b.link])).toEqual([
      ["pagerduty", "PagerDuty incident", "https://acme.pagerduty.com/incidents/P1"],
      ["datadog", "Datadog monitor 777", "https://app.datadoghq.com/monitors/777"],
      ["call", "INC-42 call", "https://meet.example.com/inc-42"],
      ["postmortem", "INC-42 post-mortem", "https://github.com/acme/postmortems/pull/3"],
    ]);
  });

  it("refuses a call_url that is not a link or names an unknown placeholder", () => {
    expect(configFileSchema.safeParse({ call_url: "meet.example.com/{incident_id}" }).success).toBe(false);
    const unknown = configFileSchema.safeParse({ call_url: "https://meet.example.com/{incident}" });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.message).toBe("may use only {incident_id}, {incident_number} and {channel_name}");
  });
});
