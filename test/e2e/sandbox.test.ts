// The sandbox end to end, in a real browser, following README's Quick start word for word as its
// three people: a page, an incident channel, the failover that does not help (its metric gate
// shows no improvement and it is rolled back), the index rebuild that Alex and Dev are each
// refused and Cora approves, a restart of the API's pods that Dev approves, resolution and a
// published post-mortem. Everything is done by clicking and typing in the page, which reaches
// Firebreak only through signed Slack requests; what the playbooks did is then read back from the
// emulated clusters, the way kubectl would see it.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo, type Demo } from "../../src/sandbox/demo/start-demo.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = "test-artifacts/screenshots";
// Waits are generous for a loaded CI machine; each metric gate that fails takes about 10 s of
// fast-forwarded time in the sandbox, and the whole scenario normally takes about a minute.
const WAIT = { timeout: 60_000 };

// What README's Quick start tells the reader to type into each playbook's form.
const ERROR_RATE = "sum:trace.http.request.errors{service:api}.as_rate()";
const FORMS = {
  failover: { param_backup_cluster: "backup", param_namespace: "orders", param_deployment: "api", param_replicas: "3", param_switch: "api-edge", param_error_rate_query: ERROR_RATE, param_max_error_rate: "5" },
  rebuild: { param_target: "demo-db", param_cpu_query: "avg:postgresql.cpu{db:orders}" },
  restart: { param_cluster: "prod", param_namespace: "orders", param_name: "api", param_error_rate_query: ERROR_RATE, param_max_error_rate: "5" },
};

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
    // Starting seven local servers (two of them making TLS certificates) and Chromium can take a
    // minute on a loaded machine.
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("follows README's Quick start as Alex, Dev and Cora, through all three shipped playbooks to a published post-mortem", async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await page.screenshot({ path: join(SCREENSHOTS, "failure.png") }).catch(() => undefined);
      // What the channel last said is usually the quickest way to see why a wait ran out.
      const last = await page.getByTestId("messages").locator("> *").evaluateAll((nodes) => nodes.slice(-4).map((n) => n.textContent));
      console.error("Last messages in the open channel:\n", last.join("\n---\n"));
    });
    const person = (name: string) => demo!.handles.users.find((u) => u.name === name)!;
    const [alex, cora, dev] = [person("Alex Rivera"), person("Cora Chen"), person("Dev Patel")];
    const composer = page.getByTestId("composer");
    const say = async (text: string) => {
      await composer.fill(text);
      await composer.press("Enter");
    };
    const ephemeral = (text: string) => page.getByTestId("ephemeral").filter({ hasText: text }).last();
    const message = (text: string) => page.getByTestId("message").filter({ hasText: text });
    const switchTo = async (who: { id: string; name: string }) => {
      await page.getByTestId("user-switcher").selectOption(who.id);
      await page.getByTestId("me-name").filter({ hasText: who.name }).waitFor(WAIT);
    };
    /** Approve; an irreversible step asks "Are you sure?" first, a reversible one does not. */
    const approve = async (step: Locator, irreversible: boolean) => {
      await step.getByTestId("button-step_approve").click();
      if (!irreversible) return;
      await page.getByTestId("confirm").waitFor(WAIT);
      await page.getByTestId("confirm-ok").click();
    };
    const fillForm = async (fields: Record<string, string>) => {
      for (const [blockId, value] of Object.entries(fields)) {
        // Targets are offered as a choice of those in firebreak.yaml; everything else is typed.
        const field = page.getByTestId("modal").getByTestId(`input-${blockId}`);
        if ((await field.evaluate((node) => node.tagName)) === "SELECT") await field.selectOption(value);
        else await field.fill(value);
      }
      await page.getByTestId("modal-submit").click();
      await page.getByTestId("modal").waitFor({ state: "detached", ...WAIT });
    };
    /** Types the command README gives, chooses the playbook from the list it answers, fills the form. */
    const runPlaybook = async (command: string, title: string, fields: Record<string, string>) => {
      const before = await page.getByTestId("ephemeral").count();
      await say(command);
      // Slack draws a message's blocks, not its fallback text: the list is known by its buttons.
      const list = page.getByTestId("ephemeral").nth(before);
      await list.locator('[data-testid="button-playbook_choose"]').first().waitFor(WAIT);
      await list.locator(".block-section", { hasText: title }).getByTestId("button-playbook_choose").click();
      await page.getByTestId("modal").filter({ hasText: title }).waitFor(WAIT);
      await fillForm(fields);
    };

    // "Press Page me and an incident channel opens, with Alex and Dev, whom PagerDuty has on call."
    await page.goto(demo!.url);
    await switchTo(alex);
    await page.getByTestId("page-me").click();
    const channel = page.locator('[data-testid^="channel-inc-"]').first();
    await channel.waitFor(WAIT);
    await channel.click();
    const header = page.getByTestId("message").filter({ has: page.getByTestId("pinned") }).filter({ hasText: "INC-" });
    await header.waitFor(WAIT);
    // The switcher says who is what and who is in the channel on screen.
    const channelName = ((await channel.textContent()) ?? "").replace(/^#/, "");
    const option = (who: { id: string }) => page.getByTestId("user-switcher").locator(`option[value="${who.id}"]`);
    await expect.poll(() => option(alex).textContent(), WAIT).toBe(`Alex Rivera — on call, commander of INC-1 · in #${channelName}`);
    expect(await option(dev).textContent()).toBe(`Dev Patel — on call · in #${channelName}`);
    expect(await option(cora).textContent()).toBe(`Cora Chen — DBA · not in #${channelName}`);
    // The PagerDuty link in the header opens the sandbox's own stand-in page.
    const pagerdutyLink = header.locator("a", { hasText: "PagerDuty incident" });
    expect(await pagerdutyLink.getAttribute("href")).toMatch(new RegExp(`^${demo!.url}pagerduty/incidents/PDEMO`));

    // Failing over first, as in the outage that shaped Firebreak. Alex approves both steps: they
    // can be undone, so starting the run does not stop him.
    await runPlaybook("/incident playbook all", "Fail over to the backup cluster", FORMS.failover);
    const scaleUp = message("Scale up the backup cluster");
    await scaleUp.filter({ hasText: "waiting for approval" }).waitFor(WAIT);
    await approve(scaleUp, false);
    const shift = message("Shift all traffic to the backup cluster");
    await shift.filter({ hasText: "waiting for approval" }).waitFor(WAIT);
    await approve(shift, false);
    const gate = message("Check the error rate recovered on the backup");
    await gate.filter({ hasText: "no improvement" }).waitFor(WAIT);
    await shift.filter({ hasText: "rolled back" }).waitFor(WAIT);
    await scaleUp.filter({ hasText: "rolled back" }).waitFor(WAIT);
    await gate.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, "failover-no-improvement.png") });
    expect(await gate.textContent()).toContain("stayed at 38.2 (needs < 5) for 10m, no improvement since the first check (38.2)");
    // Traffic is back on production and the backup is scaled back down.
    const route = demo!.clusters.prod.object("HTTPRoute", "api", "orders") as { spec: { rules: { backendRefs: { name: string; weight: number }[] }[] } };
    expect(route.spec.rules[0]!.backendRefs.map((b) => [b.name, b.weight])).toEqual([["primary", 100], ["backup", 0]]);
    expect((demo!.clusters.backup.object("Deployment", "api", "orders") as { spec: { replicas: number } }).spec.replicas).toBe(0);

    // The rebuild: Alex started it, so he may not approve it too.
    await runPlaybook("/incident playbook", "Rebuild an invalid PostgreSQL index", FORMS.rebuild);
    const rebuildStep = message("Rebuild the index concurrently");
    // Nobody types the index: the step offers the ones the find step listed.
    await rebuildStep.filter({ hasText: "waiting for a choice" }).waitFor(WAIT);
    await rebuildStep.getByTestId("select-step_choose").selectOption({ label: "public.orders_email_key" });
    await rebuildStep.filter({ hasText: "waiting for approval" }).waitFor(WAIT);
    expect(await rebuildStep.filter({ hasText: "waiting for approval" }).textContent()).toContain("REINDEX INDEX CONCURRENTLY");
    await page.screenshot({ path: join(SCREENSHOTS, "incident-channel-approval.png") });
    await approve(rebuildStep, true);
    await ephemeral("someone other than the person who started the run").waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "two-person-rule-refusal.png") });

    // Dev is on call but no DBA: he is told who may.
    await switchTo(dev);
    await approve(rebuildStep, true);
    const devRefusal = ephemeral("can approve “Rebuild the index concurrently”");
    await devRefusal.waitFor(WAIT);
    expect(await devRefusal.textContent()).toContain("Only the incident commander (@Alex Rivera) or members of dba (@Cora Chen) can approve");
    await page.screenshot({ path: join(SCREENSHOTS, "not-an-approver-refusal.png") });

    // Cora is a DBA. She is not in the channel, but it is public: she opens it and approves.
    await switchTo(cora);
    await approve(rebuildStep, true);
    await rebuildStep.filter({ hasText: "succeeded" }).waitFor(WAIT);
    await message("Wait for database CPU to come back down").filter({ hasText: "succeeded" }).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "playbook-succeeded.png") });

    // Restarting the API's pods cannot be undone: Alex starts it, Dev (a responder) approves.
    await switchTo(alex);
    await runPlaybook("/incident playbook all", "Restart pods", FORMS.restart);
    const restart = message("Restart the pods (rolling)");
    await restart.filter({ hasText: "waiting for approval" }).waitFor(WAIT);
    // Dev approves it from his Home (app_home_opened, then views.publish): it lists the open
    // incident and the step waiting on him, with the same Approve as the step's message.
    await switchTo(dev);
    await page.getByTestId("channel-home").click();
    const home = page.getByTestId("home");
    await home.locator(".block-section", { hasText: "Approvals waiting on you" }).waitFor(WAIT);
    await home.locator(".block-section", { hasText: "step 1: Restart the pods (rolling)" }).waitFor(WAIT);
    const openIncidents = await home.locator(".block-section", { hasText: "(INC-1)" }).textContent();
    expect(openIncidents).toContain(`#${channelName}`);
    expect(openIncidents).toContain("commander @Alex Rivera");
    await page.screenshot({ path: join(SCREENSHOTS, "app-home-approval.png") });
    expect(await home.getByTestId("button-step_approve").count()).toBe(1);
    await approve(home, true);
    // Republished once the step is decided: nothing waits on Dev any more.
    await home.locator(".block-context", { hasText: "Nothing waits on you." }).waitFor(WAIT);
    await channel.click();
    await message("Check the error rate came back down").filter({ hasText: "succeeded" }).waitFor(WAIT);
    // The restart ran once: one patch of the API's pod template.
    const restarts = demo!.clusters.prod.calls.filter((c) => c.method === "PATCH" && c.path.endsWith("/deployments/api") && JSON.stringify(c.body).includes("restartedAt"));
    expect(restarts).toHaveLength(1);
    await page.screenshot({ path: join(SCREENSHOTS, "restart-pods-succeeded.png") });
    const api = demo!.clusters.prod.object("Deployment", "api", "orders") as { spec: { template: { metadata: { annotations?: Record<string, string> } } } };
    expect(api.spec.template.metadata.annotations?.["kubectl.kubernetes.io/restartedAt"]).toBeDefined();

    // A catch-up is a summary only the person asking sees.
    await switchTo(alex);
    await say("/incident catchup");
    const catchup = ephemeral("Catch-up on INC-1");
    await catchup.waitFor(WAIT);
    expect(await catchup.textContent()).toContain("Commander: @Alex Rivera");
    expect(await catchup.textContent()).toContain("Only you can see this.");
    await catchup.evaluate((node) => node.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: join(SCREENSHOTS, "catchup.png") });

    // Escalate's form offers PagerDuty's policies and services as they are typed (external_select).
    await say("/incident escalate");
    const escalate = page.getByTestId("modal").filter({ hasText: "Escalate" });
    await escalate.waitFor(WAIT);
    await escalate.getByTestId("input-target-search").fill("data");
    const target = escalate.getByTestId("input-target");
    await target.locator("option", { hasText: "Orders database" }).waitFor({ state: "attached", ...WAIT });
    expect(await target.locator("option").allTextContents()).toContain("Service: Orders database");
    await target.selectOption({ label: "Service: Orders database" });
    await page.screenshot({ path: join(SCREENSHOTS, "escalate-options.png") });
    await escalate.getByTestId("modal-cancel").click();
    await escalate.waitFor({ state: "detached", ...WAIT });

    // "Then /incident resolve, /incident postmortem and Publish."
    await say("/incident resolve");
    await page.getByTestId("modal").waitFor(WAIT);
    await fillForm({ resolution: "Rebuilt the invalid orders_email_key index concurrently; database CPU fell back under 70%." });
    await header.filter({ hasText: "resolved" }).waitFor(WAIT);

    await say("/incident postmortem");
    const preview = page.getByTestId("message").filter({ hasText: "Post-mortem draft" }).filter({ has: page.getByTestId("button-postmortem_publish") }).last();
    await preview.waitFor(WAIT);
    await preview.getByTestId("button-postmortem_publish").click();
    // Impact and Root Cause were never written: Publish asks first, and Alex publishes anyway.
    await ephemeral("Publish anyway?").getByTestId("button-postmortem_publish_anyway").click();

    const rendered = page.getByTestId("repository").locator('[data-testid="repo-file-rendered"][data-path^="postmortems/"]').first();
    await rendered.waitFor(WAIT);
    // Drawn as a document: headings and the timeline table, not markdown source.
    for (const heading of ["TL;DR", "Timeline", "Root Cause", "Remediations"]) await rendered.locator("h2", { hasText: heading }).first().waitFor(WAIT);
    expect(await rendered.locator("table").count()).toBeGreaterThan(0);
    // The chart of database CPU, committed beside the document, is shown in it (issue 15).
    const chart = rendered.locator("img").first();
    await chart.waitFor(WAIT);
    expect(await chart.getAttribute("alt")).toBe("orders database CPU % during the incident");
    expect(await chart.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(800);
    const source = (await page.getByTestId("repository").locator('[data-testid="repo-file-content"][data-path^="postmortems/"]').first().textContent()) ?? "";
    expect(source).toContain("Fail over to the backup cluster");
    // Looking again commits nothing: the branch's commit is the one Publish made.
    const commit = page.getByTestId("repository").locator(".branch-commit").first();
    const sha = await commit.textContent();
    await page.reload();
    await page.getByTestId("repository").locator('[data-testid="repo-file-rendered"]').first().waitFor(WAIT);
    expect(await page.getByTestId("repository").locator(".branch-commit").first().textContent()).toBe(sha);
    await rendered.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, "postmortem-repository.png") });

    // The pull request link goes to the sandbox's stand-in for GitHub.
    const published = message("Post-mortem published for review").last();
    await published.waitFor(WAIT);
    // Slack links a bare URL; the sandbox page does too.
    const prLink = await published.locator("a", { hasText: "/pull/" }).first().getAttribute("href");
    expect(prLink).toMatch(new RegExp(`^${demo!.url}github/acme/postmortems/pull/\\d+$`));
    const prPage = await browser!.newPage();
    await prPage.goto(prLink!);
    expect(await prPage.getByTestId("vendor-title").textContent()).toContain("INC-1");
    await prPage.close();

    // A DM from Firebreak (as a nudge or an answer that could reach Dev no other way is sent: a
    // chat.postMessage to his user id) shows under Direct messages for him, and for nobody else.
    const slack = demo!.handles.slack;
    const sent = await fetch(`${slack.url}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${slack.botToken}`, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ channel: dev.id, text: "Reminder: INC-1 has no update for 30 minutes." }),
    }).then((r) => r.json() as Promise<{ ok: boolean }>);
    expect(sent.ok).toBe(true);
    await switchTo(dev);
    await page.getByTestId("dm-count").filter({ hasText: "1" }).waitFor(WAIT);
    await page.getByTestId("channel-dm").click();
    await message("Reminder: INC-1 has no update for 30 minutes.").waitFor(WAIT);
    await switchTo(alex);
    await page.getByTestId("channel-dm").waitFor(WAIT);
    expect(await page.getByTestId("dm-count").count()).toBe(0);
    expect(await message("Reminder: INC-1 has no update").count()).toBe(0);
  }, 600_000);
});
