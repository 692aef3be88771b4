// firebreak.yaml `permissions`, enforced on the server whichever way a change arrives (slash
// command, header button and its modal, playbook form), each refusal a private sentence saying
// who may.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { eventually, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { notePlaybook, writePlaybookConfig } from "../helpers/playbook-dir.js";
import { buttonClick, interaction, slashCommand, viewSubmitted } from "../helpers/slack-payloads.js";

const dir = tempDir();
let slack: SlackEmulator;
let h: Harness;
let incident: Incident;
let channel: string;
const people: Record<"cmd" | "lead" | "outsider" | "deputy", string> = { cmd: "", lead: "", outsider: "", deputy: "" };

beforeAll(async () => {
  slack = createSlackEmulator();
  await slack.start();
  for (const name of Object.keys(people) as (keyof typeof people)[]) people[name] = slack.addUser({ name, email: `${name}@example.com` });
  const config = writePlaybookConfig(
    dir.path,
    { "note.yaml": notePlaybook },
    `approver_groups:
  leads: { users: [${people.lead}] }
permissions:
  commander: [{ role: deputy }]
  severity: [commander, { group: leads }]
  status: [commander]
  resolve: [commander]
  playbooks: [commander, { role: ops }]
`,
  );
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, env: { FIREBREAK_CONFIG: config }, slack });
  channel = slack.addChannel({ name: "inc-permissions-checkout", members: Object.values(people) });
  const created = await h.store.incidents.create({ title: "Checkout permissions", severity: "SEV3", source: "slack", detectedAt: new Date(), commander: people.cmd });
  incident = (await h.store.incidents.update(created.id, created.version, { channelId: channel }))!;
});
afterAll(async () => {
  await h?.stop();
  await slack?.stop();
  dir.remove();
});

const post = (init: RequestInit) => fetch(`${h.base}/slack/events`, init);
async function command(userId: string, text: string): Promise<string> {
  const body = await (await post(slashCommand(SIGNING_SECRET, { text, userId, channelId: channel, triggerId: slack.issueTrigger() }))).text();
  return body ? (JSON.parse(body) as { text: string }).text : "";
}
const click = (actionId: string, value: string, userId: string) => post(interaction(SIGNING_SECRET, buttonClick({ actionId, value, userId, channelId: channel, triggerId: slack.issueTrigger() })));
async function submitLatest(callbackId: string, userId: string, values: Record<string, unknown>): Promise<unknown> {
  const view = await eventually(() => slack.views().filter((v) => v.callback_id === callbackId).at(-1), Boolean);
  const body = await (await post(interaction(SIGNING_SECRET, viewSubmitted(view!, userId, values)))).text();
  return body ? JSON.parse(body) : {};
}
const input = (value: string) => ({ value: { type: "plain_text_input", value } });
const choice = (value: string) => ({ value: { type: "static_select", selected_option: { value } } });
const current = async () => (await h.store.incidents.get(incident.id))!;
const name = () => `INC-${incident.id}`;

describe("permissions in firebreak.yaml", () => {
  it("refuse a severity change to anyone they do not name, and allow the groups they do", async () => {
    expect(await command(people.outsider, "severity sev1")).toBe(`:no_entry_sign: Only the incident commander (<@${people.cmd}>) or members of leads may change the severity of ${name()}.`);
    expect((await current()).severity).toBe("SEV3");
    expect(await command(people.lead, "severity sev2")).toBe(`${name()} is now SEV2.`);
    expect((await current()).severity).toBe("SEV2");
  });

  it("refuse a status change by command and through the header's status-update form", async () => {
    expect(await command(people.outsider, "status monitoring")).toBe(`:no_entry_sign: Only the incident commander (<@${people.cmd}>) may change the status of ${name()}.`);
    await click("header_update", JSON.stringify({ incidentId: incident.id }), people.outsider);
    expect(await submitLatest("status_update", people.outsider, { status: choice("identified"), severity: choice("SEV2"), summary: input("We know what it is.") })).toEqual({
      response_action: "errors",
      errors: { summary: `Only the incident commander (<@${people.cmd}>) may change the status of ${name()}.` },
    });
    expect((await current()).status).toBe("investigating");
    expect(await command(people.cmd, "status identified")).toBe(`${name()} is now identified.`);
  });

  it("refuse resolving through the header's Resolve form", async () => {
    await click("header_resolve", JSON.stringify({ incidentId: incident.id }), people.outsider);
    expect(await submitLatest("resolve_incident", people.outsider, { resolution: input("Looks fine to me"), root_cause: input("") })).toEqual({
      response_action: "errors",
      errors: { resolution: `Only the incident commander (<@${people.cmd}>) may resolve ${name()}.` },
    });
    expect((await current()).status).not.toBe("resolved");
  });

  it("refuse starting a playbook until the person holds a role that may", async () => {
    const start = async (userId: string) => {
      await click("playbook_choose", JSON.stringify({ incidentId: incident.id, playbookId: "note-then-approve" }), userId);
      return submitLatest("playbook_params", userId, { param_message: { value: { type: "plain_text_input", value: "hello" } } });
    };
    await start(people.outsider);
    const refusal = await eventually(() => slack.ephemerals(channel).filter((e) => e.user === people.outsider), (e) => e.length > 0);
    expect(refusal.at(-1)!.text).toBe(`Only the incident commander (<@${people.cmd}>) or the ops may start playbooks for ${name()}.`);
    expect(await h.store.runs.forIncident(incident.id)).toEqual([]);
    expect(await command(people.cmd, `role ops <@${people.outsider}>`)).toBe(`<@${people.outsider}> is now ops for ${name()}.`);
    await start(people.outsider);
    await eventually(() => h.store.runs.forIncident(incident.id), (runs) => runs.length === 1);
  });

  it("let the commander and the scribe correct the timeline by default", async () => {
    const picker = async (userId: string) => {
      const body = (await (await post(slashCommand(SIGNING_SECRET, { text: "timeline", userId, channelId: channel }))).json()) as { blocks: { block_id?: string }[] };
      return body.blocks.some((b) => b.block_id === "timeline_edit");
    };
    expect(await picker(people.cmd)).toBe(true);
    expect(await picker(people.lead)).toBe(false);
    await command(people.cmd, `role scribe <@${people.lead}>`);
    expect(await picker(people.lead)).toBe(true);
  });

  it("let only the deputy take command, announced; the displaced commander takes it back by command", async () => {
    expect(await command(people.outsider, `commander <@${people.outsider}>`)).toBe(`:no_entry_sign: Only the incident commander (<@${people.cmd}>) or the deputy may hand over command of ${name()}.`);
    await command(people.cmd, `role deputy <@${people.deputy}>`);
    expect(await command(people.deputy, `commander <@${people.deputy}>`)).toBe(`<@${people.deputy}> now commands ${name()}. This was announced in the channel, and <@${people.cmd}> can revert it.`);
    await eventually(() => slack.messages(channel), (m) => m.some((x) => x.text?.startsWith(`:rotating_light: <@${people.deputy}> took command of ${name()} from <@${people.cmd}>`)));
    // The former commander holds no permission to take command, but may revert the takeover.
    expect(await command(people.cmd, `commander <@${people.cmd}>`)).toBe(`You command ${name()} again; the channel has been told.`);
    expect((await current()).commander).toBe(people.cmd);
    await eventually(() => slack.messages(channel), (m) => m.some((x) => x.text?.startsWith(`:leftwards_arrow_with_hook: <@${people.cmd}> reverted the change of command`)));
    const timeline = (await h.store.timeline.list(incident.id)).map((e) => e.text);
    expect(timeline).toContain(`<@${people.cmd}> reverted the change of command and commands again (was <@${people.deputy}>)`);
    // Once reverted there is nothing left to revert: the outsider is still refused.
    expect(await command(people.outsider, `commander <@${people.deputy}>`)).toContain("may hand over command of");
  });
});
