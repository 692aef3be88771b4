// The post-mortem's Remediations as tracked follow-ups: done or open, the owner's name (never a
// Slack id) and the due day, in the markdown and in the Slack preview.
import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import type { Followup } from "../../src/domain/lifecycle.js";
import type { PostmortemRecord } from "../../src/domain/postmortem.js";
import { DEFAULT_POSTMORTEM_TEMPLATE, loadPostmortemTemplate } from "../../src/postmortem/load-template.js";
import { draftPostmortem } from "../../src/views/postmortem/draft.js";
import { postmortemPreview } from "../../src/views/slack/postmortem-views.js";

const at = new Date("2026-12-04T17:00:00Z");
const incident: Incident = {
  id: 42, title: "Orders API is slow", severity: "SEV2", status: "resolved", description: "", services: [], source: "slack", declaredBy: null, commander: null,
  channelId: null, channelName: null, pagerdutyIncidentId: null, pagerdutyIncidentUrl: null, datadogMonitorId: null, datadogMonitorUrl: null,
  pagerdutyServiceId: null, pagerdutyEscalationPolicyId: null, channelCreatedAt: null, headerTs: null, announcementTs: null, slackFailure: null,
  lastUpdateAt: null, archivedAt: null, detectedAt: at, declaredAt: at, resolvedAt: null, version: 1,
};
const followup = (id: number, text: string, extra: Partial<Followup>): Followup => ({ id, incidentId: 42, text, createdBy: "U0CORA", createdAt: at, issueUrl: null, ...extra });
const record: PostmortemRecord = {
  incident, timeline: [], runs: [], roles: [], edits: { remediations: "- [x] Written as done in the edit form" }, timeZone: "UTC",
  names: { U0ADA: "Ada Oncall" },
  followups: [
    followup(1, "Check index validity before dropping an index", { ownerId: "U0ADA", dueOn: "2026-12-20", state: "done", issueUrl: "https://github.com/acme/postmortems/issues/7", issueNumber: 7 }),
    followup(2, "Alert on invalid indexes", { ownerId: "U0NONAME", dueOn: "2026-12-11", state: "open" }),
    followup(3, "Untracked, as before", {}),
  ],
};

describe("remediations in the post-mortem", () => {
  const draft = draftPostmortem(record, loadPostmortemTemplate(DEFAULT_POSTMORTEM_TEMPLATE));

  it("are task list items, checked when done, with the owner's name and the due day", () => {
    expect(draft.markdown).toContain(
      [
        "- [x] Check index validity before dropping an index — owner Ada Oncall, due 2026-12-20 ([#7](https://github.com/acme/postmortems/issues/7))",
        "- [ ] Alert on invalid indexes — due 2026-12-11",
        "- [ ] Untracked, as before",
        "- [x] Written as done in the edit form",
      ].join("\n"),
    );
    expect(draft.markdown).not.toContain("U0NONAME");
  });

  it("are ☑ and ☐ in the Slack preview", () => {
    const blocks = JSON.stringify(postmortemPreview(incident, draft, null).blocks);
    expect(blocks).toContain("☑ Check index validity before dropping an index — owner Ada Oncall, due 2026-12-20");
    expect(blocks).toContain("☐ Alert on invalid indexes — due 2026-12-11");
  });
});
