// The sandbox end to end, in a real browser: page, incident channel, a playbook run held for
// approval, the two-person rule, a handover, resolution and a published post-mortem — all by
// clicking and typing in the page, which reaches Firebreak only through signed Slack requests.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo, type Demo } from "../../src/sandbox/demo/start-demo.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = "test-artifacts/screenshots";
// Waits are generous for a loaded CI machine; the whole scenario normally takes well under 30 s.
const WAIT = { timeout: 20_000 };

describe("the sandbox page", () => {
  let demo: Demo | undefined;
  let browser: BrowserContext | undefined;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`No Chromium at ${CHROMIUM}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH to a Chromium binary).`);
    }
    dir = mkdtempSync(join(tmpdir(), "firebreak-sandbox-"));
    mkdirSync(SCREENSHOTS, { recursive: true });
    demo = await startDemo({ port: 0, dataDir: join(dir, "demo") });
    browser = await chromium.launchPersistentContext(join(dir, "chromium-profile"), {
      executablePath: CHROMIUM,
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1440, height: 900 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("runs an incident from page to published post-mortem", async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await page.screenshot({ path: join(SCREENSHOTS, "failure.png") }).catch(() => undefined);
      // What the channel last said is usually the quickest way to see why a wait ran out.
      const last = await page.getByTestId("messages").locator("> *").evaluateAll((nodes) => nodes.slice(-3).map((n) => n.textContent));
      console.error("Last messages in the open channel:\n", last.join("\n---\n"));
    });
    const person = (role: string) => demo!.handles.users.find((u) => u.role === role)!;
    const alex = person("on call");
    const cora = demo!.handles.users.find((u) => u.name === "Cora Chen")!;
    const composer = page.getByTestId("composer");
    const say = async (text: string) => {
      await composer.fill(text);
      await composer.press("Enter");
    };
    const ephemeral = (text: string) => page.getByTestId("ephemeral").filter({ hasText: text }).last();
    const message = (text: string) => page.getByTestId("message").filter({ hasText: text });
    const approve = async (step: Locator) => {
      await step.getByTestId("button-step_approve").click();
      await page.getByTestId("confirm").waitFor(WAIT);
      await page.getByTestId("confirm-ok").click();
    };
    const fillForm = async (fields: Record<string, string>) => {
      for (const [blockId, value] of Object.entries(fields)) await page.getByTestId("modal").getByTestId(`input-${blockId}`).fill(value);
      await page.getByTestId("modal-submit").click();
      await page.getByTestId("modal").waitFor({ state: "detached", ...WAIT });
    };

    await page.goto(demo!.url);
    await page.getByTestId("user-switcher").selectOption(alex.id);
    await page.getByTestId("me-name").filter({ hasText: alex.name }).waitFor(WAIT);

    await page.getByTestId("page-me").click();
    const channel = page.locator('[data-testid^="channel-inc-"]').first();
    await channel.waitFor(WAIT);
    await channel.click();
    const header = page.getByTestId("message").filter({ has: page.getByTestId("pinned") }).filter({ hasText: "INC-" });
    await header.waitFor(WAIT);

    // Alex, on call and commander, starts the run.
    await say("/incident playbook");
    // Slack draws a message's blocks, not its fallback text: the list is known by its buttons.
    const playbooks = page.getByTestId("ephemeral").filter({ has: page.locator('[data-testid="button-playbook_choose"], [data-testid="button-playbook_show_all"]') }).last();
    await playbooks.waitFor(WAIT);
    if (!(await playbooks.textContent())?.includes("Rebuild an invalid PostgreSQL index")) {
      await playbooks.getByTestId("button-playbook_show_all").click();
    }
    const rebuild = page.getByTestId("ephemeral").locator(".block-section", { hasText: "Rebuild an invalid PostgreSQL index" }).last();
    await rebuild.getByTestId("button-playbook_choose").click();
    await page.getByTestId("modal").filter({ hasText: "Rebuild an invalid PostgreSQL index" }).waitFor(WAIT);
    await fillForm({ param_target: "demo-db", param_index: "public.orders_email_key", param_cpu_query: "avg:postgresql.cpu{db:demo}", param_cpu_below: "70" });

    const rebuildStep = message("Rebuild the index concurrently");
    await rebuildStep.filter({ hasText: "waiting for approval" }).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "incident-channel-approval.png") });

    // The step cannot be undone, so whoever started the run may not approve it too.
    await approve(rebuildStep);
    await ephemeral("someone other than the person who started the run").waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "two-person-rule-refusal.png") });

    // Cora is a DBA, and the rebuild step asks the commander or the dba group.
    await page.getByTestId("user-switcher").selectOption(cora.id);
    await page.getByTestId("me-name").filter({ hasText: cora.name }).waitFor(WAIT);
    await approve(rebuildStep);
    await rebuildStep.filter({ hasText: "succeeded" }).waitFor(WAIT);
    await message("Wait for database CPU to come back down").filter({ hasText: "succeeded" }).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "playbook-succeeded.png") });

    await say("/incident resolve");
    await page.getByTestId("modal").waitFor(WAIT);
    await fillForm({ resolution: "Rebuilt the invalid orders_email_key index concurrently; database CPU fell back under 70%." });
    await header.filter({ hasText: "resolved" }).waitFor(WAIT);

    await say("/incident postmortem");
    const preview = page.getByTestId("message").filter({ hasText: "Post-mortem draft" }).filter({ has: page.getByTestId("button-postmortem_publish") }).last();
    await preview.waitFor(WAIT);
    await preview.getByTestId("button-postmortem_publish").click();

    const published = page.getByTestId("repository").locator('[data-testid="repo-file-content"][data-path^="postmortems/"]').first();
    await published.waitFor({ state: "attached", ...WAIT });
    const markdown = (await published.textContent()) ?? "";
    for (const heading of ["## TL;DR", "## Timeline", "## Root Cause", "## Remediations"]) expect(markdown).toContain(heading);
    await published.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, "postmortem-repository.png") });
  }, 60_000);
});
