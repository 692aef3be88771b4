// /incident declare, the message shortcut, and Slack's retries — through signed requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/databases.js";
import { eventually, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { interaction, messageShortcut, reactionEvent, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";
import { signedSlackRequest } from "../helpers/slack-requests.js";

let h: Harness;
let alice: string;
let general: string;
const data = tempDir();

beforeAll(async () => {
  h = await startHarness({ database: { FIREBREAK_DATA_DIR: data.path } });
  alice = h.slack.addUser({ name: "alice", email: "alice@example.com", realName: "Alice Commander" });
  general = h.slack.addChannel({ name: "general", members: [alice] });
});
afterAll(async () => {
  await h.stop();
  data.remove();
});

const slack = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
const values = (title: string, severity: string, services = "", description = "") => ({
  title: { value: { type: "plain_text_input", value: title } },
  severity: { value: { type: "static_select", selected_option: { value: severity } } },
  services: { value: { type: "plain_text_input", value: services } },
  description: { value: { type: "plain_text_input", value: description } },
});

describe("/incident declare", () => {
  it("opens the modal; submitting it declares with the declarer as commander, once", async () => {
    const response = await slack(slashCommand(SIGNING_SECRET, { text: "declare Checkout errors for EU", userId: alice, channelId: general, triggerId: h.slack.issueTrigger() }));
    expect(response.status).toBe(200);
    const view = await eventually(() => h.slack.views().at(-1), (v) => v?.callback_id === "declare_incident");
    expect(JSON.stringify(view!.blocks)).toContain("Checkout errors for EU");

    const invalid = await slack(interaction(SIGNING_SECRET, viewSubmitted(view!, alice, values(" ", "SEV2"))));
    expect(await invalid.json()).toEqual({ response_action: "errors", errors: { title: expect.stringContaining("Give the incident a title") } });

    const submission = viewSubmitted(view!, alice, values("Checkout errors for EU", "SEV2", "checkout, payments", "5xx on /pay"));
    const [first, second] = await Promise.all([slack(interaction(SIGNING_SECRET, submission)), slack(interaction(SIGNING_SECRET, submission))]);
    expect([first.status, second.status]).toEqual([200, 200]);

    const incident = await eventually(async () => (await h.store.incidents.list()).find((i) => i.title === "Checkout errors for EU"), (i) => Boolean(i?.headerTs));
    expect(incident).toMatchObject({ severity: "SEV2", services: ["checkout", "payments"], description: "5xx on /pay", declaredBy: alice, commander: alice, source: "slack" });
    expect((await h.store.incidents.list()).filter((i) => i.title === "Checkout errors for EU")).toHaveLength(1);
    expect(h.slack.channel(incident!.channelId!)!.members).toContain(alice);
    expect(h.slack.ephemerals(general).map((e) => e.text)).toContainEqual(expect.stringContaining(`INC-${incident!.id} declared`));
    const [page] = await h.store.timeline.list(incident!.id);
    expect(page).toMatchObject({ kind: "page", actor: alice, text: `Declared in Slack by <@${alice}>` });
  });

  it("answers help for an empty or unknown subcommand, only to the person who typed it", async () => {
    const unknown = await slack(slashCommand(SIGNING_SECRET, { text: "frobnicate now", userId: alice, channelId: general }));
    expect(await unknown.json()).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("`/incident frobnicate now` is not a Firebreak command") });
    const help = await slack(slashCommand(SIGNING_SECRET, { text: "", userId: alice, channelId: general }));
    expect(await help.json()).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("/incident declare [title]") });
  });
});

describe("the Declare incident message shortcut", () => {
  it("prefills the modal from the message", async () => {
    const message = h.slack.postAsUser(general, alice, "Payments are timing out\nSince 09:10, about 30% of requests");
    await slack(interaction(SIGNING_SECRET, messageShortcut("declare_incident_from_message", alice, general, { ts: message.ts, text: message.text!, user: alice }, h.slack.issueTrigger())));
    const view = await eventually(() => h.slack.views().at(-1), (v) => JSON.stringify(v?.blocks ?? "").includes("Payments are timing out"));
    const blocks = JSON.stringify(view!.blocks);
    expect(blocks).toContain('"initial_value":"Payments are timing out"');
    expect(blocks).toContain("about 30% of requests");
  });
});

describe("Slack event retries", () => {
  it("act once per event_id, whatever X-Slack-Retry-Num says", async () => {
    const body = JSON.stringify(reactionEvent("Ev0RETRY01", { user: alice, channel: general, ts: "1700000000.000100" }));
    const first = await slack(signedSlackRequest({ body, signingSecret: SIGNING_SECRET }));
    const retry = await slack(signedSlackRequest({ body, signingSecret: SIGNING_SECRET, headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } }));
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(await h.store.deliveries.count("slack-event")).toBe(1);
  });
});
