// `/incident catchup` through the running app with signed slash commands: a private summary built
// from the record, what changed since the person's previous catch-up (kept in the database), since
// they joined, or else in the last 4 hours; and, outside an incident channel, where to run it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { MEMBER_JOINED_KIND } from "../../src/incidents/lifecycle/catchup.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { eventually, PD_SECRETS, SIGNING_SECRET, startHarness, type Harness } from "../helpers/harness.js";
import { pagerdutyDelivery, pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { slashCommand } from "../helpers/slack-payloads.js";

let h: Harness;
let cora: string;
let lee: string;
let dana: string;
let incident: Incident;
// Firebreak's clock: the page arrives five hours ago, everything after it now.
let offsetMs = -5 * 3_600_000;

beforeAll(async () => {
  h = await startHarness({ database: { DATABASE_URL: await createTestDatabaseUrl() }, now: () => new Date(Date.now() + offsetMs) });
  h.pagerduty.addUser({ id: "PCORA", name: "Cora Commander", email: "cora@example.com" });
  h.pagerduty.addOnCall({ escalationPolicyId: "PUS0KTE", userId: "PCORA" });
  cora = h.slack.addUser({ name: "cora", email: "cora@example.com", realName: "Cora Commander" });
  lee = h.slack.addUser({ name: "lee", email: "lee@example.com", realName: "Lee Scribe" });
  dana = h.slack.addUser({ name: "dana", email: "dana@example.com", realName: "Dana Late" });
  h.pagerduty.addIncident({ id: "PCATCH", title: "Checkout is failing", escalationPolicyId: "PUS0KTE" });
  await fetch(`${h.base}/webhooks/pagerduty`, pagerdutyDelivery(pagerdutyEvent("incident.triggered", { incidentId: "PCATCH", title: "Checkout is failing" }), PD_SECRETS[0]!));
  const recorded = (await eventually(() => h.store.incidents.byPagerdutyIncident("PCATCH"), Boolean))!;
  incident = (await eventually(() => h.store.incidents.get(recorded.id), (i) => Boolean(i?.headerTs), 20_000))!;
  await h.drain();
  offsetMs = 0;
});
afterAll(() => h.stop());

async function command(userId: string, channelId: string, text: string): Promise<{ response_type?: string; text: string; blocks?: { text?: { text: string }; elements?: { text: string }[] }[] }> {
  const response = await fetch(`${h.base}/slack/events`, slashCommand(SIGNING_SECRET, { text, userId, channelId, triggerId: h.slack.issueTrigger() }));
  expect(response.status).toBe(200);
  return JSON.parse(await response.text());
}
const shown = (reply: Awaited<ReturnType<typeof command>>) => (reply.blocks ?? []).map((b) => b.text?.text ?? b.elements?.map((e) => e.text).join(" ") ?? "").join("\n");

describe("/incident catchup", { timeout: 60_000 }, () => {
  it("summarises the incident privately: state, roles, the last 4 hours, follow-ups; then only what changed since", async () => {
    const channel = incident.channelId!;
    await command(cora, channel, "severity SEV2");
    await command(cora, channel, `role scribe <@${lee}>`);
    await command(cora, channel, "note Checking the load balancer");
    await command(cora, channel, "followup Alert on checkout p99 latency");

    const first = await command(cora, channel, "catchup");
    expect(first.response_type).toBe("ephemeral");
    const text = shown(first);
    expect(text).toContain(`*Catch-up on INC-${incident.id}: Checkout is failing*`);
    expect(text).toContain("*Status:* investigating");
    expect(text).toContain("*Severity:* SEV2");
    expect(text).toContain(`*Commander:* <@${cora}>`);
    expect(text).toContain(`*Roles:* scribe <@${lee}>`);
    expect(text).toContain("*What changed in the last 4 hours*");
    expect(text).toContain("Checking the load balancer");
    // The incident was declared and its channel made five hours ago, before the window.
    expect(text).not.toContain("declared");
    expect(text).not.toContain("Channel #");
    expect(text).toContain("*Open follow-ups*\n• Alert on checkout p99 latency");
    expect(text).toContain("Only you can see this.");
    // Nothing was posted for everyone to see.
    expect(h.slack.messages(channel).filter((m) => m.text?.includes("Catch-up"))).toEqual([]);
    const stamped = await h.store.catchups.last(incident.id, cora);
    expect(stamped).toBeInstanceOf(Date);

    await command(cora, channel, "note Failover done");
    const second = shown(await command(cora, channel, "catchup"));
    expect(second).toMatch(/\*What changed since your last catch-up at [^*]+\*/);
    expect(second).toContain("Failover done");
    expect(second).not.toContain("Checking the load balancer");
    expect((await h.store.catchups.last(incident.id, cora))!.getTime()).toBeGreaterThan(stamped!.getTime());

    const third = shown(await command(cora, channel, "catchup"));
    expect(third).toMatch(/since your last catch-up at [^*]+\*\nNothing new\./);

    // Someone else's catch-ups are their own.
    expect(shown(await command(lee, channel, "catchup"))).toContain("*What changed in the last 4 hours*");
  });

  it("starts from when the person joined the channel, when the timeline has it", async () => {
    const channel = incident.channelId!;
    await h.store.timeline.append({ incidentId: incident.id, eventAt: new Date(), kind: MEMBER_JOINED_KIND, actor: dana, text: `<@${dana}> joined the channel` });
    await command(cora, channel, "note Rolled back the config");
    const text = shown(await command(dana, channel, "catchup"));
    expect(text).toMatch(/\*What changed since you joined at [^*]+\*/);
    expect(text).toContain("Rolled back the config");
    expect(text).not.toContain("Failover done");
  });

  it("outside an incident channel, says where to run it", async () => {
    const reply = await command(cora, h.incidentsChannel, "catchup");
    expect(reply.response_type).toBe("ephemeral");
    expect(reply.text).toBe(
      "`/incident catchup` works in an incident's channel, and catches you up on that incident. Run it in one of the open incidents' channels:\n" +
        `• <#${incident.channelId}> INC-${incident.id}: Checkout is failing`,
    );
    expect(await h.store.catchups.last(incident.id, cora)).toBeDefined();
  });
});
