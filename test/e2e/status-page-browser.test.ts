// The status page in Chromium, with JavaScript off (it must read without it): an update approved
// in Slack appears on /status, one denied never does. Slack is driven by signed requests, as in the
// integration tests; the browser only reads the public page, as a customer would.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const WAIT = { timeout: 30_000 };

let dir: string;
let slack: SlackEmulator;
let h: Harness;
let browser: Browser;
let page: Page;
let clock = new Date("2026-12-04T15:00:00Z");
const people = { cmd: "", comms: "" };

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  dir = mkdtempSync(join(tmpdir(), "firebreak-status-"));
  slack = createSlackEmulator();
  await slack.start();
  people.cmd = slack.addUser({ name: "cmd", email: "cmd@example.com" });
  people.comms = slack.addUser({ name: "comms", email: "comms@example.com" });
  const config = join(dir, "firebreak.yaml");
  writeFileSync(config, `status_page:\n  title: Acme status\n  components:\n    - { id: api, name: Public API }\napprover_groups:\n  comms: { users: [${people.comms}] }\n`);
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, env: { FIREBREAK_CONFIG: config, STATUS_PORT: "0" }, slack, now: () => clock });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
  await slack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

const post = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
const input = (value: string) => ({ value: { type: "plain_text_input", value } });
const choice = (value: string) => ({ value: { type: "static_select", selected_option: { value } } });

/** Asks for a public update through `/incident update`, and answers its plan with `actionId`. */
async function publicUpdate(channel: string, text: string, actionId: "public_update_approve" | "public_update_deny") {
  const before = slack.views().length;
  await post(slashCommand(SIGNING_SECRET, { text: "update", userId: people.cmd, channelId: channel, triggerId: slack.issueTrigger() }));
  const view = (await eventually(() => slack.views().slice(before).find((v) => v.callback_id === "status_update"), Boolean))!;
  const values = {
    status: choice("identified"), severity: choice("SEV2"), summary: input("internal notes"),
    public: { value: { type: "checkboxes", selected_options: [{ value: "post" }] } },
    public_title: input("Elevated API errors"), public_status: choice("identified"), public_components: input("api: partial_outage"), public_text: input(text),
  };
  expect(await (await post(interaction(SIGNING_SECRET, viewSubmitted(view, people.cmd, values)))).text()).toBe("");
  type Block = { type: string; elements?: { action_id: string; value: string }[] };
  const plan = await eventually(() => slack.messages(channel).find((m) => JSON.stringify(m.blocks ?? []).includes(text) && JSON.stringify(m.blocks).includes(actionId)), Boolean);
  const value = (plan!.blocks as Block[]).find((b) => b.type === "actions")!.elements!.find((e) => e.action_id === actionId)!.value;
  await post(interaction(SIGNING_SECRET, buttonClick({ actionId, value, userId: people.comms, channelId: channel })));
  await h.drain();
  clock = new Date(clock.getTime() + 5_000); // past the page's re-check
}

it("shows an approved public update on /status and never a denied one", async () => {
  const channel = slack.addChannel({ name: "inc-status-browser", members: Object.values(people) });
  const created = await h.store.incidents.create({ title: "orders_pkey INVALID", severity: "SEV2", source: "slack", detectedAt: clock, commander: people.cmd });
  await h.store.incidents.update(created.id, created.version, { channelId: channel });

  await page.goto(`${h.statusBase}/status`);
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Acme status");
  await page.getByText("All systems operational").waitFor(WAIT);

  await publicUpdate(channel, "Some API requests fail; we have found the cause.", "public_update_approve");
  await publicUpdate(channel, "Internal guesses that must stay private.", "public_update_deny");

  await page.reload();
  const main = page.getByRole("main");
  const current = main.getByRole("region", { name: "Current incidents" });
  await current.getByRole("article", { name: "Elevated API errors" }).waitFor(WAIT);
  await current.getByText("Some API requests fail; we have found the cause.").waitFor(WAIT);
  await main.getByRole("region", { name: "Components" }).getByText("Partial outage").waitFor(WAIT);
  expect(await page.content()).not.toContain("must stay private");
  expect(await page.content()).not.toContain("orders_pkey");
});
