// Publishing a post-mortem through the real app when GitHub opens the issue or the pull request
// and the answer is lost (the connection drops after the work): the publish job tries again,
// looks for what the lost call made, and ends with exactly one issue and one pull request.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { buttonClick, interaction, slashCommand } from "../helpers/slack-payloads.js";

let h: Harness;
let cora: string;
const repo = "acme/postmortems";

beforeAll(async () => {
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() } });
  cora = h.slack.addUser({ name: "cora", email: "cora@example.com", realName: "Cora Commander" });
});
afterAll(async () => {
  if (process.env.DEBUG_LOGS) console.log(h.logs.join(""));
  await h.stop();
});

const slack = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);

/** An incident with one follow-up, published from Slack; resolves once the post-mortem is recorded as published. */
async function publishWithOneFollowup(pdIncident: string, title: string) {
  h.pagerduty.addIncident({ id: pdIncident, title });
  await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: pdIncident, title }), PD_SECRETS[0]!));
  const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident(pdIncident), (i) => Boolean(i?.headerTs)))!;
  const channel = incident.channelId!;
  await slack(slashCommand(SIGNING_SECRET, { text: `followup Follow-up of ${title}`, userId: cora, channelId: channel }));
  // Root Cause and Impact written, so Publish publishes without asking first.
  await slack(slashCommand(SIGNING_SECRET, { text: "rootcause A connection pool sized to 0", userId: cora, channelId: channel }));
  await slack(slashCommand(SIGNING_SECRET, { text: "impact Checkout failed for 12 minutes", userId: cora, channelId: channel }));
  await slack(interaction(SIGNING_SECRET, buttonClick({ actionId: "postmortem_publish", value: JSON.stringify({ incidentId: incident.id }), userId: cora, channelId: channel })));
  const published = await eventually(() => h.store.postmortems.get(incident.id), (p) => p.prUrl !== null, 30_000);
  const announced = await eventually(() => h.slack.messages(channel).filter((m) => m.text.startsWith(":memo: Post-mortem")), (m) => m.length > 0);
  return { incident, published, announced, branch: `postmortem/inc-${incident.id}` };
}

it("a lost answer on issue creation yields exactly one issue", async () => {
  h.github.loseNextAnswer("POST /repos/acme/postmortems/issues");
  const { published, announced, branch } = await publishWithOneFollowup("PGHISSUE", "Issue answer lost");
  expect(h.github.issues(repo).filter((i) => i.title === "Follow-up of Issue answer lost")).toHaveLength(1);
  expect(h.github.pulls(repo).filter((p) => p.head === branch)).toHaveLength(1);
  expect(published.prUrl).toBe(h.github.pulls(repo).find((p) => p.head === branch)!.url);
  expect(announced).toHaveLength(1);
});

it("a lost answer on pull request creation yields exactly one pull request", async () => {
  // Every try the client makes in the call loses its answer, so the job's own retry must find it.
  h.github.loseNextAnswer("POST /repos/acme/postmortems/pulls", 3);
  const { published, announced, branch } = await publishWithOneFollowup("PGHPULL", "Pull answer lost");
  expect(h.github.pulls(repo).filter((p) => p.head === branch)).toHaveLength(1);
  expect(published.prUrl).toBe(h.github.pulls(repo).find((p) => p.head === branch)!.url);
  expect(h.github.issues(repo).filter((i) => i.title === "Follow-up of Pull answer lost")).toHaveLength(1);
  expect(announced).toHaveLength(1);
});
