// Running a playbook from Slack: list, choose, params, approval, execution — through signed
// requests against a real Firebreak and store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { notePlaybook, otherPlaybook, writePlaybookConfig } from "../helpers/playbook-dir.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

let h: Harness;
let incident: Incident;
let channel: string;
let commander: string;
let outsider: string;
const dir = tempDir();

beforeAll(async () => {
  const config = writePlaybookConfig(dir.path, { "note.yaml": notePlaybook, "other.yaml": otherPlaybook });
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, env: { FIREBREAK_CONFIG: config } });
  commander = h.slack.addUser({ name: "cora", email: "cora@example.com" });
  outsider = h.slack.addUser({ name: "olly", email: "olly@example.com" });
  channel = h.slack.addChannel({ name: "inc-20260308-checkout", members: [commander, outsider] });
  const created = await h.store.incidents.create({ title: "Checkout errors", severity: "SEV2", source: "slack", detectedAt: new Date(), commander, declaredBy: commander });
  incident = (await h.store.incidents.update(created.id, created.version, { channelId: channel, channelName: "inc-20260308-checkout" }))!;
});
afterAll(async () => {
  await h.stop();
  dir.remove();
});

const slack = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
const answer = async (init: RequestInit) => (await (await slack(init)).json()) as { text: string; blocks?: unknown[] };
const click = (actionId: string, value: string, userId: string) => slack(interaction(SIGNING_SECRET, buttonClick({ actionId, value, userId, channelId: channel, triggerId: h.slack.issueTrigger() })));
const stepMessages = () => h.slack.messages(channel).filter((m) => m.text?.startsWith("Step "));
const buttonValue = (text: string, actionId: string) => {
  const message = stepMessages().find((m) => m.text?.startsWith(text));
  const actions = (message?.blocks as { type: string; elements?: { action_id: string; value: string }[] }[] | undefined)?.find((b) => b.type === "actions");
  return actions?.elements?.find((e) => e.action_id === actionId)?.value;
};

describe("/incident playbook", () => {
  it("lists the playbooks that match the incident, or all on request, and refuses outside an incident channel", async () => {
    const matching = await answer(slashCommand(SIGNING_SECRET, { text: "playbook", userId: commander, channelId: channel }));
    expect(JSON.stringify(matching.blocks)).toContain("Note, then an approved note");
    expect(JSON.stringify(matching.blocks)).not.toContain("Unrelated");
    expect(JSON.stringify(matching.blocks)).toContain("Show all playbooks (1 more)");
    const all = await answer(slashCommand(SIGNING_SECRET, { text: "playbook all", userId: commander, channelId: channel }));
    expect(JSON.stringify(all.blocks)).toContain("Unrelated");
    const elsewhere = await answer(slashCommand(SIGNING_SECRET, { text: "playbook", userId: commander, channelId: "C0NOTINC" }));
    expect(elsewhere.text).toContain("in an incident's channel");
  });

  it("runs a chosen playbook: params checked in the modal, approval enforced, each step one message updated in place", async () => {
    await click("playbook_choose", JSON.stringify({ incidentId: incident.id, playbookId: "note-then-approve" }), commander);
    const modal = await eventually(() => h.slack.views().find((v) => v.callback_id === "playbook_params"), Boolean);
    const values = (message: string) => ({ param_message: { value: { type: "plain_text_input", value: message } } });

    // Anyone in the channel may start a run; approving is for the listed approvers.
    const invalid = await slack(interaction(SIGNING_SECRET, viewSubmitted(modal!, outsider, values("NOT lowercase"))));
    expect(await invalid.json()).toMatchObject({ response_action: "errors", errors: { param_message: expect.stringContaining("pattern") } });
    expect((await slack(interaction(SIGNING_SECRET, viewSubmitted(modal!, outsider, values("hello world"))))).status).toBe(200);

    // Step 1 needs no approval: it runs; step 2 asks the commander.
    await eventually(() => h.store.timeline.list(incident.id), (e) => e.some((x) => x.text === "first: hello world"));
    await eventually(() => buttonValue("Step 2/2", "step_approve"), Boolean);
    const approveValue = buttonValue("Step 2/2", "step_approve")!;
    const step2 = stepMessages().find((m) => m.text?.startsWith("Step 2/2"))!;
    expect(JSON.stringify(step2.blocks)).toContain("second for INC-" + incident.id);
    expect(JSON.stringify(step2.blocks)).toContain("may approve: the incident commander");

    await click("step_approve", approveValue, outsider);
    const refusal = await eventually(() => h.slack.ephemerals(channel).filter((e) => e.user === outsider), (e) => e.length > 0);
    expect(refusal[0]!.text).toContain("Only the incident commander (<@" + commander + ">) can approve “Write the approved note”.");
    expect((await h.store.timeline.list(incident.id)).some((e) => e.text === `second for INC-${incident.id}`)).toBe(false);

    // Deny opens its reason form at once and names the step once the run is read (left unsent here).
    await click("step_deny", buttonValue("Step 2/2", "step_deny")!, commander);
    const deny = await eventually(() => h.slack.views().find((v) => v.callback_id === "step_deny_reason"), Boolean);
    expect(JSON.stringify(deny!.blocks)).toContain("Why deny “Write the approved note”?");

    await click("step_approve", approveValue, commander);
    await eventually(() => h.store.timeline.list(incident.id), (e) => e.some((x) => x.text === "Playbook “Note, then an approved note” completed"));
    const texts = (await h.store.timeline.list(incident.id)).map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining([
      `Playbook “Note, then an approved note” started by <@${outsider}>`,
      "Step “Write the first note” succeeded",
      `Approval requested for “Write the approved note”: Add a note to the incident timeline — needs 1 from the incident commander (<@${commander}>)`,
      `<@${commander}> approved “Write the approved note” (1/1)`,
      `second for INC-${incident.id}`,
      `Step “Write the approved note” succeeded (approved by <@${commander}>)`,
    ]));
    // Each executed step leaves a change marker in Datadog.
    await eventually(() => h.datadog.events.filter((e) => JSON.stringify(e).includes(`INC-${incident.id}: step`)), (m) => m.length === 2);
    // Two step messages, each posted once and updated in place.
    await eventually(() => stepMessages().map((m) => m.text), (t) => t.length === 2 && t.every((x) => x?.endsWith("succeeded")));
    expect(h.slack.calls("chat.update").length).toBeGreaterThan(0);

    // A click on the old Approve button is answered, not acted on.
    await click("step_approve", approveValue, commander);
    const stale = await eventually(() => h.slack.ephemerals(channel).filter((e) => e.user === commander), (e) => e.length > 0);
    expect(stale.at(-1)!.text).toMatch(/This playbook run has succeeded|out of date/);
    expect((await h.store.timeline.list(incident.id)).filter((e) => e.text === `second for INC-${incident.id}`)).toHaveLength(1);
  });

  it("answers a forged or malformed button with an explanation", async () => {
    await click("step_approve", "{not json", commander);
    const answer = await eventually(() => h.slack.ephemerals(channel), (e) => e.some((x) => x.text?.includes("not one Firebreak can read")));
    expect(answer.length).toBeGreaterThan(0);
  });
});
