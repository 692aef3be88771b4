// Scheduled work lives in the jobs table: a reminder fires once however many replicas run, a
// restart between scheduling and firing loses nothing, and resolved channels are archived later.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

let clock = new Date("2026-06-01T12:00:00Z");
const dir = tempDir();
let slack: SlackEmulator;
let url: string;
let config: string;
const running: Harness[] = [];

beforeAll(async () => {
  slack = createSlackEmulator({ now: () => clock.getTime() });
  await slack.start();
  url = await createTestDatabaseUrl();
  config = join(dir.path, "firebreak.yaml");
  writeFileSync(config, "lifecycle:\n  update_every_minutes: { SEV2: 20 }\n  archive_after_minutes: 60\n");
});
afterAll(async () => {
  for (const h of running) await h.stop();
  await slack.stop();
  dir.remove();
});

async function replica(): Promise<Harness> {
  const h = await startHarness({ database: { DATABASE_URL: url }, env: { FIREBREAK_CONFIG: config }, now: () => clock, slack });
  running.push(h);
  return h;
}
const nudges = (channel: string) => slack.messages(channel).filter((m) => m.text?.startsWith(":alarm_clock:"));

it("nudges once across two replicas, keeps the reminder across a restart, and archives after resolve", async () => {
  const a = await replica();
  const b = await replica();
  a.pagerduty.addIncident({ id: "PREMIND", title: "Slow checkout" });
  await fetch(`${a.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PREMIND", title: "Slow checkout", priority: "P2", occurredAt: clock.toISOString() }), PD_SECRETS[0]!));
  const incident = (await eventually(() => a.store.incidents.byPagerdutyIncident("PREMIND"), (i) => Boolean(i?.headerTs)))!;
  const channel = incident.channelId!;

  // 21 minutes without an update: both replicas poll the jobs table; one nudge is posted.
  clock = new Date("2026-06-01T12:21:00Z");
  await eventually(() => nudges(channel), (n) => n.length >= 1);
  await a.drain();
  await b.drain();
  expect(nudges(channel)).toHaveLength(1);
  expect(nudges(channel)[0]!.text).toContain("no status update for 21 minutes");

  // The next one is due at 12:40. Every replica stops before then; a new one starts after.
  for (const h of running.splice(0)) await h.stop();
  clock = new Date("2026-06-01T12:41:00Z");
  const c = await replica();
  await eventually(() => nudges(channel), (n) => n.length === 2);
  expect(nudges(channel)[1]!.text).toContain("no status update for 41 minutes");

  // Hours pass with nobody running (or the clock jumps): one reminder, not one per missed slot.
  clock = new Date("2026-06-01T14:05:00Z");
  await eventually(() => nudges(channel), (n) => n.length >= 3, 30_000);
  await c.drain();
  expect(nudges(channel)).toHaveLength(3);
  expect(nudges(channel)[2]!.text).toContain("no status update for 125 minutes");

  // Resolve; the channel is archived an hour later, once.
  const commander = (await c.store.incidents.get(incident.id))!.commander ?? "UCMD";
  await fetch(`${c.base}/slack/events`, slashCommand(SIGNING_SECRET, { text: "resolve", userId: commander, channelId: channel, triggerId: slack.issueTrigger() }));
  const modal = await eventually(() => slack.views().filter((v) => v.callback_id === "resolve_incident").at(-1), Boolean);
  await fetch(`${c.base}/slack/events`, interaction(SIGNING_SECRET, viewSubmitted(modal!, commander, { resolution: { value: { type: "plain_text_input", value: "Rolled back the bad deploy" } } })));
  await eventually(() => c.store.incidents.get(incident.id), (i) => i?.status === "resolved");
  clock = new Date("2026-06-01T14:55:00Z");
  await c.drain();
  expect(slack.channel(channel)!.is_archived).toBe(false);
  clock = new Date("2026-06-01T15:07:00Z");
  await eventually(() => slack.channel(channel)!.is_archived, Boolean);
  await c.drain(); // the archive job records it on the timeline after Slack's answer
  expect(nudges(channel)).toHaveLength(3);
  expect(slack.calls("conversations.archive")).toHaveLength(1);
  // The timeline entry is written once Slack has answered the archive, so it can trail it.
  expect(await eventually(async () => (await c.store.timeline.list(incident.id)).map((e) => e.kind), (kinds) => kinds.includes("archived"))).toContain("archived");
});
