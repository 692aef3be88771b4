// Who may approve a waiting step is fixed when approval is requested, and stored with the
// request. Every way to reach an approval, through signed Slack requests on two Firebreak
// replicas sharing one PostgreSQL (so eligibility comes from the database, not one process's
// memory): taking command yourself, a proper handover, the role command, a group's membership
// changing, "Re-request approval", and an expired request asked again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import type { Incident } from "../../src/domain/incident.js";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { writePlaybookConfig } from "../helpers/playbook-dir.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

const guarded = `id: guarded
title: Guarded
description: One irreversible note behind the commander or the dba group.
steps:
  - id: drop
    title: Drop the old index
    action: incident.note
    with: { text: "guarded step ran" }
    approval: { from: [commander, { group: dba }] }
`;
const RAN = "guarded step ran";

const dir = tempDir();
let slack: SlackEmulator;
let a: Harness;
let b: Harness;
let url: string;
let offsetMs = 0;
let dbaGroup: string;
const people: Record<"cmd" | "next" | "mallory" | "req" | "dba" | "newdba", string> = { cmd: "", next: "", mallory: "", req: "", dba: "", newdba: "" };

beforeAll(async () => {
  slack = createSlackEmulator();
  await slack.start();
  for (const name of Object.keys(people) as (keyof typeof people)[]) people[name] = slack.addUser({ name, email: `${name}@example.com` });
  dbaGroup = slack.addUserGroup({ handle: "dba", users: [people.dba] });
  const config = writePlaybookConfig(dir.path, { "guarded.yaml": guarded }, `approver_groups:\n  dba: { usergroup: ${dbaGroup} }\n`);
  url = await createTestDatabaseUrl();
  // The clock moves only for the expiry test, and for both replicas alike.
  const now = () => new Date(Date.now() + offsetMs);
  a = await startHarness({ database: { DATABASE_URL: url }, env: { FIREBREAK_CONFIG: config }, slack, now });
  b = await startHarness({ database: { DATABASE_URL: url }, env: { FIREBREAK_CONFIG: config }, slack, now });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await slack?.stop();
  dir.remove();
});

type Block = { type: string; elements?: { action_id: string; value: string }[] };
let channelCount = 0;

async function newIncident(): Promise<{ incident: Incident; channel: string }> {
  const channel = slack.addChannel({ name: `inc-eligibility-${++channelCount}`, members: Object.values(people) });
  const created = await a.store.incidents.create({ title: `Eligibility ${channelCount}`, severity: "SEV2", source: "slack", detectedAt: new Date(), commander: people.cmd });
  return { incident: (await a.store.incidents.update(created.id, created.version, { channelId: channel }))!, channel };
}

const post = (h: Harness, init: RequestInit) => fetch(`${h.base}/slack/events`, init);
const click = (h: Harness, actionId: string, value: string, userId: string, channelId: string) => post(h, interaction(SIGNING_SECRET, buttonClick({ actionId, value, userId, channelId, triggerId: slack.issueTrigger() })));
const command = async (h: Harness, userId: string, channelId: string, text: string) => (await (await post(h, slashCommand(SIGNING_SECRET, { text, userId, channelId, triggerId: slack.issueTrigger() }))).json()) as { text: string };

/** Starts the guarded playbook the way a person does: choose it, submit its (empty) form. */
async function startRun(h: Harness, incident: Incident, channel: string, userId = people.req): Promise<void> {
  const before = slack.views().length;
  await click(h, "playbook_choose", JSON.stringify({ incidentId: incident.id, playbookId: "guarded" }), userId, channel);
  const modal = (await eventually(() => slack.views().slice(before).find((v) => v.callback_id === "playbook_params"), Boolean))!;
  expect((await post(h, interaction(SIGNING_SECRET, viewSubmitted(modal, userId, {})))).status).toBe(200);
}

/** The step message's button value once it is waiting for approval in round `round`. */
async function waiting(channel: string, round: number, actionId = "step_approve"): Promise<string> {
  const message = await eventually(
    () => slack.messages(channel).find((m) => m.text?.startsWith("Step 1/1") && m.text.endsWith("awaiting approval") && JSON.stringify(m.blocks).includes(`\\"round\\":${round}`)),
    Boolean,
  );
  return (message!.blocks as Block[]).find((x) => x.type === "actions")!.elements!.find((e) => e.action_id === actionId)!.value;
}
const stepMessage = (channel: string) => slack.messages(channel).find((m) => m.text?.startsWith("Step 1/1"))!;
const refusalsFor = (channel: string, userId: string, count = 1) => eventually(() => slack.ephemerals(channel).filter((e) => e.user === userId), (e) => e.length >= count);
const texts = async (incident: Incident) => (await a.store.timeline.list(incident.id)).map((e) => e.text);
const ran = async (incident: Incident) => (await texts(incident)).filter((t) => t === RAN).length;

async function stepRow(incident: Incident): Promise<{ state: string; round: number; approvals: number; eligible: unknown }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT s.state, s.round, s.eligible, (SELECT count(*)::int FROM approvals x WHERE x.step_run_id = s.id) AS approvals
       FROM step_runs s JOIN playbook_runs r ON r.id = s.run_id WHERE r.incident_id = $1`,
      [incident.id],
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

/** Replaces the dba user group's members, as a Slack admin would. */
async function setDbaMembers(users: string[]): Promise<void> {
  const response = await fetch(`${slack.url}usergroups.users.update`, {
    method: "POST",
    headers: { authorization: `Bearer ${slack.botToken}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ usergroup: dbaGroup, users: users.join(",") }).toString(),
  });
  expect(await response.json()).toMatchObject({ ok: true });
}

describe("approving a waiting step", () => {
  it("is refused to someone who made themselves commander after the request; the takeover is announced and the previous commander reverts it", async () => {
    const { incident, channel } = await newIncident();
    await startRun(a, incident, channel);
    const value = await waiting(channel, 1);
    expect(await stepRow(incident)).toMatchObject({ state: "awaiting_approval", eligible: { commander: people.cmd, users: [], groups: [{ name: "dba", members: [people.dba] }] } });

    // Mallory, who approves nothing, takes command on one replica and presses Approve on the other.
    expect((await command(a, people.mallory, channel, `commander <@${people.mallory}>`)).text).toBe(
      `<@${people.mallory}> now commands INC-${incident.id}. This was announced in the channel, and <@${people.cmd}> can revert it.`,
    );
    expect((await a.store.incidents.get(incident.id))!.commander).toBe(people.mallory);
    await click(b, "step_approve", value, people.mallory, channel);
    const [refusal] = await refusalsFor(channel, people.mallory);
    expect(refusal!.text).toBe(
      `:no_entry_sign: Only <@${people.cmd}> (commander when approval was requested) or members of dba (<@${people.dba}>) can approve “Drop the old index”. Approvers were fixed when approval was requested, before you took command; the person who started the run or a commander handed command can press *Re-request approval* to ask again.`,
    );
    // Nor can Mallory re-request approval to get into the set.
    await click(a, "step_rerequest", value, people.mallory, channel);
    expect((await refusalsFor(channel, people.mallory, 2))[1]!.text).toContain("You took command yourself, so you cannot re-request approval");
    expect(await stepRow(incident)).toMatchObject({ state: "awaiting_approval", round: 1, approvals: 0 });
    expect(await ran(incident)).toBe(0);

    // The takeover is public, with Revert for the commander it displaced, and on the timeline.
    const notice = await eventually(() => slack.messages(channel).find((m) => m.text?.startsWith(":rotating_light:")), Boolean);
    expect(notice!.text).toBe(`:rotating_light: <@${people.mallory}> took command of INC-${incident.id} from <@${people.cmd}>. <@${people.cmd}>, if that was not agreed, press Revert to take command back.`);
    expect(await texts(incident)).toContain(`<@${people.mallory}> is now incident commander (was <@${people.cmd}>), taken over by <@${people.mallory}> without <@${people.cmd}> handing over`);
    const revert = (notice!.blocks as Block[]).find((x) => x.type === "actions")!.elements![0]!;
    expect(revert.action_id).toBe("command_revert");
    // Only the displaced commander may press it.
    await click(b, "command_revert", revert.value, people.req, channel);
    expect((await refusalsFor(channel, people.req))[0]!.text).toBe(`:no_entry_sign: Only <@${people.cmd}>, who commanded INC-${incident.id} before, can revert this change of command.`);
    await click(b, "command_revert", revert.value, people.cmd, channel);
    await eventually(() => a.store.incidents.get(incident.id), (i) => i?.commander === people.cmd);
    await eventually(() => slack.messages(channel), (m) => m.some((x) => x.text === `:leftwards_arrow_with_hook: <@${people.cmd}> reverted the change of command: <@${people.cmd}> commands INC-${incident.id} again (instead of <@${people.mallory}>).`));
    expect(await texts(incident)).toContain(`<@${people.cmd}> reverted the change of command and commands again (was <@${people.mallory}>)`);

    // The commander at request time approves; the step runs once.
    await click(a, "step_approve", value, people.cmd, channel);
    // The step's note lands before its state is committed as succeeded: wait for the state.
    await eventually(() => stepRow(incident), (row) => row.state === "succeeded");
    expect(await stepRow(incident)).toMatchObject({ state: "succeeded", approvals: 1 });
    expect(await ran(incident)).toBe(1);
  });

  it("is refused to someone who took command with `/incident role commander`, too", async () => {
    const { incident, channel } = await newIncident();
    await startRun(b, incident, channel);
    const value = await waiting(channel, 1);
    expect((await command(b, people.mallory, channel, `role commander <@${people.mallory}>`)).text).toContain("This was announced in the channel");
    await click(a, "step_approve", value, people.mallory, channel);
    expect((await refusalsFor(channel, people.mallory))[0]!.text).toContain("before you took command");
    expect(await stepRow(incident)).toMatchObject({ state: "awaiting_approval", approvals: 0 });
    expect(await ran(incident)).toBe(0);
  });

  it("stays with the commander who handed over after the request, not the new one, on either replica", async () => {
    const { incident, channel } = await newIncident();
    await startRun(a, incident, channel);
    const value = await waiting(channel, 1);
    // A handover by the commander is not a takeover: no announcement, nothing to revert.
    expect((await command(b, people.cmd, channel, `commander <@${people.next}>`)).text).toBe(`<@${people.next}> now commands INC-${incident.id}.`);
    await click(a, "step_approve", value, people.next, channel);
    expect((await refusalsFor(channel, people.next))[0]!.text).toContain(`Only <@${people.cmd}> (commander when approval was requested) or members of dba`);
    expect(await stepRow(incident)).toMatchObject({ state: "awaiting_approval", approvals: 0 });
    await click(b, "step_approve", value, people.cmd, channel);
    await eventually(() => ran(incident), (n) => n === 1);
    expect(slack.messages(channel).some((m) => m.text?.startsWith(":rotating_light:"))).toBe(false);
  });

  it("follows the approver group: a member added after the request is refused, one removed before clicking is refused; Re-request picks up the group as it is now", async () => {
    await setDbaMembers([people.dba]);
    const { incident, channel } = await newIncident();
    await startRun(a, incident, channel);
    const first = await waiting(channel, 1);
    await setDbaMembers([people.newdba]);

    await click(b, "step_approve", first, people.newdba, channel);
    expect((await refusalsFor(channel, people.newdba))[0]!.text).toBe(
      `:no_entry_sign: Only the incident commander (<@${people.cmd}>) or members of dba (<@${people.dba}>) can approve “Drop the old index”.`,
    );
    await click(a, "step_approve", first, people.dba, channel);
    expect((await refusalsFor(channel, people.dba))[0]!.text).toContain("You are no longer in the approver group that made you eligible.");
    expect(await stepRow(incident)).toMatchObject({ state: "awaiting_approval", round: 1, approvals: 0 });

    // Someone who is neither the starter nor the commander cannot re-request.
    await click(a, "step_rerequest", first, people.newdba, channel);
    expect((await refusalsFor(channel, people.newdba, 2))[1]!.text).toBe(
      `:no_entry_sign: Only <@${people.req}>, who started the run, or the incident commander (<@${people.cmd}>) can re-request approval for “Drop the old index”.`,
    );
    // The starter re-requests: a new round, with the set as it is now, recorded with who asked.
    await click(b, "step_rerequest", first, people.req, channel);
    const second = await waiting(channel, 2);
    expect(await texts(incident)).toContain(`<@${people.req}> re-requested approval for “Drop the old index”; may approve now: the incident commander (<@${people.cmd}>) or members of dba (<@${people.newdba}>)`);
    expect(await stepRow(incident)).toMatchObject({ round: 2, eligible: { commander: people.cmd, users: [], groups: [{ name: "dba", members: [people.newdba] }] } });
    expect(JSON.stringify(stepMessage(channel).blocks)).toContain(`may approve: the incident commander (<@${people.cmd}>) or members of dba (<@${people.newdba}>)`);
    // The old message's buttons are out of date.
    await click(a, "step_approve", first, people.newdba, channel);
    expect((await refusalsFor(channel, people.newdba, 3))[2]!.text).toContain("This message is out of date");
    await click(a, "step_approve", second, people.newdba, channel);
    // The step's note lands before its state is committed as succeeded: wait for the state.
    await eventually(() => stepRow(incident), (row) => row.state === "succeeded");
    expect(await stepRow(incident)).toMatchObject({ state: "succeeded", round: 2, approvals: 1 });
    expect(await ran(incident)).toBe(1);
  });

  it("says plainly when nobody but the starter could approve an irreversible step, and names the fix", async () => {
    await setDbaMembers([people.req]);
    const { incident, channel } = await newIncident();
    await a.store.incidents.update(incident.id, incident.version, { commander: people.req });
    await startRun(a, incident, channel);
    await waiting(channel, 1);
    expect(JSON.stringify(stepMessage(channel).blocks)).toContain(
      `:warning: Nobody but <@${people.req}>, who started the run, can approve this step, and it cannot be undone, so they may not approve it themselves. Add an approver (to the approver group in firebreak.yaml or its Slack user group), or hand over command with \`/incident commander @someone\`, then press *Re-request approval*.`,
    );
    // The fix: hand over command, and re-request.
    await command(a, people.req, channel, `commander <@${people.cmd}>`);
    await click(b, "step_rerequest", await waiting(channel, 1), people.req, channel);
    await waiting(channel, 2);
    expect(JSON.stringify(stepMessage(channel).blocks)).not.toContain(":warning: Nobody");
    await click(a, "step_approve", await waiting(channel, 2), people.cmd, channel);
    await eventually(() => ran(incident), (n) => n === 1);
    await setDbaMembers([people.dba]);
  });

  it("does not make someone who took command an approver by outwaiting the request", async () => {
    const { incident, channel } = await newIncident();
    await startRun(a, incident, channel);
    await waiting(channel, 1);
    await command(a, people.mallory, channel, `commander <@${people.mallory}>`);
    offsetMs += 16 * 60_000; // the request expires and is asked again
    const second = await waiting(channel, 2);
    expect(await stepRow(incident)).toMatchObject({ round: 2, eligible: { commander: people.cmd } });
    await click(b, "step_approve", second, people.mallory, channel);
    expect((await refusalsFor(channel, people.mallory))[0]!.text).toContain(`Only <@${people.cmd}>`);
    expect(await ran(incident)).toBe(0);
    await click(a, "step_approve", second, people.cmd, channel);
    await eventually(() => ran(incident), (n) => n === 1);
  });

  it("asks an expired request again of the approvers as they are then", async () => {
    const { incident, channel } = await newIncident();
    await startRun(b, incident, channel);
    const first = await waiting(channel, 1);
    await command(a, people.cmd, channel, `commander <@${people.next}>`);
    await click(a, "step_approve", first, people.next, channel);
    expect((await refusalsFor(channel, people.next))[0]!.text).toContain("commander when approval was requested");

    offsetMs += 16 * 60_000; // the 15-minute expiry passes on both replicas' clocks
    const second = await waiting(channel, 2);
    expect(await texts(incident)).toContain(`Approval for “Drop the old index” expired unanswered; asked again of the incident commander (<@${people.next}>) or members of dba (<@${people.dba}>)`);
    expect(await stepRow(incident)).toMatchObject({ round: 2, eligible: { commander: people.next } });
    // The commander at the new request approves; the one who handed over is no longer in the set.
    await click(b, "step_approve", second, people.cmd, channel);
    expect((await refusalsFor(channel, people.cmd))[0]!.text).toContain(`Only the incident commander (<@${people.next}>) or members of dba`);
    await click(a, "step_approve", second, people.next, channel);
    await eventually(() => ran(incident), (n) => n === 1);
  });
});
