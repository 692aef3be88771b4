// Channel bookmarks through the running app: a page's channel gets the PagerDuty incident and the
// call link from firebreak.yaml's call_url, the post-mortem pull request once published; each
// once, even when Slack adds one and the answer is lost; and a bookmark Slack refuses is
// recorded on the timeline without holding anything else up.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { datadogDelivery, renderDatadogPayload } from "../helpers/datadog-events.js";
import { DD_SECRET, eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { buttonClick, interaction, slashCommand } from "../helpers/slack-payloads.js";

const dir = tempDir("firebreak-bookmarks-");
let h: Harness;
let cora: string;
let page = 0;

beforeAll(async () => {
  const config = join(dir.path, "firebreak.yaml");
  writeFileSync(config, "call_url: https://meet.example.com/{incident_id}\n");
  // Short, so an answer held by the emulator costs little.
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, env: { FIREBREAK_CONFIG: config }, requestTimeoutMs: 1_500 });
  h.pagerduty.addUser({ id: "PCORA", name: "Cora Commander", email: "cora@example.com" });
  h.pagerduty.addOnCall({ escalationPolicyId: "PUS0KTE", userId: "PCORA" });
  cora = h.slack.addUser({ name: "cora", email: "cora@example.com", realName: "Cora Commander" });
});
afterAll(async () => {
  if (process.env.DEBUG_LOGS) console.log(h.logs.join(""));
  await h.stop();
  dir.remove();
});

async function pageIn(title: string): Promise<Incident> {
  const id = `PBM${++page}`;
  h.pagerduty.addIncident({ id, title, escalationPolicyId: "PUS0KTE" });
  const response = await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: id, title }), PD_SECRETS[0]!));
  expect(response.status).toBe(202);
  const recorded = (await eventually(() => h.store.incidents.byPagerdutyIncident(id), Boolean))!;
  return (await eventually(() => h.store.incidents.get(recorded.id), (i) => Boolean(i?.headerTs), 20_000))!;
}

const bookmarkEntries = async (incidentId: number) =>
  (await h.store.timeline.list(incidentId)).filter((e) => e.kind.startsWith("bookmark")).map((e) => ({ kind: e.kind, key: e.sourceKey, text: e.text }));

describe("channel bookmarks", { timeout: 60_000 }, () => {
  it("bookmarks the PagerDuty incident and the call, then the post-mortem once published, each once", async () => {
    const incident = await pageIn("Checkout is failing");
    const channel = incident.channelId!;
    await h.drain();
    const pdUrl = `https://acme.pagerduty.com/incidents/PBM${page}`;
    const callUrl = `https://meet.example.com/inc-${incident.id}`;
    expect(h.slack.bookmarks(channel).map((b) => [b.title, b.link, b.emoji, b.type])).toEqual([
      ["PagerDuty incident", pdUrl, ":pager:", "link"],
      [`INC-${incident.id} call`, callUrl, ":telephone_receiver:", "link"],
    ]);
    expect(await bookmarkEntries(incident.id)).toEqual([
      { kind: "bookmark", key: "slack:bookmark:pagerduty", text: `Bookmarked the PagerDuty incident in the channel: ${pdUrl}` },
      { kind: "bookmark", key: "slack:bookmark:call", text: `Bookmarked the INC-${incident.id} call in the channel: ${callUrl}` },
    ]);

    const slack = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
    await slack(slashCommand(SIGNING_SECRET, { text: "postmortem", userId: cora, channelId: channel, triggerId: h.slack.issueTrigger() }));
    // Root Cause and Impact written, so Publish publishes without asking first.
    await slack(slashCommand(SIGNING_SECRET, { text: "rootcause A bad deploy", userId: cora, channelId: channel }));
    await slack(slashCommand(SIGNING_SECRET, { text: "impact Checkout failed for 10 minutes", userId: cora, channelId: channel }));
    await slack(interaction(SIGNING_SECRET, buttonClick({ actionId: "postmortem_publish", value: JSON.stringify({ incidentId: incident.id }), userId: cora, channelId: channel, triggerId: h.slack.issueTrigger() })));
    const pull = (await eventually(() => h.github.pulls("acme/postmortems").find((p) => p.head === `postmortem/inc-${incident.id}`), Boolean, 20_000))!;
    await eventually(() => h.slack.bookmarks(channel).length, (n) => n === 3, 20_000);
    await h.drain();
    expect(h.slack.bookmarks(channel).map((b) => b.link)).toEqual([pdUrl, callUrl, pull.url]);
    expect((await bookmarkEntries(incident.id)).at(-1)).toEqual({ kind: "bookmark", key: "slack:bookmark:postmortem", text: `Bookmarked the INC-${incident.id} post-mortem in the channel: ${pull.url}` });
  });

  it("bookmarks the Datadog monitor of an incident a Datadog alert declared", async () => {
    const values = {
      ID: "7337203685477580793", ALERT_ID: "4242", ALERT_CYCLE_KEY: "7337203685477580001", ALERT_TRANSITION: "Triggered",
      ALERT_TITLE: "[Triggered] Queue depth above 10k", ALERT_PRIORITY: "P2", EVENT_MSG: "Queue backing up",
      DATE: String(Date.now()), LAST_UPDATED: String(Date.now()), TAGS: "env:prod,service:queue", LINK: "https://app.datadoghq.com/monitors/4242",
    };
    expect((await fetch(`${h.base}/webhooks/datadog`, datadogDelivery(renderDatadogPayload(values), DD_SECRET))).status).toBe(202);
    const found = (await eventually(async () => (await h.store.incidents.list()).find((i) => i.datadogMonitorId === "4242"), Boolean))!;
    const incident = (await eventually(() => h.store.incidents.get(found.id), (i) => Boolean(i?.headerTs), 20_000))!;
    await eventually(() => bookmarkEntries(incident.id), (e) => e.length === 2, 20_000);
    expect(h.slack.bookmarks(incident.channelId!).map((b) => [b.title, b.link])).toEqual([
      ["Datadog monitor 4242", incident.datadogMonitorUrl],
      [`INC-${incident.id} call`, `https://meet.example.com/inc-${incident.id}`],
    ]);
  });

  it("adds a bookmark once when Slack adds it and the answer is lost, by looking with bookmarks.list before trying again", async () => {
    h.slack.clearCalls();
    h.slack.failNext("bookmarks.add", { afterApplying: true, lost: "drop" });
    const incident = await pageIn("Search is slow");
    const channel = incident.channelId!;
    await eventually(() => bookmarkEntries(incident.id), (e) => e.length === 2, 20_000);
    await h.drain();
    // The first add went through in Slack; its answer never came back.
    const links = h.slack.bookmarks(channel).map((b) => b.link);
    expect(links).toEqual([`https://acme.pagerduty.com/incidents/PBM${page}`, `https://meet.example.com/inc-${incident.id}`]);
    const adds = h.slack.calls("bookmarks.add").filter((c) => c.args.channel_id === channel);
    expect(adds.map((c) => c.args.link)).toEqual(links);
    expect(h.slack.calls("bookmarks.list").filter((c) => c.args.channel_id === channel)).toHaveLength(1);
  });

  it("records a bookmark Slack refuses on the timeline, with what to do, and still adds the others", async () => {
    h.slack.failNext("bookmarks.add", { error: "invalid_link" });
    const incident = await pageIn("Login errors");
    const channel = incident.channelId!;
    await eventually(() => bookmarkEntries(incident.id), (e) => e.length === 2, 20_000);
    await h.drain();
    const pdUrl = `https://acme.pagerduty.com/incidents/PBM${page}`;
    expect(await bookmarkEntries(incident.id)).toEqual([
      {
        kind: "bookmark-refused",
        key: "slack:bookmark:pagerduty",
        text: `Slack refused to bookmark the PagerDuty incident (invalid_link): the link is not http(s); check call_url in firebreak.yaml. The link: ${pdUrl}`,
      },
      expect.objectContaining({ kind: "bookmark", key: "slack:bookmark:call" }),
    ]);
    expect(h.slack.bookmarks(channel).map((b) => b.link)).toEqual([`https://meet.example.com/inc-${incident.id}`]);
    // Refused once is refused: it is not tried again, and the incident carried on.
    expect(h.slack.calls("bookmarks.add").filter((c) => c.args.channel_id === channel)).toHaveLength(2);
    const after = (await h.store.incidents.get(incident.id))!;
    expect(after.headerTs).toBeTruthy();
    expect(after.slackFailure).toBeNull();
  });
});
