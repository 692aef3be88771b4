// Fifty people press Approve at once, on two Firebreak replicas sharing one PostgreSQL: the
// step runs exactly once, with exactly the approvals it needed.
import { afterAll, beforeAll, expect, it } from "vitest";
import pg from "pg";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { writePlaybookConfig } from "../helpers/playbook-dir.js";
import { buttonClick, interaction, viewSubmitted } from "../helpers/slack-payloads.js";

const dir = tempDir();
let slack: SlackEmulator;
let a: Harness;
let b: Harness;
let url: string;
let approvers: string[];

beforeAll(async () => {
  slack = createSlackEmulator();
  await slack.start();
  approvers = Array.from({ length: 50 }, (_, n) => slack.addUser({ name: `oncall${n}`, email: `oncall${n}@example.com` }));
  const config = writePlaybookConfig(
    dir.path,
    {
      "guarded.yaml": `id: guarded-note
title: Guarded note
description: One note, behind two approvals from the on-call group.
steps:
  - id: note
    title: Write the guarded note
    action: incident.note
    with: { text: "guarded note ran" }
    approval: { from: { group: oncall }, count: 2 }
`,
    },
    `approver_groups:\n  oncall: { users: [${approvers.join(", ")}] }\n`,
  );
  url = await createTestDatabaseUrl();
  a = await startHarness({ database: { DATABASE_URL: url }, env: { FIREBREAK_CONFIG: config }, slack });
  b = await startHarness({ database: { DATABASE_URL: url }, env: { FIREBREAK_CONFIG: config }, slack });
});
afterAll(async () => {
  await a.stop();
  await b.stop();
  await slack.stop();
  dir.remove();
});

it("runs the step exactly once however many approve clicks arrive, on whichever replica", async () => {
  const channel = slack.addChannel({ name: "inc-concurrent", members: approvers });
  const created = await a.store.incidents.create({ title: "Concurrent approvals", severity: "SEV2", source: "slack", detectedAt: new Date(), commander: approvers[0]! });
  const incident = (await a.store.incidents.update(created.id, created.version, { channelId: channel }))!;
  // Started the way a person starts it: choose the playbook, submit its (empty) params form.
  await fetch(`${a.base}/slack/events`, interaction(SIGNING_SECRET, buttonClick({ actionId: "playbook_choose", value: JSON.stringify({ incidentId: incident.id, playbookId: "guarded-note" }), userId: "UREQUESTER", channelId: channel, triggerId: slack.issueTrigger() })));
  const modal = await eventually(() => slack.views().find((v) => v.callback_id === "playbook_params"), Boolean);
  expect((await fetch(`${b.base}/slack/events`, interaction(SIGNING_SECRET, viewSubmitted(modal!, "UREQUESTER", {})))).status).toBe(200);

  const message = await eventually(() => slack.messages(channel).find((m) => m.text?.endsWith("awaiting approval")), Boolean);
  const value = JSON.stringify((message!.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((x) => x.type === "actions")!.elements![0]!.value);
  const clicks = approvers.map((user, n) =>
    fetch(`${(n % 2 === 0 ? a : b).base}/slack/events`, interaction(SIGNING_SECRET, buttonClick({ actionId: "step_approve", value: JSON.parse(value), userId: user, channelId: channel }))),
  );
  expect((await Promise.all(clicks)).map((r) => r.status)).toEqual(approvers.map(() => 200));

  const notes = await eventually(
    async () => (await a.store.timeline.list(incident.id)).filter((e) => e.text === "guarded note ran"),
    (n) => n.length >= 1,
  );
  // Any duplicate would be a step or job running or due; once both replicas are idle, none is.
  await a.drain();
  await b.drain();
  expect((await a.store.timeline.list(incident.id)).filter((e) => e.text === "guarded note ran")).toHaveLength(notes.length);
  expect(notes).toHaveLength(1);

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT s.state, s.attempt, count(a.id)::int AS approvals FROM step_runs s LEFT JOIN approvals a ON a.step_run_id = s.id GROUP BY s.id");
    expect(rows).toEqual([{ state: "succeeded", attempt: 1, approvals: 2 }]);
  } finally {
    await client.end();
  }
  // Everyone else was told why their click did nothing.
  const refusals = await eventually(() => slack.ephemerals(channel), (e) => e.length === 48);
  const reasons = [...new Set(refusals.map((e) => e.text))];
  expect(reasons.every((t) => /out of date|no longer applies|already approved/.test(t ?? ""))).toBe(true);
});
