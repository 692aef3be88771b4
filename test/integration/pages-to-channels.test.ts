// Issue: pages become incident channels. Real HTTP with vendor-exact signatures, a real store,
// and local Slack and PagerDuty that speak their documented APIs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { datadogDelivery, renderDatadogPayload } from "../helpers/datadog-events.js";
import { DD_SECRET, eventually, PD_SECRETS, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";

let h: Harness;
let oncallUser: string;

beforeAll(async () => {
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() } });
  h.pagerduty.addUser({ id: "PONCALL1", name: "Ada Oncall", email: "ada@example.com" });
  h.pagerduty.addUser({ id: "PONCALL2", name: "Ghost Oncall", email: "ghost@example.com" });
  h.pagerduty.addOnCall({ escalationPolicyId: "PUS0KTE", userId: "PONCALL1" });
  h.pagerduty.addOnCall({ escalationPolicyId: "PUS0KTE", userId: "PONCALL2" });
  oncallUser = h.slack.addUser({ name: "ada", email: "ada@example.com", realName: "Ada Oncall" });
});
afterAll(() => h.stop());

const post = (path: string, init: RequestInit) => fetch(`${h.base}${path}`, init);

async function channelReady(incidentId: number) {
  return eventually(() => h.store.incidents.get(incidentId), (i) => Boolean(i?.headerTs && i.announcementTs));
}

describe("a PagerDuty incident.triggered", () => {
  it("becomes one incident, one channel with the on-call invited, a pinned header, an announcement and a PagerDuty note", async () => {
    const pdIncident = "PTRIG01";
    h.pagerduty.addIncident({ id: pdIncident, title: "API is degraded — DB CPU at 100%", escalationPolicyId: "PUS0KTE" });
    const body = pagerdutyEvent("incident.triggered", { incidentId: pdIncident, title: "API is degraded — DB CPU at 100%", occurredAt: "2026-03-08T09:05:00.000Z" });
    const response = await post("/webhooks/pagerduty", pagerdutyDelivery(body, PD_SECRETS[1]!));
    expect(response.status).toBe(202);

    const incident = await eventually(() => h.store.incidents.byPagerdutyIncident(pdIncident), Boolean);
    const ready = (await channelReady(incident!.id))!;
    expect(ready).toMatchObject({ title: "API is degraded — DB CPU at 100%", severity: "SEV1", source: "pagerduty", services: ["api-service"] });

    const channel = h.slack.channel(ready.channelId!)!;
    expect(channel.name).toBe("inc-20260308-api-is-degraded-db-cpu-at-100");
    expect(channel.members).toContain(oncallUser);
    const header = h.slack.messages(channel.id).find((m) => m.ts === ready.headerTs)!;
    expect(header.text).toContain(`INC-${ready.id} SEV1 investigating`);
    expect(h.slack.pins(channel.id).map((p) => p.ts)).toEqual([ready.headerTs]);
    expect(h.slack.messages(h.incidentsChannel).map((m) => m.text)).toContainEqual(expect.stringContaining(`INC-${ready.id} (SEV1) declared`));

    const note = await eventually(() => h.pagerduty.incident(pdIncident)!.notes, (n) => n.length > 0);
    expect(note[0]!.content).toContain(`#${channel.name}`);
    const noteCall = h.pagerduty.calls.find((c) => c.method === "POST" && c.path.endsWith("/notes"))!;
    expect(noteCall.from).toBe("firebreak@example.com");

    // The note's timeline entry is written after PagerDuty answers, so it can trail the note itself.
    const kinds = await eventually(async () => (await h.store.timeline.list(ready.id)).map((e) => e.kind), (k) => k.includes("pagerduty-note"));
    expect(kinds).toEqual(expect.arrayContaining(["page", "declared", "channel", "responders", "header", "announcement", "pagerduty-note"]));
    const responders = (await h.store.timeline.list(ready.id)).find((e) => e.kind === "responders")!;
    expect(responders.text).toContain("on call but not in Slack: ghost@example.com");
    expect(ready.commander).toBe(oncallUser);

    // A change marker on Datadog dashboards, tagged with the incident.
    const marker = await eventually(() => h.datadog.events.find((e) => JSON.stringify(e).includes(`INC-${ready.id} declared (SEV1)`)), Boolean);
    expect(JSON.stringify(marker)).toContain(`incident:inc-${ready.id}`);
  });

  it("holds the header's message slot in its new channel, so the next post there keeps a second behind it", async () => {
    h.pagerduty.addIncident({ id: "PSLOT01", title: "Slot held", escalationPolicyId: "PUS0KTE" });
    await post("/webhooks/pagerduty", pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PSLOT01", title: "Slot held" }), PD_SECRETS[0]!));
    const incident = await eventually(() => h.store.incidents.byPagerdutyIncident("PSLOT01"), Boolean);
    const ready = (await channelReady(incident!.id))!;
    // The header went out without waiting for the channel's pace, the channel being new; the
    // slot it took is there all the same. Asked over the last hour, the budget of one is spent.
    const wait = await h.store.transaction((tx) => tx.rateSlots.reserve({ bucket: `chat.postMessage:${ready.channelId}`, limit: 1, windowMs: 3_600_000, now: new Date() }));
    expect(wait).toBeGreaterThan(0);
  });

  it("with a 10,000-character title is still announced, its title clipped to what Slack accepts", async () => {
    // Escaped, "&" and "<" grow: 10,000 characters of title were 10,077 in the announcement's section.
    const title = `${"DB & <cache> down ".repeat(555)}`.slice(0, 10_000);
    h.pagerduty.addIncident({ id: "PLONG01", title, escalationPolicyId: "PUS0KTE" });
    await post("/webhooks/pagerduty", pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PLONG01", title }), PD_SECRETS[0]!));
    const incident = await eventually(() => h.store.incidents.byPagerdutyIncident("PLONG01"), Boolean);
    const ready = (await channelReady(incident!.id))!;
    expect(ready.title).toBe(title);
    const announcement = h.slack.messages(h.incidentsChannel).find((m) => m.ts === ready.announcementTs)!;
    const section = (announcement.blocks as { type: string; text?: { text: string } }[])[0]!.text!.text;
    expect([...section].length).toBeLessThanOrEqual(3000);
    expect(section).toContain(`declared from PagerDuty: DB &amp; &lt;cache&gt; down DB &amp;`);
    expect(section).toMatch(/…/);
    expect(h.slack.calls("chat.postMessage").filter((c) => c.response.body.error === "invalid_blocks")).toEqual([]);
  });

  it("invites everyone on call across every page and level once, looking up users PagerDuty gives only by reference", async () => {
    // 30 entries (two pages of PagerDuty's default 25): 26 people, 4 of them on two levels, and
    // every fifth entry a bare user_reference without an email.
    const people = Array.from({ length: 26 }, (_, i) => `PBIG${String(i).padStart(2, "0")}`);
    const slackIds = new Map<string, string>();
    for (const id of people) {
      h.pagerduty.addUser({ id, name: `Responder ${id}`, email: `${id.toLowerCase()}@example.com` });
      slackIds.set(id, h.slack.addUser({ name: id.toLowerCase(), email: `${id.toLowerCase()}@example.com` }));
    }
    const entries = [...people, ...people.slice(0, 4)];
    entries.forEach((userId, i) => h.pagerduty.addOnCall({ escalationPolicyId: "PBIGEP", userId, escalationLevel: i < 26 ? 1 + (i % 2) : 3, userAsReference: i % 5 === 0 }));
    h.pagerduty.addIncident({ id: "PBIG01", title: "Everything is on fire", escalationPolicyId: "PBIGEP" });
    await post("/webhooks/pagerduty", pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PBIG01", title: "Everything is on fire", escalationPolicyId: "PBIGEP" }), PD_SECRETS[0]!));
    const incident = await eventually(() => h.store.incidents.byPagerdutyIncident("PBIG01"), Boolean);
    const ready = (await channelReady(incident!.id))!;

    const members = h.slack.channel(ready.channelId!)!.members;
    for (const id of people) expect(members).toContain(slackIds.get(id));
    const invited = h.slack.calls("conversations.invite").filter((c) => c.args.channel === ready.channelId && c.response.body.ok === true).flatMap((c) => String(c.args.users).split(","));
    expect(invited.filter((u) => [...slackIds.values()].includes(u)).sort()).toEqual([...slackIds.values()].sort());
    const pages = h.pagerduty.calls.filter((c) => c.path === "/oncalls" && c.query["escalation_policy_ids[]"]?.includes("PBIGEP"));
    expect(pages.map((c) => c.query.offset?.[0])).toEqual(["0", "25"]);
    const lookedUp = h.pagerduty.calls.filter((c) => c.path.startsWith("/users/PBIG")).map((c) => c.path);
    // PBIG00 is a reference on level 1 but comes with its email on level 3: no lookup needed.
    expect(lookedUp.sort()).toEqual(["/users/PBIG05", "/users/PBIG10", "/users/PBIG15", "/users/PBIG20", "/users/PBIG25"]);
  });

  it("sent five times, and concurrently, still acts once", async () => {
    const pdIncident = "PDUP001";
    h.pagerduty.addIncident({ id: pdIncident, title: "Checkout errors" });
    const body = pagerdutyEvent("incident.triggered", { incidentId: pdIncident, title: "Checkout errors" });
    const before = h.slack.calls("conversations.create").length;
    const statuses = await Promise.all(Array.from({ length: 5 }, () => post("/webhooks/pagerduty", pagerdutyDelivery(body, PD_SECRETS[0]!, "same-webhook-id")).then((r) => r.status)));
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    // PagerDuty may also redeliver the same event under a new X-Webhook-Id.
    expect((await post("/webhooks/pagerduty", pagerdutyDelivery(body, PD_SECRETS[0]!))).status).toBe(202);

    const incident = await eventually(() => h.store.incidents.byPagerdutyIncident(pdIncident), Boolean);
    await channelReady(incident!.id);
    await eventually(() => h.store.timeline.findBySourceKey(incident!.id, "pagerduty:note:channel-ready"), Boolean);
    expect((await h.store.incidents.list()).filter((i) => i.pagerdutyIncidentId === pdIncident)).toHaveLength(1);
    expect(h.slack.calls("conversations.create").length - before).toBe(1);
    expect(h.slack.messages(h.incidentsChannel).filter((m) => m.text?.includes(`INC-${incident!.id} `))).toHaveLength(1);
    expect((await h.store.timeline.list(incident!.id)).filter((e) => e.kind === "page")).toHaveLength(1);
  });

  it("adds its PagerDuty note once when PagerDuty's answer is lost after the note was stored", async () => {
    const pdIncident = "PLOST01";
    h.pagerduty.addIncident({ id: pdIncident, title: "Lost answer", escalationPolicyId: "PUS0KTE" });
    h.pagerduty.loseNextAnswer(`POST /incidents/${pdIncident}/notes`);
    await post("/webhooks/pagerduty", pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: pdIncident, title: "Lost answer" }), PD_SECRETS[0]!));
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident(pdIncident), Boolean))!;
    await eventually(() => h.store.timeline.findBySourceKey(incident.id, "pagerduty:note:channel-ready"), Boolean);
    const noteCalls = h.pagerduty.calls.filter((c) => c.path === `/incidents/${pdIncident}/notes`).map((c) => c.method);
    expect(noteCalls).toEqual(["POST", "GET"]);
    expect(h.pagerduty.incident(pdIncident)!.notes.map((n) => n.content)).toEqual([expect.stringContaining(`INC-${incident.id} is being handled in Slack channel`)]);
    // PagerDuty's webhook about the note is Firebreak's own change coming back: not a second entry.
    const [note] = h.pagerduty.incident(pdIncident)!.notes;
    const echo = pagerdutyEvent("incident.annotated", { incidentId: pdIncident });
    (echo.event as { data: { content: string } }).data.content = note!.content;
    await post("/webhooks/pagerduty", pagerdutyDelivery(echo, PD_SECRETS[0]!));
    const echoJob = `pagerduty-event:${(echo.event as { id: string }).id}`;
    await eventually(() => h.store.sql.query<{ status: string }>("SELECT status FROM jobs WHERE dedupe_key = $1", [echoJob]), (rows) => rows[0]?.status === "done");
    expect((await h.store.timeline.list(incident.id)).filter((e) => e.text.includes("is being handled in Slack channel")).map((e) => e.kind)).toEqual(["pagerduty-note"]);
  });

  it("follow-up events become timeline entries and status changes", async () => {
    const pdIncident = "PLIFE01";
    await post("/webhooks/pagerduty", pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: pdIncident, title: "Queue backlog", priority: "P3" }), PD_SECRETS[0]!));
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident(pdIncident), Boolean))!;
    expect(incident.severity).toBe("SEV3");
    for (const type of ["incident.acknowledged", "incident.priority_updated", "incident.annotated", "incident.resolved", "pagey.unknown_type"]) {
      const body = pagerdutyEvent(type, { incidentId: pdIncident, priority: "P1" });
      expect((await post("/webhooks/pagerduty", pagerdutyDelivery(body, PD_SECRETS[0]!))).status).toBe(202);
    }
    // Deliveries are processed concurrently, so wait for the last of them rather than the resolve.
    const resolved = await eventually(() => h.store.incidents.get(incident.id), (i) => i?.status === "resolved" && i.severity === "SEV1");
    expect(resolved).toMatchObject({ severity: "SEV1", status: "resolved" });
    // The note is processed beside the others, not before them: wait for the entries asserted.
    const entries = await eventually(() => h.store.timeline.list(incident.id), (list) => list.some((e) => e.text.startsWith("Note in PagerDuty")));
    const texts = entries.map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining([
      "Acknowledged in PagerDuty by Tenex Engineer",
      "PagerDuty priority set to P1 by Tenex Engineer",
      expect.stringMatching(/^Note in PagerDuty by Tenex Engineer: /),
      "Resolved in PagerDuty by Tenex Engineer",
    ]));
  });

  it("keeps the latest priority when an older priority change arrives last", async () => {
    const pdIncident = "PORDER1";
    await post("/webhooks/pagerduty", pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: pdIncident, title: "Late priority", priority: "P3" }), PD_SECRETS[0]!));
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident(pdIncident), Boolean))!;
    const minute = 60_000;
    const newer = pagerdutyEvent("incident.priority_updated", { incidentId: pdIncident, priority: "P2", occurredAt: new Date(Date.now() + minute).toISOString() });
    expect((await post("/webhooks/pagerduty", pagerdutyDelivery(newer, PD_SECRETS[0]!))).status).toBe(202);
    await eventually(() => h.store.incidents.get(incident.id), (i) => i?.severity === "SEV2");
    const older = pagerdutyEvent("incident.priority_updated", { incidentId: pdIncident, priority: "P1" });
    expect((await post("/webhooks/pagerduty", pagerdutyDelivery(older, PD_SECRETS[0]!))).status).toBe(202);
    const entries = await eventually(() => h.store.timeline.list(incident.id), (e) => e.filter((x) => x.kind === "priority").length === 2);
    expect(entries.filter((e) => e.kind === "priority").map((e) => e.text)).toEqual([
      "PagerDuty priority set to P1 by Tenex Engineer",
      "PagerDuty priority set to P2 by Tenex Engineer",
    ]);
    expect((await h.store.incidents.get(incident.id))!.severity).toBe("SEV2");
  });

  it("applies an event that arrived before its incident's trigger once the trigger comes", async () => {
    // PagerDuty retries a failed delivery later, so an acknowledgement can overtake its trigger.
    const ack = pagerdutyEvent("incident.acknowledged", { incidentId: "PEARLY1" });
    expect((await post("/webhooks/pagerduty", pagerdutyDelivery(ack, PD_SECRETS[0]!))).status).toBe(202);
    await h.drain();
    expect(await h.store.incidents.byPagerdutyIncident("PEARLY1")).toBeUndefined();
    await post("/webhooks/pagerduty", pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PEARLY1", title: "Early ack" }), PD_SECRETS[0]!));
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PEARLY1"), Boolean))!;
    const entries = await eventually(() => h.store.timeline.list(incident.id), (e) => e.some((x) => x.kind === "acknowledged"));
    expect(entries.filter((e) => e.kind === "acknowledged")).toHaveLength(1);
  });
});

describe("bad webhook input", () => {
  it("is refused with the right status and writes nothing", async () => {
    const body = JSON.stringify(pagerdutyEvent("incident.triggered", { incidentId: "PBAD001" }));
    const deliveriesBefore = await h.store.deliveries.count();
    const cases: [RequestInit, number][] = [
      [{ method: "POST", body, headers: { "x-pagerduty-signature": "v1=deadbeef" } }, 401],
      [{ method: "POST", body }, 401],
      [pagerdutyDelivery("{not json", PD_SECRETS[0]!), 400],
      [pagerdutyDelivery({ event: { id: "x" } }, PD_SECRETS[0]!), 400],
      [{ method: "POST", body: "x".repeat(1024 * 1024 + 10), headers: { "x-pagerduty-signature": "v1=00" } }, 413],
    ];
    for (const [init, status] of cases) expect((await post("/webhooks/pagerduty", init)).status).toBe(status);
    expect((await fetch(`${h.base}/webhooks/pagerduty`)).status).toBe(405);
    const notJson = await post("/webhooks/pagerduty", pagerdutyDelivery("{not json", PD_SECRETS[0]!));
    expect(await notJson.json()).toMatchObject({ error: "malformed_body", message: expect.stringContaining("not valid JSON") });

    expect((await post("/webhooks/datadog", datadogDelivery("{}", "wrong-secret"))).status).toBe(401);
    expect((await post("/webhooks/datadog", datadogDelivery("{}", DD_SECRET))).status).toBe(400);
    expect(await h.store.deliveries.count()).toBe(deliveriesBefore);
    expect(await h.store.incidents.byPagerdutyIncident("PBAD001")).toBeUndefined();
  });
});

describe("Datadog monitor webhooks", () => {
  it("Triggered declares, Recovered adds a timeline entry, duplicates act once", async () => {
    const values = {
      ID: "7337203685477580792", ALERT_ID: "98765", ALERT_CYCLE_KEY: "7337203685477580000", ALERT_TRANSITION: "Triggered",
      ALERT_TITLE: "[Triggered] DB CPU above 95% on orders-db", ALERT_PRIORITY: "P2", EVENT_MSG: "CPU 100% for 5 min",
      DATE: "1772960700000", LAST_UPDATED: "1772960700000", TAGS: "env:prod,service:orders-db", LINK: "https://app.datadoghq.com/monitors/98765",
    };
    const triggered = renderDatadogPayload(values);
    for (let n = 0; n < 3; n++) expect((await post("/webhooks/datadog", datadogDelivery(triggered, DD_SECRET))).status).toBe(202);
    const incident = (await eventually(async () => (await h.store.incidents.list()).find((i) => i.datadogMonitorId === "98765"), Boolean))!;
    expect(incident).toMatchObject({ severity: "SEV2", source: "datadog", services: ["orders-db"], detectedAt: new Date(1772960700000) });

    const recovered = renderDatadogPayload({ ...values, ALERT_TRANSITION: "Recovered", DATE: "1772961600000" });
    expect((await post("/webhooks/datadog", { ...datadogDelivery(recovered, ""), headers: { authorization: `Basic ${Buffer.from(`datadog:${DD_SECRET}`).toString("base64")}` } })).status).toBe(202);
    const entries = await eventually(() => h.store.timeline.list(incident.id), (e) => e.some((x) => x.kind === "recovered"));
    expect(entries.filter((e) => e.kind === "page")).toHaveLength(1);
    expect(entries.find((e) => e.kind === "recovered")).toMatchObject({ eventAt: new Date(1772961600000) });
    expect((await h.store.incidents.list()).filter((i) => i.datadogMonitorId === "98765")).toHaveLength(1);
  });
});
