// A worker killed (SIGKILL) in the middle of a step: after a restart the step is `interrupted`,
// shown in Slack with Retry / Skip / Abort, and nothing was run a second time.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPgDriver } from "../../src/adapters/store/pg-driver.js";
import { createStore, type SqlStore } from "../../src/adapters/store/store.js";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { spawnCli, type CliProcess } from "../helpers/cli-process.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, SIGNING_SECRET } from "../helpers/harness.js";
import { writePlaybookConfig } from "../helpers/playbook-dir.js";
import { storeIdle } from "../helpers/store-idle.js";
import { freePort } from "../helpers/postgres-server.js";
import { buttonClick, interaction, viewSubmitted } from "../helpers/slack-payloads.js";

const dir = tempDir();
let slack: SlackEmulator;
let store: SqlStore;
let env: Record<string, string>;
const children: CliProcess[] = [];

beforeAll(async () => {
  slack = createSlackEmulator();
  const { url: slackUrl } = await slack.start();
  const config = writePlaybookConfig(dir.path, {
    "slow.yaml": `id: slow-change
title: Slow change
description: One long step that is not safe to run twice.
steps:
  - { id: change, title: Make the slow change, action: wait, with: { duration: 30s }, idempotent: false }
`,
  });
  const databaseUrl = await createTestDatabaseUrl();
  env = { SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slackUrl, DATABASE_URL: databaseUrl, FIREBREAK_CONFIG: config, LOG_LEVEL: "info" };
  store = createStore(createPgDriver({ connectionString: databaseUrl }));
});
afterAll(async () => {
  for (const child of children) if (child.child.exitCode === null) child.child.kill("SIGKILL");
  await store.close();
  await slack.stop();
  dir.remove();
});

async function serve(): Promise<string> {
  const port = await freePort();
  const cli = spawnCli(["serve"], { ...env, PORT: String(port) });
  children.push(cli);
  await cli.waitFor(/database ready/);
  return `http://127.0.0.1:${port}`;
}

it("marks a step interrupted after its worker is killed mid-step, and does not run it again", async () => {
  const base = await serve();
  const person = slack.addUser({ name: "cora", email: "cora@example.com" });
  const channel = slack.addChannel({ name: "inc-crash", members: [person] });
  const created = await store.incidents.create({ title: "Crash test", severity: "SEV3", source: "slack", detectedAt: new Date(), commander: person });
  const incident = (await store.incidents.update(created.id, created.version, { channelId: channel }))!;

  await fetch(`${base}/slack/events`, interaction(SIGNING_SECRET, buttonClick({ actionId: "playbook_choose", value: JSON.stringify({ incidentId: incident.id, playbookId: "slow-change" }), userId: person, channelId: channel, triggerId: slack.issueTrigger() })));
  const modal = await eventually(() => slack.views().find((v) => v.callback_id === "playbook_params"), Boolean);
  await fetch(`${base}/slack/events`, interaction(SIGNING_SECRET, viewSubmitted(modal!, person, {})));

  const [runId] = await eventually(() => store.runs.forIncident(incident.id), (ids) => ids.length === 1);
  await eventually(async () => (await store.runs.get(runId!))!.steps[0]!.state, (s) => s === "running");
  const killed = children[0]!;
  killed.child.kill("SIGKILL");
  await killed.exited;

  // The dead worker's lease would run out after its 30 s; move its expiry to now instead of waiting.
  await store.sql.query("UPDATE step_runs SET lease_expires_at = now() - interval '1 second' WHERE run_id = $1", [runId]);
  // So would the lease on any job it held (a step's progress render), which is then run again.
  await store.sql.query("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE status = 'running'");
  await serve();

  const step = await eventually(async () => (await store.runs.get(runId!))!.steps[0]!, (s) => s.state === "interrupted", 15_000);
  expect(step.attempt).toBe(1);
  const message = await eventually(() => slack.messages(channel).find((m) => m.text?.endsWith("interrupted")), Boolean);
  const buttons = JSON.stringify(message!.blocks);
  for (const label of ["Retry", "Skip", "Abort run"]) expect(buttons).toContain(`"text":"${label}"`);
  const timeline = (await store.timeline.list(incident.id)).map((e) => e.text);
  expect(timeline).toContain("Step “Make the slow change” was interrupted: its outcome is unknown, waiting for a decision");
  expect(timeline.some((t) => t.includes("succeeded"))).toBe(false);
  // Still not re-run once the new process has nothing left to do.
  await storeIdle(store);
  expect((await store.runs.get(runId!))!.steps[0]).toMatchObject({ state: "interrupted", attempt: 1 });
});
