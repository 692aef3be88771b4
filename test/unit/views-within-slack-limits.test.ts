// Views built from outside text of any length stay within Slack's Block Kit limits, checked by the
// same validator the Slack emulator refuses calls with.
import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import type { Playbook } from "../../src/domain/playbook-schema.js";
import { validateBlocks } from "../../src/sandbox/emulators/slack/block-kit/validate-blocks.js";
import { validateView } from "../../src/sandbox/emulators/slack/block-kit/validate-view.js";
import { incidentAnnouncement, incidentHeader } from "../../src/views/slack/incident-header.js";
import { paramsModal, playbookList } from "../../src/views/slack/playbook-views.js";

const huge = "Checkout & <payments> are 🔥 down ".repeat(400);

const incident: Incident = {
  id: 42, title: huge, severity: "SEV1", status: "investigating", description: huge,
  services: Array.from({ length: 200 }, (_, i) => `svc-${i}-&`), source: "pagerduty", declaredBy: null, commander: "U0CMD", channelId: "C0INC", channelName: "inc-20260308-api",
  pagerdutyIncidentId: "PT4KHLK", pagerdutyIncidentUrl: "https://acme.pagerduty.com/incidents/PT4KHLK", datadogMonitorId: null,
  datadogMonitorUrl: null, pagerdutyServiceId: "PSVC", pagerdutyEscalationPolicyId: "PEP", channelCreatedAt: null, headerTs: null,
  announcementTs: null, slackFailure: null, lastUpdateAt: null, archivedAt: null, detectedAt: new Date("2026-03-08T09:05:00Z"), declaredAt: new Date("2026-03-08T09:05:02Z"),
  resolvedAt: null, version: 3,
};

const playbook = (i: number) => ({ id: `p${i}`, title: huge, description: huge, when: {}, params: {}, steps: [{ id: "s", title: huge, action: "note", with: {} }] }) as unknown as Playbook;

describe("views of long outside text", () => {
  it("keep the header and the announcement within Slack's limits", () => {
    expect(validateBlocks(incidentHeader(incident).blocks, "message", "/blocks")).toEqual([]);
    expect(validateBlocks(incidentAnnouncement(incident).blocks, "message", "/blocks")).toEqual([]);
    expect([...incidentAnnouncement(incident).text].length).toBeLessThan(40_000);
  });

  it("list at most what a message holds, and open a params modal Slack accepts", () => {
    const list = playbookList(Array.from({ length: 60 }, (_, i) => playbook(i)), 42, { hidden: 3 });
    expect(validateBlocks(list, "message", "/blocks")).toEqual([]);
    expect(validateView(paramsModal(playbook(1), 42))).toEqual([]);
  });
});
