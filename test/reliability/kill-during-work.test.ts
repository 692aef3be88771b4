// `firebreak serve` killed with SIGKILL at random moments — while pages are being turned into
// incident channels, and while a playbook runs — then restarted on the same database. Nothing a
// vendor was told was accepted may be lost or done twice, and no step that is not safe to repeat
// may run twice. Kill moments come from the suite seed, printed on failure.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { createPgDriver } from "../../src/adapters/store/pg-driver.js";
import { createStore, type SqlStore } from "../../src/adapters/store/store.js";
import type { StepRun } from "../../src/domain/playbook-run.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { writePlaybookConfig } from "../helpers/playbook-dir.js";
import { buttonClick, interaction, viewSubmitted } from "../helpers/slack-payloads.js";
import { deliverUntilAccepted } from "./helpers/redelivery.js";
import { createRandom, printSeedOnFailure, suiteSeed } from "./helpers/seed.js";
import { kill, killAll, printLogsOnFailure, serve, type Served } from "./helpers/serve-process.js";
import { startVendors, type Vendors } from "./helpers/vendors.js";

const seed = suiteSeed();
const random = createRandom(seed);
const dir = tempDir();
let vendors: Vendors;
let store: SqlStore;
let env: Record<string, string>;
let served: Served;

const drill = `id: crash-drill
title: Crash drill
description: Notes and waits; some steps are safe to repeat, some are not.
steps:
  - { id: prepare, title: Prepare, action: incident.note, with: { text: "prepare {{ incident.id }}" }, idempotent: true }
  - { id: settle, title: Let it settle, action: wait, with: { duration: 1s }, idempotent: true }
  - { id: change, title: Make the change, action: incident.note, with: { text: "change {{ incident.id }}" }, approval: { from: commander } }
  - { id: hold, title: Hold the change, action: wait, with: { duration: 1s } }
  - { id: record, title: Record the outcome, action: incident.note, with: { text: "record {{ incident.id }}" } }
`;

beforeAll(async () => {
  // Slack answering in 20–80 ms keeps channel work in flight when the kill lands.
  vendors = await startVendors({ slackLatencyMs: random.int(20, 80) });
  const databaseUrl = await createTestDatabaseUrl();
  store = createStore(createPgDriver({ connectionString: databaseUrl, max: 3 }));
  env = { ...vendors.env, DATABASE_URL: databaseUrl, FIREBREAK_CONFIG: writePlaybookConfig(dir.path, { "drill.yaml": drill }) };
  served = await serve(env);
});
beforeEach(() => {
  printSeedOnFailure(seed);
  printLogsOnFailure(/"level":"(warn|error|fatal)"|delivery ignored/);
});
afterAll(async () => {
  await killAll();
  await store.close();
  await vendors.stop();
  dir.remove();
});

async function killAndRestart(whileDead: () => Promise<void> = async () => undefined): Promise<void> {
  await kill(served.cli);
  await whileDead();
  // The dead process's leases (jobs 60 s, steps 30 s) would run out on their own; expire them now.
  await store.sql.query("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE status = 'running'");
  await store.sql.query("UPDATE step_runs SET lease_expires_at = now() - interval '1 second' WHERE lease_owner IS NOT NULL");
  served = await serve(env);
}

/** No job is due or running: everything accepted so far has been worked off. */
async function settled(): Promise<boolean> {
  const [row] = await store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE status IN ('pending','running') AND run_at <= now()");
  return row!.n === 0;
}

it("loses nothing and does nothing twice when killed while pages become incident channels", async () => {
  const rounds = 3;
  const pages: { pdIncident: string; title: string; events: { type: string; id: string; note?: string }[] }[] = [];
  for (let round = 1; round <= rounds; round++) {
    const batch = Array.from({ length: 3 }, (_, n) => {
      const pdIncident = `PKILL${round}${n}`;
      const title = `Kill drill ${round}-${n} checkout errors`;
      vendors.pagerduty.addIncident({ id: pdIncident, title });
      const events = [
        { type: "incident.triggered", id: `${pdIncident}-triggered` },
        { type: "incident.acknowledged", id: `${pdIncident}-acknowledged` },
        { type: "incident.annotated", id: `${pdIncident}-annotated`, note: `note for ${pdIncident}` },
      ];
      return { pdIncident, title, events };
    });
    pages.push(...batch);
    // Each PagerDuty incident's events arrive in order, each retried until it is accepted.
    const senders = batch.map(async ({ pdIncident, title, events }) => {
      for (const event of events) {
        const body = pagerdutyEvent(event.type, { eventId: event.id, incidentId: pdIncident, title });
        if (event.note) ((body.event as { data: { content: string } }).data.content = event.note);
        const init = pagerdutyDelivery(body, vendors.secrets.pagerdutyWebhookSecrets[0]!, `webhook-${event.id}`);
        await deliverUntilAccepted(() => `${served.base}/webhooks/pagerduty`, () => init);
      }
    });
    await sleep(random.int(0, 900));
    await killAndRestart();
    await Promise.all(senders);
  }

  await eventually(settled, Boolean, 40_000);
  const incidents = await store.incidents.list();
  const created = vendors.slack.calls("conversations.create").filter((c) => c.response.body.ok === true).map((c) => String(c.args.name));
  for (const page of pages) {
    const mine = incidents.filter((i) => i.pagerdutyIncidentId === page.pdIncident);
    expect(mine, `${page.pdIncident}: one incident`).toHaveLength(1);
    const incident = mine[0]!;
    expect(incident.headerTs && incident.announcementTs, `${page.pdIncident}: header and announcement recorded`).toBeTruthy();
    const slug = page.title.toLowerCase().replaceAll(" ", "-");
    expect(created.filter((name) => name.includes(slug)), `${page.pdIncident}: one channel`).toHaveLength(1);
    const headers = vendors.slack.messages(incident.channelId!).filter((m) => m.text?.includes(`INC-${incident.id} SEV`));
    expect(headers, `INC-${incident.id}: one header`).toHaveLength(1);
    expect(vendors.slack.pins(incident.channelId!), `INC-${incident.id}: one pin`).toHaveLength(1);
    const announcements = vendors.slack.messages(vendors.incidentsChannel).filter((m) => m.text?.includes(`INC-${incident.id} (`));
    expect(announcements, `INC-${incident.id}: one announcement`).toHaveLength(1);

    const timeline = await store.timeline.list(incident.id);
    for (const event of page.events) {
      const entries = timeline.filter((e) => e.sourceKey === `pagerduty:${event.id}`);
      expect(entries.map((e) => e.text), `${event.type} ${event.id} exactly once on INC-${incident.id}'s timeline`).toHaveLength(1);
      if (event.note) expect(entries[0]!.text).toContain(event.note);
    }
    const kinds = timeline.map((e) => e.kind);
    for (const kind of ["channel", "header", "announcement"]) expect(kinds.filter((k) => k === kind), `INC-${incident.id}: one ${kind} entry among ${kinds.join(", ")}`).toHaveLength(1);
  }
}, 120_000);

// Where each round's kill lands: in an idempotent step, in one that is not safe to repeat, anywhere.
const killPoints = [
  { position: 1, within: 600 },
  { position: 3, within: 600 },
  { position: undefined, within: 3_000 },
] as const;

it("never runs a step that is not safe to repeat twice when killed during a playbook run", async () => {
  const commander = vendors.slack.addUser({ name: "kim", email: "kim@example.com" });
  // Steps that cannot be undone need an approver other than whoever started the run.
  const starter = vendors.slack.addUser({ name: "lee", email: "lee@example.com" });
  const titles = ["Prepare", "Let it settle", "Make the change", "Hold the change", "Record the outcome"];
  for (const [round, point] of killPoints.entries()) {
    const channel = vendors.slack.addChannel({ name: `inc-drill-${round}`, members: [commander, starter] });
    const created = await store.incidents.create({ title: `Drill ${round}`, severity: "SEV3", source: "slack", detectedAt: new Date(), commander });
    const incident = (await store.incidents.update(created.id, created.version, { channelId: channel }))!;
    const slack = (payload: unknown) => fetch(`${served.base}/slack/events`, interaction(vendors.secrets.slackSigningSecret, payload)).then((r) => r.status, () => 0);

    await slack(buttonClick({ actionId: "playbook_choose", value: JSON.stringify({ incidentId: incident.id, playbookId: "crash-drill" }), userId: starter, channelId: channel, triggerId: vendors.slack.issueTrigger() }));
    const modal = await eventually(() => vendors.slack.views().find((v) => String(v.private_metadata).includes(`"incidentId":${incident.id}`)), Boolean);
    await slack(viewSubmitted(modal!, starter, {}));
    const [runId] = await eventually(() => store.runs.forIncident(incident.id), (ids) => ids.length === 1);

    // The people in the channel: the commander approves what asks for approval and skips what was interrupted.
    const clicked = new Set<string>();
    const shownInterrupted: number[] = [];
    const click = async (actionId: string, step: StepRun) => {
      const key = `${actionId}:${step.id}:${step.version}`;
      if (clicked.has(key)) return;
      clicked.add(key);
      const value = JSON.stringify({ runId, position: step.position, version: step.version, round: step.round });
      await slack(buttonClick({ actionId, value, userId: commander, channelId: channel }));
    };
    let restarted = false;
    const people = (async () => {
      for (const deadline = Date.now() + 45_000; Date.now() < deadline; await sleep(100)) {
        const run = (await store.runs.get(runId!))!;
        if (run.state !== "running" && restarted) return run;
        for (const step of run.steps) {
          if (step.state === "awaiting_approval") await click("step_approve", step);
          if (step.state !== "interrupted") continue;
          const text = `Step ${step.position + 1}/5 · ${titles[step.position]}: interrupted`;
          const message = await eventually(() => vendors.slack.messages(channel).find((m) => m.text === text), Boolean);
          for (const label of ["Retry", "Skip", "Abort run"]) expect(JSON.stringify(message!.blocks), `${text} offers ${label}`).toContain(`"text":"${label}"`);
          if (!shownInterrupted.includes(step.position)) shownInterrupted.push(step.position);
          await click("step_skip", step);
        }
      }
      throw new Error(`run ${runId} did not finish; steps: ${JSON.stringify((await store.runs.get(runId!))!.steps.map((s) => s.state))}`);
    })();
    // An expectation failing while the process is down must fail the test, not escape as unhandled.
    people.catch(() => undefined);
    if (point.position !== undefined) await eventually(async () => (await store.runs.get(runId!))!.steps[point.position]!.state, (state) => state === "running");
    await sleep(random.int(0, point.within));
    let atKill: StepRun[] = [];
    await killAndRestart(async () => {
      atKill = (await store.runs.get(runId!))!.steps;
    });
    // A click answered just before the kill may not have been recorded: the person clicks again.
    clicked.clear();
    restarted = true;
    const run = await people;

    const label = `round ${round}, killed with steps ${atKill.map((s) => s.state).join(", ")}`;
    expect(run.state, label).toBe("succeeded");
    const notes = (await store.timeline.list(incident.id)).map((e) => e.text);
    const count = (text: string) => notes.filter((t) => t === text).length;
    for (const step of run.steps) {
      const def = run.playbook.steps[step.position]!;
      const killedMidStep = atKill[step.position]!.state === "running";
      if (def.idempotent) {
        // Safe to repeat: it may have run twice, but it completed.
        expect(step.state, `${step.stepId}: ${label}`).toBe("succeeded");
        if (killedMidStep) expect(step.attempt, `${step.stepId} ran again after the kill: ${label}`).toBe(2);
      } else {
        // Not safe to repeat: started at most once; if the kill caught it running, it waited for a person.
        expect(step.attempt, `${step.stepId} attempts: ${label}`).toBeLessThanOrEqual(1);
        expect(step.state, `${step.stepId}: ${label}`).toBe(killedMidStep ? "skipped" : "succeeded");
        if (killedMidStep) expect(shownInterrupted, `${step.stepId} shown as interrupted: ${label}`).toContain(step.position);
      }
    }
    expect(count(`prepare ${incident.id}`), label).toBeGreaterThanOrEqual(1);
    for (const id of ["change", "record"]) {
      const written = count(`${id} ${incident.id}`);
      expect(written, `${id} notes: ${label}`).toBeLessThanOrEqual(1);
      if (run.steps.find((s) => s.stepId === id)!.state === "succeeded") expect(written, `${id} notes: ${label}`).toBe(1);
    }
  }
}, 120_000);
