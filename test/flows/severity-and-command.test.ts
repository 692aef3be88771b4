// Changing severity and command under firebreak.yaml permissions: a refusal changes nothing and
// tells the person who may; an allowed change reaches the store, the timeline and the pinned
// header; a takeover is announced with a Revert button that the displaced commander can use.
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import type { Incident } from "../../src/domain/incident.js";
import { revertTakeover, setCommander, setSeverity } from "../../src/incidents/lifecycle/change-incident.js";
import { recordPagerdutyEvent } from "../../src/incidents/record-pagerduty-event.js";
import { parseJsonWith } from "../../src/kernel/parse-json.js";
import { parsePagerdutyBody, toPageEvent } from "../../src/sources/pagerduty.js";
import { pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { flowWorld, type FlowWorld } from "./flow-world.js";

const clock = new Date("2026-03-08T10:00:00Z");
let w: FlowWorld;
let incident: Incident;
const ADA = "UADA"; // on call, so the first commander
const BEN = "UBEN"; // in the channel, holds no permission
const LEA = "ULEA"; // an incident lead (approver group `leads`)

beforeAll(async () => {
  w = await flowWorld({
    now: () => clock,
    users: { "ada@example.com": ADA },
    oncall: { PCMDEP: ["ada@example.com"] },
    file: { approver_groups: { leads: { users: [LEA] } }, permissions: { severity: ["commander", { group: "leads" }], commander: [{ group: "leads" }] } },
  });
  const page = parsePagerdutyBody(JSON.stringify(pagerdutyEvent("incident.triggered", { incidentId: "PCMD1", title: "Orders failing", escalationPolicyId: "PCMDEP", priority: "P2", occurredAt: clock.toISOString() })));
  await recordPagerdutyEvent(w.deps, toPageEvent(page));
  await w.settle();
  incident = (await w.store.incidents.byPagerdutyIncident("PCMD1"))!;
});
afterAll(() => w.close());

const header = () => w.chat.posted.find((p) => p.ts === incident.headerTs)!.message.text;
const entries = async (kind: string) => (await w.store.timeline.list(incident.id)).filter((e) => e.kind === kind).map((e) => e.text);

it("refuses a severity change from someone the permissions leave out, and changes nothing", async () => {
  expect(incident).toMatchObject({ severity: "SEV2", commander: ADA });
  const outcome = await setSeverity(w.deps, incident.id, "SEV1", { userId: BEN });
  expect(outcome.ok).toBe(false);
  expect(!outcome.ok && outcome.reason).toContain("<@UADA>");
  await w.settle();
  expect((await w.store.incidents.get(incident.id))!.severity).toBe("SEV2");
  expect(await entries("severity")).toEqual([]);
  expect(header()).toBe("INC-1 SEV2 investigating: Orders failing");
});

it("applies the commander's severity change to the store, the timeline and the pinned header", async () => {
  expect(await setSeverity(w.deps, incident.id, "SEV1", { userId: ADA })).toEqual({ ok: true, reply: "INC-1 is now SEV1." });
  await w.settle();
  expect((await w.store.incidents.get(incident.id))!.severity).toBe("SEV1");
  expect(await entries("severity")).toEqual([`Severity changed from SEV2 to SEV1 by <@${ADA}>`]);
  expect(header()).toBe("INC-1 SEV1 investigating: Orders failing");
});

it("lets a lead take command, announces it with Revert, and lets the displaced commander revert it", async () => {
  expect((await setCommander(w.deps, incident.id, BEN, { userId: BEN })).ok).toBe(false);
  expect(await setCommander(w.deps, incident.id, LEA, { userId: LEA })).toMatchObject({ ok: true });
  await w.settle();
  expect((await w.store.incidents.get(incident.id))!.commander).toBe(LEA);
  // The announcement went to the incident channel; its Revert button carries the change.
  const notice = w.chat.posted.filter((p) => p.channel === incident.channelId && p.message.text.includes(`<@${ADA}>`) && p.message.text.includes("Revert")).at(-1)!;
  expect(notice.message.text).toContain(`<@${LEA}>`);
  const button = JSON.stringify(notice.message.blocks).match(/"value":"((?:[^"\\]|\\.)*)"/)![1]!;
  const revert = parseJsonWith(z.object({ incidentId: z.number(), from: z.string(), to: z.string() }), JSON.parse(`"${button}"`), "the Revert button");
  expect(revert).toEqual({ incidentId: incident.id, from: ADA, to: LEA });

  // Ada holds no permission to take command, but may take back what was taken from her.
  expect((await revertTakeover(w.deps, revert, { userId: ADA })).ok).toBe(true);
  await w.settle();
  expect((await w.store.incidents.get(incident.id))!.commander).toBe(ADA);
  const roles = await entries("role");
  expect(roles).toHaveLength(2);
  expect(roles[1]).toContain("reverted");
  expect(w.chat.invited.flatMap((i) => i.users)).toContain(LEA);
});
