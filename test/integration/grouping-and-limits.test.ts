// Grouping related pages, and staying inside Slack's rate limits.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNELS_PER_MINUTE } from "../../src/incidents/channel-create-slot.js";
import { tempDir } from "../helpers/databases.js";
import { eventually, PD_SECRETS, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";

let h: Harness;
const dir = tempDir();

beforeAll(async () => {
  const config = join(dir.path, "firebreak.yaml");
  writeFileSync(config, "services:\n  api-service:\n    group_within_minutes: 30\n");
  h = await startHarness({ database: { FIREBREAK_DATA_DIR: join(dir.path, "db") }, env: { FIREBREAK_CONFIG: config } });
});
afterAll(async () => {
  await h.stop();
  dir.remove();
});

const page = (incidentId: string, title: string, serviceName = "API Service") =>
  fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId, title, serviceName }), PD_SECRETS[0]!));

describe("grouping", () => {
  it("attaches a second page for a grouped service to its open incident instead of opening a channel", async () => {
    await page("PGRP001", "API latency high");
    const first = (await eventually(() => h.store.incidents.byPagerdutyIncident("PGRP001"), Boolean))!;
    await page("PGRP002", "API error rate high");
    const entries = await eventually(() => h.store.timeline.list(first.id), (e) => e.some((x) => x.text.includes("API error rate high")));
    expect(entries.find((e) => e.text.includes("API error rate high"))!.text).toBe(`Related page attached to INC-${first.id}: API error rate high (https://acme.pagerduty.com/incidents/PGRP002)`);
    expect(await h.store.incidents.byPagerdutyIncident("PGRP002")).toBeUndefined();
  });

  it("is off for services not configured for it", async () => {
    await page("PSOLO01", "Search slow", "Search");
    await page("PSOLO02", "Search down", "Search");
    const [a, b] = await Promise.all(["PSOLO01", "PSOLO02"].map((id) => eventually(() => h.store.incidents.byPagerdutyIncident(id), Boolean)));
    expect(a!.id).not.toBe(b!.id);
  });
});

describe("Slack rate limits", () => {
  it("waits out a 429's Retry-After and still creates the channel once", async () => {
    // Channels from earlier pages must be done, or one of them would take the injected 429.
    await eventually(() => h.store.incidents.list(), (all) => all.every((i) => i.headerTs !== null));
    h.slack.failNext("conversations.create", { retryAfter: 1 });
    await page("PRATE01", "Rate limited page", "Billing");
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PRATE01"), Boolean))!;
    const ready = await eventually(() => h.store.incidents.get(incident.id), (i) => Boolean(i?.headerTs), 15_000);
    const creates = h.slack.calls("conversations.create").filter((c) => (c.args as { name?: string }).name === ready!.channelName);
    expect(creates.map((c) => c.response.status)).toEqual([429, 200]);
    expect(creates[1]!.at - creates[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it(`paces channel creation to ${CHANNELS_PER_MINUTE} a minute across the whole workspace`, async () => {
    // Every slot of the last minute taken, by this Firebreak or another replica.
    while ((await h.store.transaction((tx) => tx.rateSlots.reserve({ bucket: "conversations.create", limit: CHANNELS_PER_MINUTE, windowMs: 60_000, now: new Date() }))) === 0);
    const before = h.slack.calls("conversations.create").length;
    await page("PPACE01", "Paced page", "Paced");
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PPACE01"), Boolean))!;
    const job = await eventually(async () => (await h.store.jobs.list({ kind: "incident.open-channel" })).find((j) => (j.payload as { incidentId: number }).incidentId === incident.id), (j) => j?.status === "pending" && j.runAt.getTime() > Date.now() + 30_000);
    expect(job!.attempts).toBe(0);
    expect(h.slack.calls("conversations.create").length).toBe(before);
    expect((await h.store.incidents.get(incident.id))!.channelId).toBeNull();
  });
});
