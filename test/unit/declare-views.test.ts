import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { declareModal, parseDeclareSubmission } from "../../src/views/slack/declare-modal.js";
import { incidentAnnouncement, incidentHeader } from "../../src/views/slack/incident-header.js";

const state = (title: string, severity: string | null, services = "", description = "") => ({
  values: {
    title: { value: { type: "plain_text_input", value: title } },
    severity: { value: { type: "static_select", selected_option: severity ? { value: severity } : null } },
    services: { value: { type: "plain_text_input", value: services } },
    description: { value: { type: "plain_text_input", value: description } },
  },
});

const incident: Incident = {
  id: 42, title: "API is degraded <script>", severity: "SEV1", status: "investigating", description: "DB CPU at 100% & rising",
  services: ["api", "orders-db"], source: "pagerduty", declaredBy: null, commander: "U0CMD", channelId: "C0INC", channelName: "inc-20260308-api",
  pagerdutyIncidentId: "PT4KHLK", pagerdutyIncidentUrl: "https://acme.pagerduty.com/incidents/PT4KHLK", datadogMonitorId: null,
  datadogMonitorUrl: null, pagerdutyServiceId: "PSVC", pagerdutyEscalationPolicyId: "PEP", channelCreatedAt: null, headerTs: null,
  announcementTs: null, slackFailure: null, lastUpdateAt: null, archivedAt: null, detectedAt: new Date("2026-03-08T09:05:00Z"), declaredAt: new Date("2026-03-08T09:05:02Z"),
  resolvedAt: null, version: 3,
};

describe("declare modal", () => {
  it("prefills and round-trips metadata", () => {
    const view = declareModal({ title: "Checkout errors" }, { channelId: "C123" });
    expect(view).toMatchSnapshot();
    const parsed = parseDeclareSubmission({ state: state(" Checkout errors ", "SEV2", "api, Orders-DB", "EU only"), private_metadata: view.private_metadata! });
    expect(parsed).toEqual({
      ok: true,
      value: { title: "Checkout errors", severity: "SEV2", services: ["api", "orders-db"], description: "EU only", private: false, metadata: { channelId: "C123" } },
    });
  });

  it("offers Private, ticked by `declare --private`, and reads it back", () => {
    const view = declareModal({ title: "Leaked key", private: true }, {});
    const box = view.blocks.find((b) => b.block_id === "visibility") as { element: { initial_options?: { value: string }[] } };
    expect(box.element.initial_options?.map((o) => o.value)).toEqual(["private"]);
    const values = { ...state("Leaked key", "SEV1", "", "").values, visibility: { value: { type: "checkboxes", selected_options: [{ value: "private" }] } } };
    expect(parseDeclareSubmission({ state: { values } })).toMatchObject({ ok: true, value: { title: "Leaked key", private: true } });
  });

  it("returns per-field errors Slack shows in the modal", () => {
    expect(parseDeclareSubmission({ state: state("  ", null, "api, bad service!") })).toEqual({
      ok: false,
      errors: {
        title: expect.stringContaining("Give the incident a title"),
        severity: "Choose a severity.",
        services: expect.stringContaining("“bad service!” is not a service name"),
      },
    });
    expect(parseDeclareSubmission({ state: { values: {} } })).toMatchObject({ ok: false, errors: { title: expect.stringContaining("out of date") } });
  });
});

describe("incident header and announcement", () => {
  it("show id, severity, status, commander, services and links, escaping outside text", () => {
    const header = incidentHeader(incident);
    expect(header.text).toBe("INC-42 SEV1 investigating: API is degraded &lt;script&gt;");
    expect(header).toMatchSnapshot();
    // Only plain_text may carry it verbatim; mrkdwn would turn it into markup.
    const mrkdwn = JSON.stringify(header.blocks.filter((b) => b.type !== "header"));
    expect(mrkdwn).not.toContain("<script>");
    expect(mrkdwn).toContain("100% &amp; rising");
    expect(incidentAnnouncement(incident)).toMatchSnapshot();
  });
});
