// The invalid-index outage through the running bot: a back-dated PagerDuty page, the shipped
// rebuild playbook run from Slack against a real PostgreSQL whose index is actually INVALID (find
// it, choose it from the select, rebuild it once a DBA approves, prove it with Datadog's CPU), then
// impact, root cause and the resolve form's times, and `firebreak postmortem`, which must credit
// the rebuild and its approver, lead with the figure, and name no Slack id.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { spawnCli } from "../helpers/cli-process.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { buttonClick, interaction, selectChoice, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

const LA = "America/Los_Angeles";
const CPU_QUERY = "avg:aws.rds.cpuutilization{dbinstanceidentifier:orders-primary}";
let h: Harness;
let slackEmulator: SlackEmulator;
let databaseUrl: string;
let ordersUrl: string;
const dir = tempDir();
// Wednesday, January 14, 2026, 9:06am PST: the page is delivered a minute after PagerDuty raised it.
let clock = new Date("2026-01-14T17:06:00Z");
const at = (pst: string) => (clock = new Date(`2026-01-14T${pst}:00-08:00`));
let ada: string;
let ben: string;
let sue: string;

async function indexValid(): Promise<unknown> {
  const client = new pg.Client({ connectionString: ordersUrl });
  await client.connect();
  try {
    return (await client.query("SELECT indisvalid, indisready FROM pg_index WHERE indexrelid = 'orders_email_key'::regclass")).rows[0];
  } finally {
    await client.end();
  }
}

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  // The database under the API, as the migration left it: a unique index whose concurrent build
  // failed on a duplicate, so PostgreSQL marked it INVALID (indisvalid = false).
  ordersUrl = await createTestDatabaseUrl();
  await sql(ordersUrl, "CREATE TABLE orders (id bigserial PRIMARY KEY, email text NOT NULL)");
  await sql(ordersUrl, "INSERT INTO orders (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 2000) g");
  await sql(ordersUrl, "INSERT INTO orders (email) VALUES ('user1@example.com')");
  await expect(sql(ordersUrl, "CREATE UNIQUE INDEX CONCURRENTLY orders_email_key ON orders (email)")).rejects.toThrow(/could not create unique index/);
  await sql(ordersUrl, "DELETE FROM orders WHERE id > 2000");

  slackEmulator = createSlackEmulator({ now: () => clock.getTime() });
  ada = slackEmulator.addUser({ name: "ada", email: "ada@example.com", realName: "Ada Oncall" });
  ben = slackEmulator.addUser({ name: "ben", email: "ben@example.com", realName: "Ben Builder" });
  sue = slackEmulator.addUser({ name: "sue", email: "sue@example.com", realName: "Sue Support" });
  const config = `${dir.path}/firebreak.yaml`;
  writeFileSync(config, [`playbook_dirs: [${JSON.stringify(fileURLToPath(new URL("../../playbooks", import.meta.url)))}]`, "approver_groups:", `  dba: { users: [${ben}] }`, "targets:", "  postgres:", "    orders: { url_env: ORDERS_DB_URL }", ""].join("\n"));
  databaseUrl = await createTestDatabaseUrl();
  h = await startHarness({ database: { DATABASE_URL: databaseUrl }, env: { FIREBREAK_TIMEZONE: LA, FIREBREAK_CONFIG: config, ORDERS_DB_URL: ordersUrl }, now: () => clock, slack: slackEmulator });
  h.pagerduty.addUser({ id: "PADA", name: "Ada Oncall", email: "ada@example.com" });
  h.pagerduty.addOnCall({ escalationPolicyId: "PUS0KTE", userId: "PADA" });
  // The database's CPU: pinned until the rebuild, then back to 30%.
  h.datadog.setMetrics((query, from, to) => (query === CPU_QUERY ? [[from * 1000, 100], [to * 1000, rebuilt ? 30 : 100]] : []));
});
let rebuilt = false;
afterAll(async () => {
  await h.stop();
  await slackEmulator.stop();
  dir.remove();
});

const slack = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
async function command(userId: string, channelId: string, text: string): Promise<{ text?: string; blocks?: unknown[] }> {
  const body = await (await slack(slashCommand(SIGNING_SECRET, { text, userId, channelId, triggerId: h.slack.issueTrigger() }))).text();
  return body ? JSON.parse(body) : {};
}
const input = (value: string) => ({ value: { type: "plain_text_input", value } });
const selected = (value: string) => ({ value: { type: "static_select", selected_option: { text: { type: "plain_text", text: value }, value } } });
type Element = { action_id: string; value?: string; options?: { text: { text: string }; value: string }[] };
const stepMessage = (channel: string, prefix: string) => h.slack.messages(channel).find((m) => m.text?.startsWith(prefix));
const element = (channel: string, prefix: string, actionId: string) =>
  (stepMessage(channel, prefix)?.blocks as { type: string; elements?: Element[] }[] | undefined)?.filter((b) => b.type === "actions").flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId);

describe("the invalid-index outage, remediated behind an approval", () => {
  it("is drafted with the rebuild and its approver, impact first, in a short TL;DR with no Slack id", async () => {
    h.pagerduty.addIncident({ id: "PINDEX", title: "API is degraded — DB CPU at 100%" });
    await fetch(
      `${h.base}/webhooks/pagerduty`,
      pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PINDEX", title: "API is degraded — DB CPU at 100%", occurredAt: "2026-01-14T17:05:00Z" }), PD_SECRETS[0]!),
    );
    const incident = (await eventually(() => h.store.incidents.byPagerdutyIncident("PINDEX"), (i) => Boolean(i?.headerTs)))!;
    const channel = incident.channelId!;
    expect(incident.commander).toBe(ada);

    at("09:30");
    expect((await command(ada, channel, `role comms <@${sue}>`)).text).toContain("is now comms");
    expect((await command(ada, channel, "status at 9:12am identified")).text).toContain("is now identified");
    expect((await command(sue, channel, "impact at 9:25am About 2,670 API requests failed and 1 in 3 orders could not be placed")).text).toContain("Impact recorded");
    at("09:45");
    expect((await command(ben, channel, "note at 9:44am orders_email_key is INVALID after the migration's concurrent build failed; queries on email scan the whole table")).text).toContain("Noted");

    // The commander finds the rebuild playbook among those for this incident and starts it.
    at("09:46");
    expect(JSON.stringify((await command(ada, channel, "playbook all")).blocks)).toContain("Rebuild an invalid PostgreSQL index");
    await slack(interaction(SIGNING_SECRET, buttonClick({ actionId: "playbook_choose", value: JSON.stringify({ incidentId: incident.id, playbookId: "rebuild-invalid-index" }), userId: ada, channelId: channel, triggerId: h.slack.issueTrigger() })));
    const modal = await eventually(() => h.slack.views().findLast((v) => v.callback_id === "playbook_params"), Boolean);
    const started = await slack(interaction(SIGNING_SECRET, viewSubmitted(modal!, ada, { param_target: selected("orders"), param_cpu_query: input(CPU_QUERY), param_cpu_below: input("70") })));
    expect(started.status).toBe(200);

    // The find step lists what PostgreSQL holds INVALID; the rebuild step offers exactly that.
    // Posts to the channel are paced to Slack's one a second: the status change, step 1, its plan
    // in the thread and step 2 take at least 3 s, and longer on a loaded machine.
    const paced = 30_000;
    const choose = await eventually(() => element(channel, "Step 2/3", "step_choose"), (e) => Boolean(e?.options?.length), paced);
    expect(choose!.options!.map((o) => o.text.text)).toEqual(["public.orders_email_key"]);
    at("09:47");
    await slack(interaction(SIGNING_SECRET, selectChoice({ actionId: "step_choose", value: choose!.options![0]!.value, userId: ada, channelId: channel })));
    const approve = (await eventually(() => element(channel, "Step 2/3", "step_approve"), Boolean, paced))!;
    // Support may not approve a rebuild; Ben, a DBA, may.
    await slack(interaction(SIGNING_SECRET, buttonClick({ actionId: "step_approve", value: approve.value!, userId: sue, channelId: channel })));
    const refusal = await eventually(() => h.slack.ephemerals(channel).filter((e) => e.user === sue), (e) => e.length > 0, paced);
    expect(refusal[0]!.text).toContain("can approve “Rebuild the index concurrently”");
    expect(await indexValid()).toEqual({ indisvalid: false, indisready: false });
    at("09:53");
    rebuilt = true;
    await slack(interaction(SIGNING_SECRET, buttonClick({ actionId: "step_approve", value: approve.value!, userId: ben, channelId: channel })));
    await eventually(() => h.store.timeline.list(incident.id), (e) => e.some((x) => x.text === "Playbook “Rebuild an invalid PostgreSQL index” completed"), 30_000);
    // The index really is valid now.
    expect(await indexValid()).toEqual({ indisvalid: true, indisready: true });

    at("10:05");
    expect((await command(ada, channel, "followup Check index validity before dropping an index")).text).toContain("Follow-up #");
    expect((await command(ben, channel, "rootcause A migration's concurrent unique build of orders_email_key failed on a duplicate email and left the index INVALID. Every lookup by email fell back to a sequential scan of orders.")).text).toContain("Root cause");
    at("10:12");
    expect(await command(ada, channel, "resolve")).toEqual({});
    const resolve = await eventually(() => h.slack.views().findLast((v) => v.callback_id === "resolve_incident"), Boolean);
    expect(
      (
        await slack(
          interaction(
            SIGNING_SECRET,
            viewSubmitted(resolve!, ada, {
              resolution: input("Rebuilt orders_email_key with REINDEX CONCURRENTLY; CPU back to 30%."),
              impact: input(""),
              root_cause: input(""),
              mitigated_at: input("9:55am"),
              resolved_at: input("10:10am"),
            }),
          ),
        )
      ).status,
    ).toBe(200);
    await eventually(() => h.store.incidents.get(incident.id), (i) => i?.status === "resolved");
    await eventually(() => h.store.people.names([ada, ben, sue]), (n) => Object.keys(n).length === 3);

    const cli = spawnCli(["postmortem", `INC-${incident.id}`], { DATABASE_URL: databaseUrl, FIREBREAK_TIMEZONE: LA });
    expect(await cli.exited).toBe(0);
    const markdown = cli.stdout();
    expect(markdown).not.toMatch(/\bU[A-Z0-9]{8,}\b/);
    // The service as PagerDuty named it when it paged, not its slug: firebreak.yaml names no services here.
    expect(markdown).toContain("- **Services:** API Service\n");
    // Impact leads with its figure, and the window's duration is the one every interval ends on.
    expect(markdown).toContain("## Impact\n\nAbout 2,670 API requests failed and 1 in 3 orders could not be placed\n\n- **Window:** Wednesday, January 14, 2026, 9:05am – 10:10am PT\n- **Duration:** 1h 5m\n");
    expect(markdown).toContain("| Time to resolve | 1h 5m |");
    expect(markdown).toContain("| Time to mitigate | 50m |");
    // At most three sentences: what users saw and for how long, the cause, the rebuild and who approved it.
    const tldr = markdown.split("## TL;DR\n\n")[1]!.split("\n")[0]!;
    expect(tldr).toBe(
      "About 2,670 API requests failed and 1 in 3 orders could not be placed over 1h 5m (9:05am – 10:10am PT). " +
        "A migration's concurrent unique build of orders_email_key failed on a duplicate email and left the index INVALID. " +
        "Rebuilt orders_email_key with REINDEX CONCURRENTLY; CPU back to 30% (“Rebuild the index concurrently” approved by Ben Builder, resolved by Ada Oncall).",
    );
    expect(tldr.split(/(?<=[.!?])\s+(?=[A-Z])/)).toHaveLength(3);
    expect(tldr).not.toMatch(/restart/i);
    expect(markdown).toContain("| 9:53am PT | Rebuild the index concurrently — approved by Ben Builder |\n| 9:53am PT | **Succeeded:** Rebuild the index concurrently |\n| 9:53am PT | **Metric improved:** Wait for database CPU to come back down |");
    // The whole export, reviewed as a writer would read it; UPDATE_GOLDEN=1 rewrites it.
    const golden = fileURLToPath(new URL("../golden/postmortems/export-invalid-index.md", import.meta.url));
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(golden, markdown);
    expect(markdown).toBe(readFileSync(golden, "utf8"));
  }, 120_000);
});
