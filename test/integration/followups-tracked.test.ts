// Follow-ups tracked to done, through the running bot: owners and due days from Slack, issues
// assigned on publish, state read back from a signed GitHub webhook and from the reconcile when
// no webhook came, shown ☑/☐ in the draft and /incident followups, and one nudge a day per
// overdue follow-up, across a restart. Firebreak's clock is injected; Slack's signatures use the real one.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signGithubBody } from "../../src/http/github-signature.js";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { buttonClick, interaction, slashCommand } from "../helpers/slack-payloads.js";

const WEBHOOK_SECRET = "github-webhook-secret-0123456789";
const repo = "acme/postmortems";
const HOUR = 3_600_000;
const dir = tempDir();
let slack: SlackEmulator;
let h: Harness;
let cora: string;
let ada: string;
let bob: string;
let channel: string;
let incidentId: number;
// Noon UTC today: whatever the hour the test runs, a day later is the next day after 09:00.
let clock = new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);
const day = (at: Date) => at.toISOString().slice(0, 10);
const plusDays = (n: number) => day(new Date(clock.getTime() + n * 24 * HOUR));

// The reopened example (octokit/webhooks; test/fixtures/github/webhooks/README.md) as a closed
// delivery, as the issues.closed schema requires: action "closed", state "closed", closed_at set.
const reopened = JSON.parse(readFileSync(new URL("../fixtures/github/webhooks/issues.reopened.payload.json", import.meta.url), "utf8")) as Record<string, any>;
function issuesEvent(action: string, issueNumber: number, at: Date, fullName = repo): string {
  const closed = action === "closed";
  return JSON.stringify({
    ...reopened,
    action,
    issue: { ...reopened.issue, number: issueNumber, state: closed ? "closed" : "open", closed_at: closed ? at.toISOString() : reopened.issue.closed_at, updated_at: at.toISOString() },
    repository: { ...reopened.repository, full_name: fullName },
  });
}
const githubDelivery = (event: string, body: string, deliveryId: string, signature: string | null = signGithubBody(body, WEBHOOK_SECRET)) =>
  fetch(`${h.base}/webhooks/github`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "GitHub-Hookshot/044aadd", "x-github-event": event, "x-github-delivery": deliveryId, ...(signature && { "x-hub-signature-256": signature }) },
    body,
  });
const deliveries = async () => (await h.store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE source = 'github'"))[0]!.n;

const command = async (text: string, userId = cora) => {
  const res = await fetch(`${h.base}/slack/events`, slashCommand(SIGNING_SECRET, { text, userId, channelId: channel, triggerId: slack.issueTrigger() }));
  const body = await res.text();
  return body ? (JSON.parse(body) as { text?: string; blocks?: unknown[] }) : {};
};
const followup = async (id: number) => (await h.store.followups.get(id))!;

beforeAll(async () => {
  slack = createSlackEmulator();
  await slack.start();
  cora = slack.addUser({ name: "cora", email: "cora@example.com", realName: "Cora Commander" });
  ada = slack.addUser({ name: "ada", email: "ada@example.com", realName: "Ada Oncall" });
  bob = slack.addUser({ name: "bob", email: "bob@example.com", realName: "Bob Builder" });
  const config = join(dir.path, "firebreak.yaml");
  // The days this test skips would otherwise each bring the commander 96 update reminders.
  const quiet = "lifecycle: { update_every_minutes: { SEV1: 1000000, SEV2: 1000000, SEV3: 1000000, SEV4: 1000000 } }\n";
  writeFileSync(config, `${quiet}people:\n  ${ada}: { github: ada-gh }\n  ${bob}: { github: bob-outsider }\n`);
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, slack, now: () => clock, env: { FIREBREAK_CONFIG: config, GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  // Ada may be assigned issues in the repository; Bob is no collaborator, so GitHub refuses him.
  h.github.addCollaborator(repo, "ada-gh");
  h.pagerduty.addIncident({ id: "PFU", title: "Orders API is slow" });
  await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PFU", title: "Orders API is slow" }), PD_SECRETS[0]!));
  const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PFU"), (i) => Boolean(i?.headerTs)))!;
  channel = incident.channelId!;
  incidentId = incident.id;
});
afterAll(async () => {
  await h?.stop();
  await slack?.stop();
  dir.remove();
});

describe("follow-ups tracked to done", () => {
  let first: number;
  let second: number;
  let issues: ReturnType<Harness["github"]["issues"]>;

  it("take an owner and a due day in Slack, refuse a past day, and become assigned issues on publish", async () => {
    const added = await command(`followup <@${ada}> due ${plusDays(14)} Check index validity before dropping an index`);
    expect(added.text).toMatch(new RegExp(`^Follow-up #\\d+ added \\(owner <@${ada}>, due ${plusDays(14)}\\)`));
    first = Number(/#(\d+)/.exec(added.text!)![1]);
    second = Number(/#(\d+)/.exec((await command(`followup due tomorrow <@${bob}> Alert on invalid indexes`)).text!)![1]);
    expect((await command(`followup due ${plusDays(-1)} Too late`)).text).toBe(`:no_entry_sign: ${plusDays(-1)} is in the past; a follow-up is due today or later. Give the due day as \`due 2026-12-20\`, \`due today\`, \`due tomorrow\` or \`due friday\`.`);
    expect(await h.store.lifecycle.followups(incidentId)).toHaveLength(2);

    // Root Cause and Impact written, so Publish publishes without asking first.
    await command("rootcause A migration left an index invalid");
    await command("impact 1 in 3 orders failed for 40 minutes");
    await fetch(`${h.base}/slack/events`, interaction(SIGNING_SECRET, buttonClick({ actionId: "postmortem_publish", value: JSON.stringify({ incidentId }), userId: cora, channelId: channel, triggerId: slack.issueTrigger() })));
    await eventually(() => slack.messages(channel).filter((m) => m.text?.startsWith(":memo: Post-mortem")), (m) => m.length === 1, 20_000);
    issues = h.github.issues(repo);
    const byTitle = (title: string) => issues.find((i) => i.title === title)!;
    expect(byTitle("Check index validity before dropping an index")).toMatchObject({ assignees: ["ada-gh"], state: "open" });
    expect(byTitle("Check index validity before dropping an index").body).toContain(`- **Owner:** Ada Oncall (@ada-gh)\n- **Due:** ${plusDays(14)}`);
    // GitHub refused bob-outsider (422): the issue is opened unassigned, owner and due day in its body.
    expect(byTitle("Alert on invalid indexes")).toMatchObject({ assignees: [], state: "open" });
    expect(byTitle("Alert on invalid indexes").body).toContain(`- **Owner:** Bob Builder (@bob-outsider)\n- **Due:** ${plusDays(1)}`);
  });

  it("are done when a signed issues.closed webhook says so, shown ☑ in /incident followups and the regenerated draft", async () => {
    const issue = (await followup(first)).issueNumber!;
    expect((await githubDelivery("ping", readFileSync(new URL("../fixtures/github/webhooks/ping.payload.json", import.meta.url), "utf8"), "ping-1")).status).toBe(200);
    const closed = issuesEvent("closed", issue, clock);
    const answer = await githubDelivery("issues", closed, "delivery-closed-1");
    expect(answer.status).toBe(202);
    await h.drain();
    expect(await followup(first)).toMatchObject({ state: "done", closedAt: clock });
    expect((await followup(second)).state).toBe("open");

    const list = await command("followups");
    expect(list.text).toContain(`☑ *${first}.* Check index validity before dropping an index — Ada Oncall · due ${plusDays(14)} · <https://github.com/${repo}/issues/${issue}|#${issue}>`);
    expect(list.text).toContain(`☐ *${second}.* Alert on invalid indexes — Bob Builder · due ${plusDays(1)}`);
    expect(list.text).not.toContain(ada);

    expect((await command("postmortem")).text).toBe("Post-mortem draft posted below.");
    const preview = slack.messages(channel).findLast((m) => m.text === `Post-mortem draft for INC-${incidentId}`)!;
    expect(JSON.stringify(preview.blocks)).toContain(`☑ Check index validity before dropping an index — owner Ada Oncall, due ${plusDays(14)}`);
    expect(JSON.stringify(preview.blocks)).toContain(`☐ Alert on invalid indexes — owner Bob Builder, due ${plusDays(1)}`);
  });

  it("record a delivery once, refuse forged and unsigned ones, and write nothing for an unknown issue", async () => {
    const issue = (await followup(first)).issueNumber!;
    const before = await deliveries();
    const again = await githubDelivery("issues", issuesEvent("closed", issue, clock), "delivery-closed-1");
    expect(await again.json()).toMatchObject({ ok: true, duplicate: true });

    const reopen = issuesEvent("reopened", issue, new Date(clock.getTime() + 1000));
    expect((await githubDelivery("issues", reopen, "delivery-forged", signGithubBody(reopen, "not-the-webhook-secret-at-all"))).status).toBe(401);
    expect((await githubDelivery("issues", reopen, "delivery-unsigned", null)).status).toBe(401);
    expect((await githubDelivery("issues", issuesEvent("closed", 9999, clock), "delivery-unknown")).status).toBe(202);
    expect((await githubDelivery("issues", issuesEvent("closed", issue, clock, "someone/else"), "delivery-other-repo")).status).toBe(202);
    expect((await githubDelivery("issues", "{not json", "delivery-malformed")).status).toBe(400);
    expect((await fetch(`${h.base}/webhooks/github`)).status).toBe(405);
    const big = JSON.stringify({ padding: "x".repeat(1024 * 1024) });
    expect((await githubDelivery("issues", big, "delivery-big")).status).toBe(413);
    await h.drain();
    expect(await deliveries()).toBe(before);
    expect((await followup(first)).state).toBe("done");
  });

  it("are read back by the hourly reconcile when no webhook came", async () => {
    h.github.setIssueState(repo, (await followup(second)).issueNumber!, "closed");
    clock = new Date(clock.getTime() + HOUR);
    await eventually(() => followup(second), (f) => f.state === "done");
  });

  it("open again when reopened on GitHub, and close their issue when marked done in Slack", async () => {
    const issue = (await followup(second)).issueNumber!;
    h.github.setIssueState(repo, issue, "open");
    // GitHub's updated_at (the emulator's, on the real clock) after the close the reconcile read.
    expect((await githubDelivery("issues", issuesEvent("reopened", issue, new Date(Date.now() + 60_000)), "delivery-reopened-2")).status).toBe(202);
    await h.drain();
    expect((await followup(second)).state).toBe("open");

    expect((await command(`followup done ${second}`)).text).toBe(`Follow-up #${second} marked done; its GitHub issue #${issue} is being closed.`);
    await h.drain();
    expect(h.github.issues(repo).find((i) => i.number === issue)!.state).toBe("closed");
    expect((await followup(second)).state).toBe("done");
  });

  it("nudge the owner of an overdue follow-up once a day, across a restart", async () => {
    const added = await command(`followup <@${ada}> due today Rotate the replica credentials`);
    const third = Number(/#(\d+)/.exec(added.text!)![1]);
    const nudges = () => slack.directMessages(ada).filter((m) => m.text?.includes(`follow-up #${third} `));
    await h.drain();
    expect(nudges()).toHaveLength(0);

    clock = new Date(clock.getTime() + 24 * HOUR);
    await eventually(nudges, (n) => n.length === 1);
    expect(nudges()[0]!.text).toContain(`was due ${plusDays(-1)} and is still open: Rotate the replica credentials`);
    await h.restart();
    await h.drain();
    expect(nudges()).toHaveLength(1);

    clock = new Date(clock.getTime() + 24 * HOUR);
    await eventually(nudges, (n) => n.length === 2);
    await command(`followup done ${third}`);
    clock = new Date(clock.getTime() + 24 * HOUR);
    await h.drain();
    expect(nudges()).toHaveLength(2);
  });
});
