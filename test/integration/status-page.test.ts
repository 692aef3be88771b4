// The status page and the public updates behind it, through two Firebreak replicas on one
// PostgreSQL, driven by signed slash commands and interactions as Slack sends them: an approved
// update reaches /status, /status.json and the Atom feed; a denied or unapproved one never does;
// an unknown component is refused before anyone is asked; a double approval publishes once; each
// replica serves its rendered page until it re-checks the database's generation (the clock is
// injected: no sleeps).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

const dir = tempDir();
let slack: SlackEmulator;
let a: Harness;
let b: Harness;
let clock = new Date("2026-12-04T15:00:00Z");
const tick = (ms: number) => (clock = new Date(clock.getTime() + ms));
const people = { cmd: "", comms: "", req: "", mallory: "" };

beforeAll(async () => {
  slack = createSlackEmulator();
  await slack.start();
  for (const name of Object.keys(people) as (keyof typeof people)[]) people[name] = slack.addUser({ name, email: `${name}@example.com` });
  const config = join(dir.path, "firebreak.yaml");
  writeFileSync(
    config,
    `status_page:
  title: Acme status
  components:
    - { id: api, name: Public API, services: [payments-api], statuspage_id: abc123 }
    - { id: web, name: Website }
approver_groups:
  comms: { users: [${people.comms}] }
`,
  );
  const url = await createTestDatabaseUrl();
  const env = { FIREBREAK_CONFIG: config, FIREBREAK_TIMEZONE: "America/New_York" };
  a = await startHarness({ database: { DATABASE_URL: url }, env: { ...env, STATUS_PORT: "0" }, slack, now: () => clock });
  b = await startHarness({ database: { DATABASE_URL: url }, env, slack, now: () => clock });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await slack?.stop();
  dir.remove();
});

let count = 0;
async function newIncident(): Promise<{ incident: Incident; channel: string }> {
  const channel = slack.addChannel({ name: `inc-status-${++count}`, members: Object.values(people) });
  const created = await a.store.incidents.create({ title: `Internal: orders_pkey invalid ${count}`, severity: "SEV2", source: "slack", detectedAt: clock, commander: people.cmd, services: ["payments-api"] });
  return { incident: (await a.store.incidents.update(created.id, created.version, { channelId: channel }))!, channel };
}

const post = (h: Harness, init: RequestInit) => fetch(`${h.base}/slack/events`, init);
const input = (value: string) => ({ value: { type: "plain_text_input", value } });
const choice = (value: string) => ({ value: { type: "static_select", selected_option: { value } } });
const ticked = { value: { type: "checkboxes", selected_options: [{ value: "post" }] } };

/** `/incident <sub>` then submits its modal with `values`; the view_submission's answer. */
async function submit(sub: "update" | "resolve", userId: string, channel: string, values: Record<string, unknown>): Promise<{ errors?: Record<string, string> }> {
  const before = slack.views().length;
  await post(a, slashCommand(SIGNING_SECRET, { text: sub, userId, channelId: channel, triggerId: slack.issueTrigger() }));
  const view = (await eventually(() => slack.views().slice(before).find((v) => v.callback_id === (sub === "update" ? "status_update" : "resolve_incident")), Boolean))!;
  const response = await post(a, interaction(SIGNING_SECRET, viewSubmitted(view, userId, values)));
  const body = await response.text();
  return body ? JSON.parse(body) : {};
}

const publicUpdate = (text: string, components: string, status = "identified") => ({
  status: choice("identified"),
  severity: choice("SEV2"),
  summary: input("Internal summary: orders_pkey_new is INVALID"),
  public: ticked,
  public_title: input("Payments are failing"),
  public_status: choice(status),
  public_components: input(components),
  public_text: input(text),
});

type Block = { type: string; elements?: { action_id: string; value: string }[] };
/** The Approve (or Deny) button value of the plan message showing `text`. */
async function planButton(channel: string, text: string, actionId = "public_update_approve"): Promise<string> {
  const message = await eventually(() => slack.messages(channel).find((m) => JSON.stringify(m.blocks ?? []).includes(text) && JSON.stringify(m.blocks).includes(actionId)), Boolean);
  return (message!.blocks as Block[]).find((x) => x.type === "actions")!.elements!.find((e) => e.action_id === actionId)!.value;
}
const click = (h: Harness, actionId: string, value: string, userId: string, channelId: string) => post(h, interaction(SIGNING_SECRET, buttonClick({ actionId, value, userId, channelId })));
const page = async (h: Harness, path = "/status", headers: Record<string, string> = {}) => {
  const response = await fetch(`${h.base}${path}`, { headers });
  return { status: response.status, etag: response.headers.get("etag"), cache: response.headers.get("cache-control"), type: response.headers.get("content-type"), body: await response.text() };
};
const kinds = async (incident: Incident) => (await a.store.timeline.list(incident.id)).map((e) => e.kind).filter((k) => k.startsWith("public_update"));

describe("a public update", () => {
  it("is published once approved by the comms group, on every replica within one re-check, and never before", async () => {
    const { incident, channel } = await newIncident();
    const before = await page(b);
    expect(before.body).not.toContain("Payments are failing");

    expect(await submit("update", people.req, channel, publicUpdate("Some card payments fail; we are rolling back.", "api: major_outage"))).toEqual({});
    const approve = await planButton(channel, "Some card payments fail; we are rolling back.");
    const plan = slack.messages(channel).find((m) => JSON.stringify(m.blocks ?? []).includes("rolling back"))!;
    expect(JSON.stringify(plan.blocks)).toContain("Public API (`api`) → *Major outage*");
    expect(JSON.stringify(plan.blocks)).toContain(`members of comms (<@${people.comms}>)`);

    // Neither the commander nor anyone else outside comms may approve it.
    for (const who of [people.cmd, people.mallory]) await click(a, "public_update_approve", approve, who, channel);
    const refusals = await eventually(() => slack.ephemerals(channel).filter((e) => e.text?.includes("can approve this public update")), (e) => e.length === 2);
    expect(refusals[0]!.text).toBe(`:no_entry_sign: Only members of comms (<@${people.comms}>) can approve this public update; approvers were fixed when it was asked.`);
    expect((await page(a, "/status.json")).body).not.toContain("rolling back");

    // A double click, one on each replica: published once.
    await Promise.all([click(a, "public_update_approve", approve, people.comms, channel), click(b, "public_update_approve", approve, people.comms, channel)]);
    await a.drain();
    expect(await kinds(incident)).toEqual(["public_update_requested", "public_update_approved", "public_update_published"]);
    expect((await a.store.publicUpdates.forIncident(incident.id)).map((u) => [u.state, u.decidedBy])).toEqual([["published", people.comms]]);
    expect(await a.store.publicUpdates.page()).toMatchObject({ generation: 1 });
    await eventually(() => slack.messages(channel).some((m) => m.text?.includes("published on the status page")), Boolean);
    // Nothing for Statuspage: no sync handler is registered in this tree.
    expect(await a.store.jobs.list({ kind: "statuspage.sync" })).toEqual([]);

    // Replica b rendered before the approval: it serves that page until its next re-check, 5 s on.
    expect((await page(b)).body).toBe(before.body);
    tick(5_000);
    const html = (await page(b)).body;
    expect(html).toContain("Some card payments fail; we are rolling back.");
    expect(html).toContain("<h3 id=");
    expect(html).toContain('<time datetime="2026-12-04T15:00:00.000Z">Fri Dec 4, 2026, 10:00am ET</time>');
    expect(html).toMatch(/Public API<\/span> <span class="status"[^>]*>Major outage/);
    expect(html).not.toContain("orders_pkey"); // the internal title and summary stay internal

    const json = JSON.parse((await page(a, "/status.json")).body);
    expect(json.components).toEqual([{ id: "api", name: "Public API", status: "major_outage" }, { id: "web", name: "Website", status: "operational" }]);
    expect(json.incidents).toMatchObject([{ name: "Payments are failing", status: "identified", updates: [{ status: "identified", body: "Some card payments fail; we are rolling back.", components: [{ id: "api", status: "major_outage" }] }] }]);
    const feed = (await page(a, "/status/feed.atom")).body;
    expect(feed).toMatch(/<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"[^>]*>\n<id>urn:uuid:[0-9a-f-]{36}<\/id>/);
    expect(feed).toContain(`<id>urn:uuid:${json.incidents[0].updates[0].id}</id>`);
    expect(feed).toContain("<title>Payments are failing: Identified</title>");

    // The closing update from the resolve form: components back to operational, the incident into history.
    expect(await submit("resolve", people.cmd, channel, { resolution: input("Rolled back the deploy; payments succeed again."), public: ticked, public_text: input("Payments are working again."), public_components: input("") })).toEqual({});
    await click(a, "public_update_approve", await planButton(channel, "Payments are working again."), people.comms, channel);
    await a.drain();
    tick(5_000);
    const after = JSON.parse((await page(b, "/status.json")).body);
    expect(after.incidents).toEqual([]);
    expect(after.components[0]).toEqual({ id: "api", name: "Public API", status: "operational" });
    expect(after.history[0].updates.map((u: { status: string }) => u.status)).toEqual(["identified", "resolved"]);

    // Publish of the post-mortem offers its public summary; once approved it stands under the incident.
    const views = slack.views().length;
    await post(a, interaction(SIGNING_SECRET, buttonClick({ actionId: "postmortem_publish", value: JSON.stringify({ incidentId: incident.id }), userId: people.cmd, channelId: channel, triggerId: slack.issueTrigger() })));
    const publish = (await eventually(() => slack.views().slice(views).find((v) => v.callback_id === "publish_postmortem"), Boolean))!;
    const summary = "A deploy broke card payments for 20 minutes; deploys now wait for a payment canary.";
    expect(await (await post(a, interaction(SIGNING_SECRET, viewSubmitted(publish, people.cmd, { public_summary: input(summary) })))).text()).toBe("");
    await click(a, "public_update_approve", await planButton(channel, summary), people.comms, channel);
    await a.drain();
    tick(5_000);
    const withSummary = JSON.parse((await page(a, "/status.json")).body);
    expect(withSummary.history[0]).toMatchObject({ name: "Payments are failing", postmortem_summary: { body: summary } });
    expect((await page(a)).body).toContain("Post-incident summary");
  });

  it("is never shown when denied or left to expire", async () => {
    const { incident, channel } = await newIncident();
    expect(await submit("update", people.req, channel, publicUpdate("Approved words stand beside them.", "web: degraded_performance"))).toEqual({});
    await click(a, "public_update_approve", await planButton(channel, "Approved words stand beside them."), people.comms, channel);
    expect(await submit("update", people.req, channel, publicUpdate("Denied words must never be public.", "web: degraded_performance"))).toEqual({});
    await click(b, "public_update_deny", await planButton(channel, "Denied words must never be public.", "public_update_deny"), people.comms, channel);
    expect(await submit("update", people.req, channel, publicUpdate("Expired words must never be public.", "web: partial_outage"))).toEqual({});
    const late = await planButton(channel, "Expired words must never be public.");
    tick(31 * 60_000);
    await eventually(async () => (await a.store.publicUpdates.forIncident(incident.id)).map((u) => u.state), (s) => s.join() === "published,denied,expired");
    await click(a, "public_update_approve", late, people.comms, channel);
    await eventually(() => slack.ephemerals(channel).filter((e) => e.text?.includes("expired")), (e) => e.length === 1);
    await a.drain();
    expect(await kinds(incident)).toEqual(["public_update_requested", "public_update_approved", "public_update_published", "public_update_requested", "public_update_denied", "public_update_requested", "public_update_expired"]);
    for (const path of ["/status", "/status.json", "/status/feed.atom"]) {
      const body = (await page(a, path)).body + (await page(b, path)).body;
      expect(body).toContain("Approved words stand beside them.");
      expect(body).not.toContain("must never be public");
    }
  });

  it("naming a component the status page does not have is refused in the form, before anyone is asked", async () => {
    const { incident, channel } = await newIncident();
    const answer = await submit("update", people.req, channel, publicUpdate("Billing is down.", "api: partial_outage\nbilling: major_outage"));
    expect(answer).toEqual({
      response_action: "errors",
      errors: { public_components: "There is no component “billing” on the status page, so nothing was asked; the components are: api, web." },
    });
    expect(await a.store.publicUpdates.forIncident(incident.id)).toEqual([]);
    expect((await a.store.timeline.list(incident.id)).some((e) => e.kind === "status_update")).toBe(false);
  });
});

describe("the status page", () => {
  it("answers a matching If-None-Match with 304, and is alone on STATUS_PORT", async () => {
    const first = await page(a);
    expect(first).toMatchObject({ status: 200, type: "text/html; charset=utf-8", cache: "public, max-age=5" });
    expect(first.body).toMatch(/^<!doctype html>\n<html lang="en">/);
    const again = await page(a, "/status", { "if-none-match": first.etag! });
    expect(again).toMatchObject({ status: 304, body: "", etag: first.etag });
    expect((await page(a, "/status", { "if-none-match": '"0-stale"' })).status).toBe(200);

    const statusOnly = a.statusBase!;
    expect((await fetch(`${statusOnly}/status`)).status).toBe(200);
    expect((await fetch(`${statusOnly}/status/feed.atom`)).headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    for (const path of ["/healthz", "/metrics", "/slack/events", "/webhooks/pagerduty"]) expect((await fetch(`${statusOnly}${path}`)).status).toBe(404);
  });
});
