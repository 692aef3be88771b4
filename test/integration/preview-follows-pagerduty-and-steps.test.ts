// The post-mortem preview follows the timeline whatever writes it: once it is posted, a signed
// PagerDuty acknowledgement and a playbook step's outcome each redraw it in place, as a note or a
// status change does, and never post a second preview.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { notePlaybook, writePlaybookConfig } from "../helpers/playbook-dir.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

let h: Harness;
let cora: string;
let incident: Incident;
let channel: string;
const dir = tempDir();

beforeAll(async () => {
  const config = writePlaybookConfig(dir.path, { "note.yaml": notePlaybook });
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, env: { FIREBREAK_CONFIG: config } });
  h.pagerduty.addUser({ id: "PCORA", name: "Cora Commander", email: "cora@example.com" });
  h.pagerduty.addOnCall({ escalationPolicyId: "PUS0KTE", userId: "PCORA" });
  cora = h.slack.addUser({ name: "cora", email: "cora@example.com", realName: "Cora Commander" });
  h.pagerduty.addIncident({ id: "PPREV", title: "Checkout errors" });
  await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PPREV", title: "Checkout errors" }), PD_SECRETS[0]!));
  incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PPREV"), (i) => Boolean(i?.headerTs)))!;
  channel = incident.channelId!;
});
afterAll(async () => {
  await h.stop();
  dir.remove();
});

const slack = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);

describe("the post-mortem preview", () => {
  it("is redrawn in place when PagerDuty records an acknowledgement and when a playbook step finishes", async () => {
    await slack(slashCommand(SIGNING_SECRET, { text: "postmortem", userId: cora, channelId: channel, triggerId: h.slack.issueTrigger() }));
    const previews = () => h.slack.messages(channel).filter((m) => m.text === `Post-mortem draft for INC-${incident.id}`);
    const [preview] = await eventually(previews, (p) => p.length === 1);
    const context = () => JSON.stringify(h.slack.messages(channel).find((m) => m.ts === preview!.ts)!.blocks?.[1]);
    const entries = () => Number(/(\d+) timeline entries/.exec(context())![1]);
    const before = context();
    expect(before).toContain("acknowledge —");

    // PagerDuty says Cora acknowledged: the preview shows the acknowledgement (its duration, one more entry).
    const ack = pagerdutyEvent("incident.acknowledged", { incidentId: "PPREV" });
    expect((await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(ack, PD_SECRETS[0]!))).status).toBeLessThan(300);
    await eventually(() => h.store.timeline.list(incident.id), (e) => e.some((x) => x.kind === "acknowledged"));
    const acknowledged = await eventually(context, (c) => !c.includes("acknowledge —"));
    expect(Number(/(\d+) timeline entries/.exec(acknowledged)![1])).toBeGreaterThan(Number(/(\d+) timeline entries/.exec(before)![1]));

    // A playbook's first step succeeds: its line joins the preview's timeline.
    const shownBefore = entries();
    await slack(interaction(SIGNING_SECRET, buttonClick({ actionId: "playbook_choose", value: JSON.stringify({ incidentId: incident.id, playbookId: "note-then-approve" }), userId: cora, channelId: channel, triggerId: h.slack.issueTrigger() })));
    const modal = await eventually(() => h.slack.views().find((v) => v.callback_id === "playbook_params"), Boolean);
    await slack(interaction(SIGNING_SECRET, viewSubmitted(modal!, cora, { param_message: { value: { type: "plain_text_input", value: "hello world" } } })));
    await eventually(() => h.store.timeline.list(incident.id), (e) => e.some((x) => x.text === "Step “Write the first note” succeeded"));
    await eventually(entries, (n) => n > shownBefore);
    expect(previews()).toHaveLength(1);
  });
});
