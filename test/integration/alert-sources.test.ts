// Issue 17: Alertmanager, Grafana and signed generic webhooks become incidents. Real HTTP, each
// request authenticated exactly as its sender does it, the senders' published example payloads,
// a real store and the strict Slack emulator.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupDigest } from "../../src/sources/alert-group.js";
import { tempDir } from "../helpers/databases.js";
import { eventually, startHarness, type Harness } from "../helpers/harness.js";
import {
  alertmanagerDelivery,
  alertSourcesEnv,
  AM_TOKEN,
  fixture,
  GENERIC_SECRETS,
  genericDelivery,
  grafanaDelivery,
  GRAFANA_TIMESTAMP_HEADER,
} from "../helpers/alert-sources.js";

let h: Harness;
const dir = tempDir();

beforeAll(async () => {
  const config = join(dir.path, "firebreak.yaml");
  writeFileSync(
    config,
    [
      "sources:",
      "  alertmanager:",
      "    resolve_suggestion: true",
      "  grafana:",
      "    service_label: team",
      `    timestamp_header: ${GRAFANA_TIMESTAMP_HEADER}`,
      "  generic:",
      "    resolve_suggestion: true",
      "",
    ].join("\n"),
  );
  h = await startHarness({ database: { FIREBREAK_DATA_DIR: join(dir.path, "db") }, env: { FIREBREAK_CONFIG: config, ...alertSourcesEnv } });
});
afterAll(async () => {
  await h.stop();
  dir.remove();
});

const post = (path: string, init: RequestInit) => fetch(`${h.base}${path}`, init);
const channelReady = (incidentId: number) => eventually(() => h.store.incidents.get(incidentId), (i) => Boolean(i?.headerTs && i.announcementTs));
const groupIncident = (source: string, groupKey: string) => eventually(() => h.store.alertGroups.latestIncident(source, groupDigest(groupKey)), Boolean);
const messages = (channel: string) => h.slack.messages(channel).map((m) => m.text ?? "");

describe("Alertmanager", () => {
  const firing = fixture("alertmanager/firing.v4.json");
  const resolved = fixture("alertmanager/resolved.v4.json");
  const groupKey = firing.groupKey as string;

  it("declares one incident for a firing group, and records its resolution with a suggestion to resolve", async () => {
    const first = await post("/webhooks/alertmanager", alertmanagerDelivery(firing));
    expect(first.status).toBe(202);
    // Alertmanager sends the same notification again when it repeats the group.
    const again = await post("/webhooks/alertmanager", alertmanagerDelivery(firing));
    expect(await again.json()).toEqual({ ok: true, duplicate: true });

    const incident = (await groupIncident("alertmanager", groupKey))!;
    const ready = (await channelReady(incident.id))!;
    expect(ready).toMatchObject({ title: "test1", severity: "SEV3", source: "alertmanager", services: [], detectedAt: new Date("2020-01-01T00:00:00Z") });
    expect(messages(h.incidentsChannel)).toContainEqual(expect.stringContaining(`INC-${ready.id} (SEV3) declared`));
    const announcement = h.slack.messages(h.incidentsChannel).find((m) => m.ts === ready.announcementTs)!;
    expect(JSON.stringify(announcement.blocks)).toContain("declared from Alertmanager: test1");

    // Basic auth, as `http_config.basic_auth` sends it: the password is the token.
    expect((await post("/webhooks/alertmanager", alertmanagerDelivery(resolved, { user: "alertmanager", password: AM_TOKEN }))).status).toBe(202);
    const entries = await eventually(() => h.store.timeline.list(ready.id), (e) => e.some((x) => x.kind === "alerts-resolved"));
    expect(entries.filter((e) => ["alert", "recovered", "alerts-resolved"].includes(e.kind)).map((e) => [e.kind, e.text, e.eventAt.toISOString()])).toEqual([
      ["alert", "Alert firing: test1 (http://prometheus.example.com:9090/graph?g0.expr=up+%3D%3D+0)", "2020-01-01T00:00:00.000Z"],
      ["recovered", "Alert resolved: test1 (http://prometheus.example.com:9090/graph?g0.expr=up+%3D%3D+0)", "2020-01-01T00:10:00.000Z"],
      ["alerts-resolved", 'The alert of Alertmanager group "test1" resolved', "2020-01-01T00:10:00.000Z"],
    ]);
    const suggestion = await eventually(() => messages(ready.channelId!).filter((t) => t.includes("/incident resolve")), (m) => m.length > 0);
    expect(suggestion).toEqual([`:large_green_circle: The alert of Alertmanager group "test1" resolved. If INC-${ready.id} is over, run \`/incident resolve\`.`]);
    expect((await h.store.incidents.get(ready.id))!.status).toBe("investigating");
    expect(await h.store.deliveries.count("alertmanager")).toBe(2);
  });
});

describe("an Alertmanager group whose key is longer than a database index entry holds", () => {
  it("is recorded and declared like any other", async () => {
    // Random values: PostgreSQL compresses a repetitive key enough to fit, so it would prove nothing.
    const labels = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`label_${i}`, randomBytes(36).toString("base64")]));
    const groupKey = `{}:{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`;
    expect(groupKey.length).toBeGreaterThan(5000);
    const body = { ...fixture("alertmanager/firing.v4.json"), groupKey, groupLabels: labels };
    expect((await post("/webhooks/alertmanager", alertmanagerDelivery(body))).status).toBe(202);
    expect(await groupIncident("alertmanager", groupKey)).toMatchObject({ source: "alertmanager", title: "test1" });
  });
});

describe("Grafana", () => {
  it("declares an incident from the documented payload, signed with HMAC and a timestamp, alert links kept", async () => {
    const payload = fixture("grafana/webhook.default-payload.docs.json");
    expect((await post("/webhooks/grafana", grafanaDelivery(payload))).status).toBe(202);
    const incident = (await groupIncident("grafana", payload.groupKey as string))!;
    const ready = (await channelReady(incident.id))!;
    expect(ready).toMatchObject({ title: "High memory usage, High CPU usage", source: "grafana", services: ["blue"], severity: "SEV3", detectedAt: new Date("2021-10-12T07:51:03.157Z") });
    expect(ready.description).toContain("2 alerts firing.");
    expect(ready.description).toContain("• High memory usage — This alert was triggered for zone us-1 (team=blue, zone=us-1)");
    const alerts = (await h.store.timeline.list(ready.id)).filter((e) => e.kind === "alert");
    expect(alerts.map((e) => e.data.fingerprint).sort()).toEqual(["bc97ff14869b13e3", "c6eadffa33fcdf37"]);
    expect(alerts.find((e) => e.data.fingerprint === "c6eadffa33fcdf37")!.text).toBe(
      "Alert firing: High memory usage — This alert was triggered for zone us-1 (team=blue, zone=us-1) (https://play.grafana.org/alerting/1afz29v7z/edit)",
    );
  });

  it("takes the payload Grafana's default template renders, sent with PUT, its zero startsAt read as unknown", async () => {
    const payload = fixture("grafana/webhook.default-payload-template.alerting-test.json");
    const before = Date.now();
    expect((await post("/webhooks/grafana", grafanaDelivery(payload, { method: "PUT" }))).status).toBe(202);
    const incident = (await groupIncident("grafana", "alertname"))!;
    expect(incident).toMatchObject({ title: "alert1", source: "grafana" });
    expect(incident.detectedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });
});

describe("generic webhook", () => {
  const triggered = {
    version: "1",
    title: "Checkout error rate above 5%",
    dedupe_key: "sentry-issue-4242",
    service: "checkout",
    severity: "SEV2",
    status: "triggered",
    links: [{ title: "Sentry issue", url: "https://sentry.example.com/issues/4242/" }],
    occurred_at: "2026-03-08T09:05:00Z",
  };

  it("declares from a signed trigger (either secret during rotation) and suggests resolving when it resolves", async () => {
    expect((await post("/webhooks/generic", genericDelivery(triggered, { secret: GENERIC_SECRETS[1]! }))).status).toBe(202);
    const incident = (await groupIncident("generic", "sentry-issue-4242"))!;
    const ready = (await channelReady(incident.id))!;
    expect(ready).toMatchObject({ title: "Checkout error rate above 5%", severity: "SEV2", services: ["checkout"], source: "generic", detectedAt: new Date("2026-03-08T09:05:00Z") });
    expect(ready.description).toContain("Sentry issue: https://sentry.example.com/issues/4242/");

    // Only title and dedupe_key are required.
    const minimal = { title: "Checkout error rate above 5%", dedupe_key: "sentry-issue-4242", status: "resolved", occurred_at: "2026-03-08T09:40:00Z" };
    expect((await post("/webhooks/generic", genericDelivery(minimal, { secret: GENERIC_SECRETS[0]! }))).status).toBe(202);
    await eventually(() => messages(ready.channelId!).filter((t) => t.includes("/incident resolve")), (m) => m.length === 1);
    const kinds = (await h.store.timeline.list(ready.id)).map((e) => e.kind);
    expect(kinds.filter((k) => ["alert", "recovered", "alerts-resolved"].includes(k))).toEqual(["alert", "recovered", "alerts-resolved"]);
  });
});

describe("bad input", () => {
  it("is refused with the right status, and nothing is written", async () => {
    await h.drain();
    const firing = fixture("alertmanager/firing.v4.json");
    const grafana = fixture("grafana/webhook.default-payload.docs.json");
    const generic = { title: "Disk full", dedupe_key: "disk-1" };
    const now = Math.floor(Date.now() / 1000);
    const before = { deliveries: await h.store.deliveries.count(), incidents: (await h.store.incidents.list()).length };
    const huge = "x".repeat(1024 * 1024 + 10);
    const cases: [string, string, RequestInit, number, string][] = [
      ["alertmanager", "no auth", { method: "POST", body: JSON.stringify(firing) }, 401, "unauthorized"],
      ["alertmanager", "wrong bearer", alertmanagerDelivery(firing, { bearer: "not-the-token-0123456789" }), 401, "unauthorized"],
      ["alertmanager", "wrong basic password", alertmanagerDelivery(firing, { user: "alertmanager", password: "wrong" }), 401, "unauthorized"],
      ["alertmanager", "not JSON", alertmanagerDelivery("{not json"), 400, "malformed_body"],
      ["alertmanager", "version 3", alertmanagerDelivery({ ...firing, version: "3" }), 400, "invalid_payload"],
      ["alertmanager", "no alerts", alertmanagerDelivery({ ...firing, alerts: [] }), 400, "invalid_payload"],
      ["alertmanager", "oversized", alertmanagerDelivery(huge), 413, "body_too_large"],
      ["grafana", "wrong token", grafanaDelivery(grafana, { token: "not-the-token-0123456789" }), 401, "unauthorized"],
      ["grafana", "forged HMAC", grafanaDelivery(grafana, { secret: "some-other-secret-0123456789" }), 401, "bad_signature"],
      ["grafana", "stale timestamp", grafanaDelivery(grafana, { timestamp: now - 301 }), 401, "stale_timestamp"],
      ["grafana", "not JSON", grafanaDelivery("{not json"), 400, "malformed_body"],
      ["grafana", "oversized", grafanaDelivery(huge), 413, "body_too_large"],
      ["generic", "unsigned", { method: "POST", body: JSON.stringify(generic) }, 401, "bad_signature"],
      ["generic", "forged", genericDelivery(generic, { secret: "some-other-secret-0123456789" }), 401, "bad_signature"],
      ["generic", "stale", genericDelivery(generic, { timestamp: now - 301 }), 401, "stale_timestamp"],
      ["generic", "from the future", genericDelivery(generic, { timestamp: now + 400 }), 401, "stale_timestamp"],
      ["generic", "no v1", genericDelivery(generic, { signature: `t=${now}` }), 401, "bad_signature"],
      ["generic", "not JSON", genericDelivery("{not json"), 400, "malformed_body"],
      ["generic", "unknown severity", genericDelivery({ ...generic, severity: "P1" }), 400, "invalid_payload"],
      ["generic", "unknown field", genericDelivery({ ...generic, sevrity: "SEV1" }), 400, "invalid_payload"],
      ["generic", "oversized", genericDelivery(huge), 413, "body_too_large"],
    ];
    for (const [source, what, init, status, code] of cases) {
      const response = await post(`/webhooks/${source}`, init);
      expect({ source, what, status: response.status, code: ((await response.json()) as { error: string }).error }).toEqual({ source, what, status, code });
    }
    for (const source of ["alertmanager", "grafana", "generic"]) {
      const get = await fetch(`${h.base}/webhooks/${source}`);
      expect(get.status).toBe(405);
    }
    await h.drain();
    expect(await h.store.deliveries.count()).toBe(before.deliveries);
    expect((await h.store.incidents.list()).length).toBe(before.incidents);
  });
});
