// The post-mortem from Slack: preview, edit (a required section cannot be emptied), publish as a
// pull request with an issue per remediation, publish again without duplicates — and the export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCli } from "../helpers/cli-process.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

let h: Harness;
let databaseUrl: string;
let cora: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabaseUrl();
  h = await startHarness({ database: { DATABASE_URL: databaseUrl } });
  h.pagerduty.addUser({ id: "PCORA", name: "Cora Commander", email: "cora@example.com" });
  h.pagerduty.addOnCall({ escalationPolicyId: "PUS0KTE", userId: "PCORA" });
  cora = h.slack.addUser({ name: "cora", email: "cora@example.com", realName: "Cora Commander" });
});
afterAll(() => h.stop());

const slack = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
const command = async (channel: string, text: string) => {
  const body = await (await slack(slashCommand(SIGNING_SECRET, { text, userId: cora, channelId: channel, triggerId: h.slack.issueTrigger() }))).text();
  return body ? (JSON.parse(body) as { text?: string }) : {};
};
const click = (channel: string, actionId: string, incidentId: number) =>
  slack(interaction(SIGNING_SECRET, buttonClick({ actionId, value: JSON.stringify({ incidentId }), userId: cora, channelId: channel, triggerId: h.slack.issueTrigger() })));
const repo = "acme/postmortems";

describe("the post-mortem", () => {
  it("is previewed, edited, published as one PR with issues, and republished without duplicates", async () => {
    h.pagerduty.addIncident({ id: "PPM", title: "API is degraded" });
    await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PPM", title: "API is degraded" }), PD_SECRETS[0]!));
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PPM"), (i) => Boolean(i?.headerTs)))!;
    const channel = incident.channelId!;
    await command(channel, "followup Check index validity before dropping an index");
    await command(channel, "rootcause A migration left the index INVALID & then dropped the valid one");

    expect((await command(channel, "postmortem")).text).toBe("Post-mortem draft posted below.");
    const preview = h.slack.messages(channel).find((m) => m.text === `Post-mortem draft for INC-${incident.id}`)!;
    expect(JSON.stringify(preview.blocks)).toContain("A migration left the index INVALID &amp; then dropped the valid one");

    await click(channel, "postmortem_edit", incident.id);
    const modal = await eventually(() => h.slack.views().find((v) => v.callback_id === "postmortem_edit_submit"), Boolean);
    const values = (tldr: string) => ({
      tldr: { value: { type: "plain_text_input", value: tldr } },
      root_cause: { value: { type: "plain_text_input", value: "A migration left the index INVALID & then dropped the valid one" } },
      went_well: { value: { type: "plain_text_input", value: "The rebuild playbook worked first time." } },
      impact: { value: { type: "plain_text_input", value: "About 2,670 API requests failed" } },
    });
    const emptied = await (await slack(interaction(SIGNING_SECRET, viewSubmitted(modal!, cora, values("  "))))).json();
    expect(emptied).toMatchObject({ response_action: "errors", errors: { tldr: expect.stringContaining("can't be empty") } });
    expect((await slack(interaction(SIGNING_SECRET, viewSubmitted(modal!, cora, values("The API was degraded for an hour by an invalid index."))))).status).toBe(200);
    await eventually(() => JSON.stringify(h.slack.messages(channel).find((m) => m.ts === preview.ts)!.blocks), (b) => b.includes("degraded for an hour"));

    await click(channel, "postmortem_publish", incident.id);
    const announced = await eventually(() => h.slack.messages(channel).filter((m) => m.text?.startsWith(":memo: Post-mortem")), (m) => m.length === 1, 20_000);
    const [pull] = h.github.pulls(repo);
    expect(announced[0]!.text).toBe(`:memo: Post-mortem published for review: ${pull!.url}, 1 remediation issue opened`);
    expect(pull).toMatchObject({ head: `postmortem/inc-${incident.id}`, base: "main", state: "open" });
    const issues = h.github.issues(repo);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ title: "Check index validity before dropping an index", labels: ["postmortem"] });
    const path = h.github.branches(repo).includes(`postmortem/inc-${incident.id}`) ? (await h.store.postmortems.get(incident.id)).branch : undefined;
    expect(path).toBe(`postmortem/inc-${incident.id}`);
    const commitsAfterFirst = h.github.commits(repo, `postmortem/inc-${incident.id}`).length;
    const files = h.github.calls.filter((c) => c.method === "PUT" && c.path.includes("/contents/"));
    const markdown = h.github.file(repo, `postmortem/inc-${incident.id}`, decodeURIComponent(files[0]!.path.split("/contents/")[1]!.split("?")[0]!))!;
    expect(markdown).toContain("## TL;DR\n\nThe API was degraded for an hour by an invalid index.");
    expect(markdown).toContain(`- [ ] Check index validity before dropping an index ([#${issues[0]!.number}](${issues[0]!.url}))`);
    expect(markdown).toContain("The rebuild playbook worked first time.");
    expect(markdown).toContain("## Impact\n\nAbout 2,670 API requests failed\n\n- **Window:**");
    expect((await h.store.timeline.list(incident.id)).map((e) => e.text)).toContain(`Post-mortem published by <@${cora}>: ${pull!.url}`);
    await eventually(() => h.pagerduty.incident("PPM")!.notes.map((n) => n.content), (n) => n.includes(`Post-mortem for INC-${incident.id}: ${pull!.url}`));

    // Publishing again with nothing new creates nothing new.
    await click(channel, "postmortem_publish", incident.id);
    await eventually(() => h.slack.messages(channel).filter((m) => m.text?.startsWith(":memo: Post-mortem updated")), (m) => m.length === 1, 20_000);
    expect(h.github.pulls(repo)).toHaveLength(1);
    expect(h.github.issues(repo)).toHaveLength(1);
    expect(h.github.commits(repo, `postmortem/inc-${incident.id}`)).toHaveLength(commitsAfterFirst);

    // A new remediation: one more issue, one more commit, the same pull request.
    await command(channel, "followup Alert on invalid indexes");
    await click(channel, "postmortem_publish", incident.id);
    await eventually(() => h.slack.messages(channel).filter((m) => m.text?.startsWith(":memo: Post-mortem updated")), (m) => m.length === 2, 20_000);
    expect(h.github.pulls(repo)).toHaveLength(1);
    expect(h.github.issues(repo).map((i) => i.title)).toEqual(["Check index validity before dropping an index", "Alert on invalid indexes"]);
    expect(h.github.commits(repo, `postmortem/inc-${incident.id}`)).toHaveLength(commitsAfterFirst + 1);

    // The same draft, as markdown, without Slack or GitHub.
    const cli = spawnCli(["postmortem", `INC-${incident.id}`], { DATABASE_URL: databaseUrl });
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain(`# INC-${incident.id}: API is degraded — Post-mortem`);
    expect(cli.output()).toContain("## Root Cause\n\nA migration left the index INVALID & then dropped the valid one");
    // People by the names stored when they were first seen: the export has no Slack to ask.
    expect(cli.output()).toContain("- **Commander:** Cora Commander\n");
    expect(cli.output()).not.toMatch(/\bU[A-Z0-9]{8,}\b/);
    // The whole publish path three times and a CLI process: more than the default 30 s on a busy machine.
  }, 60_000);

  it("updates the preview when a section is 2,900 characters of &, < and >, which escaping makes longer", async () => {
    h.pagerduty.addIncident({ id: "PPM3", title: "Queue backlog" });
    await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PPM3", title: "Queue backlog" }), PD_SECRETS[0]!));
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PPM3"), (i) => Boolean(i?.headerTs)))!;
    const channel = incident.channelId!;
    expect((await command(channel, "postmortem")).text).toBe("Post-mortem draft posted below.");
    const preview = h.slack.messages(channel).find((m) => m.text === `Post-mortem draft for INC-${incident.id}`)!;

    // 2,900 characters that escape to over 5,000: "a<b & c>d " is 10 characters, 22 escaped.
    const rootCause = "a<b & c>d ".repeat(290).trim();
    await command(channel, `rootcause ${rootCause}`);
    expect((await command(channel, "postmortem")).text).toBe("Post-mortem draft updated (the message above).");
    const updated = h.slack.messages(channel).find((m) => m.ts === preview.ts)!;
    const sections = (updated.blocks as { type: string; text?: { text: string } }[]).filter((b) => b.type === "section").map((b) => b.text!.text);
    const shown = sections.find((t) => t.startsWith("*Root cause*"))!;
    expect(shown).toContain("a&lt;b &amp; c&gt;d a&lt;b");
    expect(Math.max(...sections.map((t) => [...t].length))).toBeLessThanOrEqual(3000);
    // Clipped on a whole character: no half entity before the ellipsis.
    expect(shown).not.toMatch(/&[a-z]*…/);
    expect(h.slack.calls("chat.update").filter((c) => c.response.body.ok === false)).toEqual([]);
  });

  it("opens the Edit modal even when users.info is rate limited for 3 s, past the trigger's life", async () => {
    h.pagerduty.addIncident({ id: "PPM4", title: "Login errors" });
    await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PPM4", title: "Login errors" }), PD_SECRETS[0]!));
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PPM4"), (i) => Boolean(i?.headerTs)))!;
    await command(incident.channelId!, "rootcause An expired certificate");
    // Drafting names the people in the record; Slack makes the first lookup wait 3 s.
    h.slack.failNext("users.info", { retryAfter: 3 });
    await click(incident.channelId!, "postmortem_edit", incident.id);
    const form = await eventually(
      () => h.slack.views().find((v) => v.callback_id === "postmortem_edit_submit" && JSON.stringify(v.private_metadata).includes(`${incident.id}`) && JSON.stringify(v.blocks).includes("root_cause")),
      Boolean,
      15_000,
    );
    expect(JSON.stringify(form!.blocks)).toContain("An expired certificate");
    expect(h.slack.calls("users.info").map((c) => c.response.status)).toContain(429);
    expect(h.slack.calls("views.open").filter((c) => c.response.body.ok === false)).toEqual([]);
  });

  it("refreshes the preview in place after each change, and asks before publishing what is unfinished", async () => {
    h.pagerduty.addIncident({ id: "PPM5", title: "Checkout errors" });
    await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PPM5", title: "Checkout errors" }), PD_SECRETS[0]!));
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PPM5"), (i) => Boolean(i?.headerTs)))!;
    const channel = incident.channelId!;
    expect((await command(channel, "postmortem")).text).toBe("Post-mortem draft posted below.");
    const previews = () => h.slack.messages(channel).filter((m) => m.text === `Post-mortem draft for INC-${incident.id}`);
    const [preview] = previews();
    const shown = () => JSON.stringify(h.slack.messages(channel).find((m) => m.ts === preview!.ts)!.blocks);
    const updates = () => h.slack.calls("chat.update").filter((c) => c.args.ts === preview!.ts).length;

    // A placeholder Root Cause and an empty Impact: Publish names both, and Cancel publishes nothing.
    await click(channel, "postmortem_publish", incident.id);
    await eventually(() => h.slack.ephemerals(channel).map((e) => e.text), (t) => t.includes("Root Cause is still the template's placeholder; Impact is empty. Publish anyway?"));
    await click(channel, "postmortem_publish_cancel", incident.id);
    await eventually(() => h.slack.ephemerals(channel).map((e) => e.text), (t) => t.includes("Not published; the draft is as it was."));
    expect(h.github.pulls(repo).filter((p) => p.head === `postmortem/inc-${incident.id}`)).toEqual([]);

    // Each change redraws the one preview, once: no second message.
    await command(channel, "rootcause The v2.14 deploy set the payments pool size to 0");
    await eventually(shown, (b) => b.includes("payments pool size to 0"));
    expect(updates()).toBe(1);
    await command(channel, "impact 1,900 checkout requests failed");
    await eventually(shown, (b) => b.includes("1,900 checkout requests failed"));
    expect(updates()).toBe(2);
    await command(channel, "status identified");
    await eventually(updates, (n) => n === 3);
    expect(previews()).toHaveLength(1);

    // Nothing is missing now: Publish publishes without asking.
    const asked = h.slack.ephemerals(channel).filter((e) => e.text?.endsWith("Publish anyway?")).length;
    await click(channel, "postmortem_publish", incident.id);
    await eventually(() => h.github.pulls(repo).filter((p) => p.head === `postmortem/inc-${incident.id}`), (p) => p.length === 1, 20_000);
    expect(h.slack.ephemerals(channel).filter((e) => e.text?.endsWith("Publish anyway?"))).toHaveLength(asked);
  });

  it("explains a GitHub problem in Slack and keeps the draft", async () => {
    h.pagerduty.addIncident({ id: "PPM2", title: "Search slow" });
    await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PPM2", title: "Search slow" }), PD_SECRETS[0]!));
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PPM2"), (i) => Boolean(i?.headerTs)))!;
    await command(incident.channelId!, "rootcause Cache stampede");
    // The token is revoked: GitHub answers the next call with 401.
    h.github.failNext(/^[A-Z]+ \/repos\/acme\/postmortems/, 401, 1, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    await click(incident.channelId!, "postmortem_publish", incident.id);
    // Nobody said what users saw: Publish asks first, and only "Publish anyway" goes on.
    await eventually(() => h.slack.ephemerals(incident.channelId!).filter((e) => e.text === "Impact is empty. Publish anyway?"), (e) => e.length === 1);
    await click(incident.channelId!, "postmortem_publish_anyway", incident.id);
    const told = await eventually(() => h.slack.ephemerals(incident.channelId!).filter((e) => e.text?.includes("was not published")), (e) => e.length === 1, 20_000);
    expect(told[0]!.text).toContain("GitHub refused the token (401); check GITHUB_TOKEN");
    expect((await h.store.postmortems.get(incident.id)).edits.rootCause).toBe("Cache stampede");
    expect((await h.store.postmortems.get(incident.id)).prUrl).toBeNull();
  });
});
