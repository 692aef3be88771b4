// Issue 17, bad input and the storm: Alertmanager re-sends a group at every group_interval for as
// long as it fires, and a group can hold a thousand alerts whose labels say anything. A simulated
// hour of re-sends (120 deliveries, 30 s apart in the payloads' own times; nothing waits) must
// make one incident whose timeline holds each transition once; a 1,000-alert group with markup
// in its labels must make one incident that Slack (the strict emulator) accepts.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, startHarness, type Harness } from "../helpers/harness.js";
import { alertmanagerDelivery, alertSourcesEnv } from "../helpers/alert-sources.js";
import { configFileSchema } from "../../src/kernel/config-file.js";
import type { IncidentDeps } from "../../src/incidents/deps.js";
import { recordAlertGroup } from "../../src/incidents/record-alert-group.js";
import { createLogger } from "../../src/kernel/log.js";
import { groupDigest } from "../../src/sources/alert-group.js";
import { alertmanagerToGroup, parseAlertmanagerBody } from "../../src/sources/alertmanager.js";

let h: Harness;
const dir = tempDir();

beforeAll(async () => {
  const config = join(dir.path, "firebreak.yaml");
  writeFileSync(config, "sources:\n  alertmanager:\n    resolve_suggestion: true\n    severity_map:\n      page: SEV1\n");
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, env: { FIREBREAK_CONFIG: config, ...alertSourcesEnv } });
});
afterAll(async () => {
  await h.stop();
  dir.remove();
});

const post = (init: RequestInit) => fetch(`${h.base}/webhooks/alertmanager`, init);
const ZERO = "0001-01-01T00:00:00Z";
const T0 = Date.parse("2026-03-08T09:00:00Z");
const minute = 60_000;
const at = (ms: number) => new Date(T0 + ms).toISOString().replace(".000Z", "Z");

interface SimAlert {
  fingerprint: string;
  instance: string;
  starts: number;
  ends: number;
}

/** The notification Alertmanager sends at `t` for the group, as in its v4 format. */
function notification(groupKey: string, alerts: SimAlert[], t: number, value: string) {
  const present = alerts.filter((a) => a.starts <= t);
  const rendered = present.map((a) => {
    const resolved = t >= a.ends;
    return {
      status: resolved ? "resolved" : "firing",
      labels: { alertname: "HighLatency", service: "checkout", severity: "page", instance: a.instance },
      // {{ $value }} in an annotation changes at every evaluation, so each re-send differs.
      annotations: { summary: "Checkout p99 latency above 2s", description: `p99 is ${value}` },
      startsAt: at(a.starts),
      endsAt: resolved ? at(a.ends) : ZERO,
      generatorURL: "http://prometheus.example.com:9090/graph?g0.expr=latency",
      fingerprint: a.fingerprint,
    };
  });
  return {
    version: "4",
    groupKey,
    truncatedAlerts: 0,
    status: rendered.some((a) => a.status === "firing") ? "firing" : "resolved",
    receiver: "firebreak",
    groupLabels: { alertname: "HighLatency" },
    commonLabels: { alertname: "HighLatency", service: "checkout", severity: "page" },
    commonAnnotations: { summary: "Checkout p99 latency above 2s" },
    externalURL: "http://alertmanager.example.com:9093",
    alerts: rendered,
  };
}

describe("an Alertmanager group re-sent every 30 s for an hour", () => {
  it("creates one incident, one channel, and each transition once on its timeline", async () => {
    const groupKey = '{}/{service="checkout"}:{alertname="HighLatency"}';
    const alerts: SimAlert[] = [
      { fingerprint: "a1a1a1a1a1a1a1a1", instance: "api-1", starts: 0, ends: 55 * minute },
      { fingerprint: "b2b2b2b2b2b2b2b2", instance: "api-2", starts: 10 * minute, ends: 30 * minute },
      { fingerprint: "c3c3c3c3c3c3c3c3", instance: "api-3", starts: 40 * minute, ends: 55 * minute },
    ];
    const creates = h.slack.calls("conversations.create").length;
    const bodies = Array.from({ length: 120 }, (_, i) => notification(groupKey, alerts, i * 30_000, `${(2 + i / 100).toFixed(2)}s`));
    // Sent eight at a time, so deliveries of the one group are also processed side by side.
    for (let i = 0; i < bodies.length; i += 8) {
      const statuses = await Promise.all(bodies.slice(i, i + 8).map((b) => post(alertmanagerDelivery(b)).then((r) => r.status)));
      expect(statuses).toEqual(statuses.map(() => 202));
    }
    await h.drain({ timeoutMs: 60_000 });

    const incidents = (await h.store.incidents.list()).filter((i) => i.source === "alertmanager" && i.title.startsWith("HighLatency"));
    expect(incidents).toHaveLength(1);
    const incident = incidents[0]!;
    expect(incident).toMatchObject({ title: "HighLatency: Checkout p99 latency above 2s", severity: "SEV1", services: ["checkout"], detectedAt: new Date(T0) });
    expect(await h.store.deliveries.count("alertmanager")).toBe(120);
    expect(h.slack.calls("conversations.create").length - creates).toBe(1);
    expect(h.slack.messages(h.incidentsChannel).filter((m) => m.text?.includes(`INC-${incident.id} `))).toHaveLength(1);

    const entries = (await h.store.timeline.list(incident.id)).filter((e) => ["page", "alert", "recovered", "alerts-resolved"].includes(e.kind));
    const iso = (ms: number) => new Date(T0 + ms).toISOString();
    // Entries at the same instant may be recorded in either order: compare them sorted.
    const seen = entries.map((e) => `${e.eventAt.toISOString()} ${e.kind} ${e.data.fingerprint ?? "-"}`).sort();
    expect(seen).toEqual([
      `${iso(0)} alert a1a1a1a1a1a1a1a1`,
      `${iso(0)} page -`,
      `${iso(10 * minute)} alert b2b2b2b2b2b2b2b2`,
      `${iso(30 * minute)} recovered b2b2b2b2b2b2b2b2`,
      `${iso(40 * minute)} alert c3c3c3c3c3c3c3c3`,
      `${iso(55 * minute)} alerts-resolved -`,
      `${iso(55 * minute)} recovered a1a1a1a1a1a1a1a1`,
      `${iso(55 * minute)} recovered c3c3c3c3c3c3c3c3`,
    ]);
    const suggestions = h.slack.messages(incident.channelId!).filter((m) => m.text?.includes("/incident resolve"));
    expect(suggestions).toHaveLength(1);
  });
});

const file = configFileSchema.parse({});
/** The flow's dependencies on the harness's store, for calling it directly. */
const flowDeps = (): IncidentDeps => ({
  store: h.store,
  chat: undefined as never,
  log: createLogger({ level: "silent", secrets: [] }),
  now: () => new Date(),
  timezone: "UTC",
  services: {},
  lifecycle: file.lifecycle,
  markers: false,
  nudge: () => undefined,
});

describe("the first notifications of a new group, processed at the same moment", () => {
  it("declare one incident: each waits for the group's lock and finds the one the first declared", async () => {
    // Called directly on PostgreSQL, so eight transactions really overlap (the job runner would
    // usually have claimed the first alone).
    const groupKey = '{}:{alertname="ConcurrentFirst"}';
    const alert: SimAlert = { fingerprint: "d4d4d4d4d4d4d4d4", instance: "api-9", starts: 0, ends: 99 * minute };
    const events = Array.from({ length: 8 }, (_, i) => {
      const body = notification(groupKey, [alert], 0, `${i}s`);
      (body.commonLabels as Record<string, string>).alertname = "ConcurrentFirst";
      return alertmanagerToGroup(parseAlertmanagerBody(JSON.stringify(body)), new Date());
    });
    const deps = flowDeps();
    const outcomes = await Promise.all(events.map((event, i) => recordAlertGroup(deps, file.sources.alertmanager, event, `concurrent-${i}`)));
    expect(outcomes.filter((o) => o.outcome === "declared")).toHaveLength(1);
    const incidents = (await h.store.incidents.list()).filter((i) => i.title.startsWith("ConcurrentFirst"));
    expect(incidents).toHaveLength(1);
    expect((await h.store.timeline.list(incidents[0]!.id)).filter((e) => e.kind === "alert")).toHaveLength(1);
  });
});

describe("a group's resolution processed before the firing notification that declares it", () => {
  it("waits for that notification's job instead of being dropped, and is ignored once nothing is left to wait for", async () => {
    const groupKey = '{}:{alertname="EarlyRecovery"}';
    const alert: SimAlert = { fingerprint: "e5e5e5e5e5e5e5e5", instance: "api-5", starts: 0, ends: 5 * minute };
    // The firing notification is recorded, its job not run yet (due in an hour, so the runner leaves it).
    const firing = notification(groupKey, [alert], 0, "1s");
    await h.store.deliveries.recordWithJob({ source: "alertmanager", deliveryId: "early-firing", body: firing, subject: groupDigest(groupKey) }, { kind: "delivery.alertmanager", dedupeKey: "alertmanager-delivery:early-firing" }, new Date(Date.now() + 3_600_000));
    const resolved = alertmanagerToGroup(parseAlertmanagerBody(JSON.stringify(notification(groupKey, [alert], 6 * minute, "0s"))), new Date());
    await expect(recordAlertGroup(flowDeps(), file.sources.alertmanager, resolved, "early-resolved")).rejects.toThrow(/has no incident yet; retrying after its other deliveries/);
    await h.store.sql.query("UPDATE jobs SET status = 'done' WHERE dedupe_key = 'alertmanager-delivery:early-firing'");
    expect(await recordAlertGroup(flowDeps(), file.sources.alertmanager, resolved, "early-resolved")).toMatchObject({ outcome: "ignored" });
  });
});

describe("a 1,000-alert group whose labels hold markup", () => {
  it("becomes one readable incident inside Slack's limits, every alert on its timeline, no markup let through", async () => {
    const groupKey = '{}:{alertname="<!channel> *disk* full"}';
    const evil = "<!channel> *disk* full <https://evil.example.com|click> & <@U0EVIL>";
    const alerts = Array.from({ length: 1000 }, (_, i) => ({
      status: "firing",
      labels: { alertname: evil, service: "<!here>storage", severity: "ticket", instance: `node-${i}.example.com:9100`, note: "x".repeat(200) },
      annotations: { summary: `Disk ${i} is full ${"&".repeat(100)}` },
      startsAt: at(i * 1000),
      endsAt: ZERO,
      generatorURL: "http://prometheus.example.com:9090/graph",
      fingerprint: `f${String(i).padStart(15, "0")}`,
    }));
    const body = { version: "4", groupKey, truncatedAlerts: 0, status: "firing", receiver: "firebreak", groupLabels: {}, commonLabels: { alertname: evil }, commonAnnotations: {}, externalURL: "http://alertmanager.example.com:9093", alerts };
    expect(JSON.stringify(body).length).toBeLessThan(1024 * 1024);
    expect((await post(alertmanagerDelivery(body))).status).toBe(202);

    const incident = (await eventually(() => h.store.alertGroups.latestIncident("alertmanager", groupDigest(groupKey)), Boolean))!;
    const ready = (await eventually(() => h.store.incidents.get(incident.id), (i) => Boolean(i?.headerTs && i.announcementTs), 20_000))!;
    // "ticket" is not in severity_map: default_severity.
    expect(ready).toMatchObject({ title: evil, severity: "SEV3", services: ["<!here>storage"] });
    expect(ready.description).toMatch(/^1000 alerts firing\.\n/);
    expect(ready.description).toContain("more; all are on the timeline.");

    // Slack accepted every message (the emulator refuses oversized or malformed blocks).
    const refused = h.slack.calls("chat.postMessage").filter((c) => c.response.body.ok !== true);
    expect(refused.map((c) => c.response.body.error)).toEqual([]);
    const header = h.slack.messages(ready.channelId!).find((m) => m.ts === ready.headerTs)!;
    const announcement = h.slack.messages(h.incidentsChannel).find((m) => m.ts === ready.announcementTs)!;
    for (const message of [header, announcement]) {
      // What Slack reads as mrkdwn: the fallback text and every mrkdwn text object (plain_text is shown as it is).
      const sent = [message.text ?? "", ...mrkdwnTexts(message.blocks)].join("\n");
      expect(sent).toContain("&lt;!channel&gt;");
      expect(sent).not.toContain("<!channel>");
      expect(sent).not.toContain("<!here>");
      expect(sent).not.toContain("<https://evil");
      expect(sent).not.toContain("<@U0EVIL>");
    }
    expect(mrkdwnTexts(announcement.blocks).join("\n")).toContain("&lt;!channel&gt; *disk* full");
    // The header's alert list ends with the count of the alerts it could not show.
    expect(mrkdwnTexts(header.blocks).join("\n")).toMatch(/…and 9\d\d more; all are on the timeline\./);

    const timeline = await h.store.timeline.list(ready.id);
    expect(timeline.filter((e) => e.kind === "alert")).toHaveLength(1000);
    expect(new Set(timeline.map((e) => e.sourceKey)).size).toBe(timeline.length);
  });
});

function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (!value || typeof value !== "object") return [];
  const object = value as { type?: unknown; text?: unknown };
  const own = object.type === "mrkdwn" && typeof object.text === "string" ? [object.text] : [];
  return [...own, ...Object.values(object).flatMap(mrkdwnTexts)];
}
