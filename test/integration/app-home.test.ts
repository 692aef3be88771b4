// App Home through the running app: signed app_home_opened events publish each person's own Home
// (views.publish, checked by the Slack emulator as Slack checks it); a step waiting on someone
// shows there with the step message's Approve button, which approves from the Home exactly once
// however often it is clicked; and the Home is republished after the change.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { writePlaybookConfig } from "../helpers/playbook-dir.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";
import { createSlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { signedSlackRequest } from "../helpers/slack-requests.js";

const envelope = JSON.parse(readFileSync("test/fixtures/slack/events/event_callback.reaction_added.json", "utf8"));
const homeOpened = JSON.parse(readFileSync("test/fixtures/slack/events/event.app_home_opened.docs.json", "utf8"));
const RAN = "guarded step ran";

const dir = tempDir();
let h: Harness;
let cora: string;
let lee: string;
let dana: string;
let incident: Incident;
let channel: string;

beforeAll(async () => {
  // Users first (the playbook names Lee), then a Firebreak that loads the playbook.
  const slack = createSlackEmulator();
  await slack.start();
  cora = slack.addUser({ name: "cora", email: "cora@example.com" });
  lee = slack.addUser({ name: "lee", email: "lee@example.com" });
  dana = slack.addUser({ name: "dana", email: "dana@example.com" });
  const playbook = `id: guarded\ntitle: Guarded\ndescription: One note behind Lee's approval.\nsteps:\n  - id: drop\n    title: Drop the old index\n    action: incident.note\n    with: { text: "${RAN}" }\n    approval: { from: [{ users: [${lee}] }] }\n`;
  const config = writePlaybookConfig(dir.path, { "guarded.yaml": playbook });
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, env: { FIREBREAK_CONFIG: config }, slack });
  channel = h.slack.addChannel({ name: "inc-home", members: [cora, lee, dana] });
  const created = await h.store.incidents.create({ title: "Checkout is failing", severity: "SEV1", source: "slack", detectedAt: new Date(), commander: cora, declaredBy: cora });
  incident = (await h.store.incidents.update(created.id, created.version, { channelId: channel, channelName: "inc-home" }))!;
});
afterAll(async () => {
  await h?.stop();
  await h?.slack.stop();
  dir.remove();
});

const post = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
const command = (userId: string, text: string) => post(slashCommand(SIGNING_SECRET, { text, userId, channelId: channel, triggerId: h.slack.issueTrigger() }));

function openHome(eventId: string, userId: string) {
  const body = { ...structuredClone(envelope), event_id: eventId, event: { ...structuredClone(homeOpened), user: userId } };
  return post(signedSlackRequest({ body: JSON.stringify(body), signingSecret: SIGNING_SECRET }));
}

type Block = { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string; text?: string | { text: string } }[] };
const text = (userId: string) => ((h.slack.homeView(userId)?.blocks ?? []) as Block[]).map((b) => b.text?.text ?? (b.elements ?? []).map((e) => (typeof e.text === "string" ? e.text : e.text?.text ?? "")).join(" ")).join("\n");
const approveValue = (userId: string) =>
  ((h.slack.homeView(userId)?.blocks ?? []) as Block[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id === "step_approve")?.value;

/** A click on a button in someone's App Home: no channel, the home view as its container. */
function homeClick(actionId: string, value: string, userId: string) {
  const body = buttonClick({ actionId, value, userId, channelId: "unused", triggerId: h.slack.issueTrigger() });
  const view = h.slack.homeView(userId)!;
  delete body.channel;
  delete body.message;
  body.container = { type: "view", view_id: view.id };
  body.view = view;
  return post(interaction(SIGNING_SECRET, body));
}

describe("App Home", { timeout: 90_000 }, () => {
  it("publishes each person's Home: open incidents, their roles, approvals waiting on them", async () => {
    await command(cora, `role scribe <@${dana}>`);
    // Cora starts the playbook; its step waits on Lee.
    const before = h.slack.views().length;
    await post(interaction(SIGNING_SECRET, buttonClick({ actionId: "playbook_choose", value: JSON.stringify({ incidentId: incident.id, playbookId: "guarded" }), userId: cora, channelId: channel, triggerId: h.slack.issueTrigger() })));
    const modal = (await eventually(() => h.slack.views().slice(before).find((v) => v.callback_id === "playbook_params"), Boolean))!;
    await post(interaction(SIGNING_SECRET, viewSubmitted(modal, cora, {})));
    await eventually(() => h.slack.messages(channel).find((m) => m.text?.startsWith("Step 1/1") && m.text.endsWith("awaiting approval")), Boolean);
    await h.drain();

    expect((await openHome("EvHOME1", lee)).status).toBe(200);
    expect((await openHome("EvHOME2", dana)).status).toBe(200);
    await h.drain();

    const leeHome = await eventually(() => text(lee), (t) => t.includes("Approvals waiting on you"));
    expect(leeHome).toContain(`<#${channel}> Checkout is failing (INC-${incident.id})\nSEV1 · investigating · commander <@${cora}> · open`);
    expect(leeHome).toMatch(/\*Incidents where you hold a role\*\nNone right now\./);
    expect(leeHome).toContain(`<#${channel}> Checkout is failing\nGuarded, step 1: Drop the old index`);
    expect(approveValue(lee)).toBeDefined();

    const danaHome = text(dana);
    expect(danaHome).toContain(`<#${channel}> Checkout is failing: scribe`);
    expect(danaHome).toMatch(/\*Approvals waiting on you\*\nNothing waits on you\./);
    expect(approveValue(dana)).toBeUndefined();
    expect(h.slack.homeView(cora)).toBeUndefined(); // never opened it: never published
  });

  it("approves from the Home exactly once, however often it is clicked, and republishes the Home", async () => {
    const value = approveValue(lee)!;
    const clicks = await Promise.all([homeClick("step_approve", value, lee), homeClick("step_approve", value, lee), homeClick("step_approve", value, lee)]);
    expect(clicks.map((c) => c.status)).toEqual([200, 200, 200]);
    await eventually(async () => (await h.store.timeline.list(incident.id)).filter((e) => e.text === RAN).length, (n) => n >= 1);
    await h.drain();
    expect((await h.store.timeline.list(incident.id)).filter((e) => e.text === RAN)).toHaveLength(1);
    // The debounced refresh republishes Lee's Home (Lee opened it): nothing waits on Lee now.
    await eventually(() => text(lee), (t) => /\*Approvals waiting on you\*\nNothing waits on you\./.test(t), 20_000);
    expect(approveValue(lee)).toBeUndefined();
  });
});
