// Slack failing during a page: the incident is recorded at once, PagerDuty is told, and the
// channel is created once Slack recovers — even with a restart in between.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, PD_SECRETS, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() } });
});
afterAll(async () => {
  if (process.env.DEBUG_LOGS) console.log(h.logs.join(""));
  await h.stop();
});

it("records the incident during a Slack outage and builds the channel after Slack recovers, across a restart", async () => {
  h.pagerduty.addIncident({ id: "POUTAGE", title: "Login failures" });
  h.slack.failAll("*", { status: 500 });
  const response = await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "POUTAGE", title: "Login failures" }), PD_SECRETS[0]!));
  expect(response.status).toBe(202);

  const recorded = await eventually(() => h.store.incidents.byPagerdutyIncident("POUTAGE"), Boolean);
  expect(recorded!.channelId).toBeNull();
  const delayedNote = await eventually(() => h.pagerduty.incident("POUTAGE")!.notes, (n) => n.length > 0);
  expect(delayedNote[0]!.content).toContain("Slack is failing");
  expect((await h.store.incidents.get(recorded!.id))!.slackFailure).toMatch(/http_500/);

  await h.restart();
  h.slack.clearFailures();

  // The failure is cleared just after the announcement is recorded, in an update of its own.
  const ready = await eventually(() => h.store.incidents.get(recorded!.id), (i) => Boolean(i?.headerTs && i.announcementTs && i.slackFailure === null), 20_000);
  expect(ready!.slackFailure).toBeNull();
  expect(h.slack.channel(ready!.channelId!)!.name).toMatch(/^inc-\d{8}-login-failures$/);
  expect(h.slack.calls("conversations.create").filter((c) => c.response.body && (c.response.body as { ok?: boolean }).ok)).toHaveLength(1);
  const notes = await eventually(() => h.pagerduty.incident("POUTAGE")!.notes, (n) => n.length === 2);
  expect(notes[1]!.content).toContain(`#${ready!.channelName}`);
  const kinds = (await h.store.timeline.list(recorded!.id)).map((e) => e.kind);
  expect(kinds.filter((k) => k === "slack-delayed")).toHaveLength(1);
  expect(kinds).toEqual(expect.arrayContaining(["channel", "header", "announcement"]));
});
