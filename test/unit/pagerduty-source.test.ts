// PagerDuty documents one full incident envelope (incident.priority_updated) and the data shape of
// each data type; the other incident events are that envelope with their event_type and data.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CodedError } from "../../src/kernel/errors.js";
import { INCIDENT_EVENT_TYPES, parsePagerdutyBody, toPageEvent } from "../../src/sources/pagerduty.js";

const dir = "test/fixtures/pagerduty/webhooks-v3";
const read = (name: string) => readFileSync(`${dir}/${name}`);
const json = (name: string) => JSON.parse(read(name).toString("utf8"));
const priorityUpdated = json("event.incident.priority_updated.json");
const incidentData = json("event-data/incident.json");
const noteData = json("event-data/incident_note.json");

const envelope = (event_type: string, data: unknown, extra: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ event: { ...priorityUpdated.event, event_type, data, ...extra } }));

const failure = (body: Buffer | string) => {
  try {
    parsePagerdutyBody(body);
  } catch (error) {
    return { code: (error as CodedError).code, message: (error as CodedError).message };
  }
  throw new Error("expected the body to be refused");
};

describe("PagerDuty V3 webhook -> page event", () => {
  it("maps the documented incident.priority_updated envelope", () => {
    const event = toPageEvent(parsePagerdutyBody(read("event.incident.priority_updated.json")));
    expect(event).toEqual({
      kind: "incident.priority_updated",
      eventId: "5ac64822-4adc-4fda-ade0-410becf0de4f",
      occurredAt: new Date("2020-10-02T18:45:22.169Z"),
      agent: { id: "PLH1HKV", summary: "Tenex Engineer", email: null, type: "user_reference" },
      incidentId: "PGR0VU2",
      incidentNumber: 2,
      title: "A little bump in the road",
      status: "triggered",
      htmlUrl: "https://acme.pagerduty.com/incidents/PGR0VU2",
      service: { id: "PF9KMXH", summary: "API Service" },
      escalationPolicyId: "PUS0KTE",
      urgency: "high",
      priority: "P1",
      assignees: [{ id: "PTUXL6G", summary: "User 123" }],
      incidentKey: "d3640fbd41094207a1c11e58e46b1662",
    });
  });

  it("maps the byte-exact signed body from go-pagerduty (null client, numeric conference number)", () => {
    const event = toPageEvent(parsePagerdutyBody(read("body.go-pagerduty-test.incident.priority_updated.raw.json")));
    expect(event).toMatchObject({ kind: "incident.priority_updated", eventId: "01BWDWL3NYY7LUFPZCC28QUCMK", incidentId: "PGR0VU2" });
  });

  it.each(INCIDENT_EVENT_TYPES.map((type) => [type]))("maps %s with the incident data shape", (type) => {
    const event = toPageEvent(parsePagerdutyBody(envelope(type, incidentData)));
    expect(event).toMatchObject({ kind: type, incidentId: "PGR0VU2", incidentNumber: 2, priority: "P1", escalationPolicyId: "PUS0KTE" });
  });

  it("maps incident.annotated, whose data is an incident_note, to the note's content", () => {
    const event = toPageEvent(parsePagerdutyBody(envelope("incident.annotated", noteData)));
    expect(event).toEqual({
      kind: "incident.annotated",
      eventId: "5ac64822-4adc-4fda-ade0-410becf0de4f",
      occurredAt: new Date("2020-10-02T18:45:22.169Z"),
      agent: { id: "PLH1HKV", summary: "Tenex Engineer", email: null, type: "user_reference" },
      incidentId: "PGR0VU2",
      title: "A little bump in the road",
      htmlUrl: "https://acme.pagerduty.com/incidents/PGR0VU2",
      noteId: "P2LA89X",
      content: "I sure am glad we are using PagerDuty!",
      trimmed: false,
    });
  });

  it("ignores event types Firebreak does not act on, whatever their data", () => {
    expect(toPageEvent(parsePagerdutyBody(read("event.service.updated.json")))).toEqual({
      kind: "ignored",
      eventId: "01BRB6ZP4M6T8ZG4X6BP63ZB9O",
      eventType: "service.updated",
    });
    expect(toPageEvent(parsePagerdutyBody(envelope("incident.reopened", json("event-data/incident.json")))).kind).toBe("ignored");
  });

  it("maps responder events with the documented incident_responder data", () => {
    const responder = json("event-data/incident_responder.json");
    expect(toPageEvent(parsePagerdutyBody(envelope("incident.responder.replied", { ...responder, state: "joined" })))).toMatchObject({
      kind: "incident.responder.replied",
      incidentId: "PGR0VU2",
      user: { id: "PVMGSML", summary: "Maeve" },
      escalationPolicy: { id: "PJFWPEP", summary: "The Policy" },
      message: "Please help me make the tests pass",
      state: "joined",
    });
    expect(toPageEvent(parsePagerdutyBody(envelope("incident.responder.added", responder)))).toMatchObject({ kind: "incident.responder.added", state: "pending" });
  });

  it("is lenient with what it only displays: null agent and client, odd or missing fields, extra keys", () => {
    const data = { id: "PNEW001", type: "incident", service: "not-an-object", priority: null, assignees: [{ summary: "no id" }], brand_new: 1 };
    const event = toPageEvent(parsePagerdutyBody(envelope("incident.triggered", data, { agent: null, client: null, extra: true })));
    expect(event).toMatchObject({
      kind: "incident.triggered",
      incidentId: "PNEW001",
      agent: null,
      title: null,
      incidentNumber: null,
      service: null,
      priority: null,
      assignees: [],
    });
  });

  it("keeps an agent's email when PagerDuty sends one", () => {
    const agent = { ...priorityUpdated.event.agent, email: "tenex@example.com" };
    const event = toPageEvent(parsePagerdutyBody(envelope("incident.acknowledged", incidentData, { agent })));
    expect(event).toMatchObject({ agent: { id: "PLH1HKV", email: "tenex@example.com" } });
  });

  it("refuses a body that is not JSON as malformed_body", () => {
    expect(failure("{not json").code).toBe("malformed_body");
    expect(failure("").code).toBe("malformed_body");
  });

  it("refuses what it relies on being absent or wrong, naming the field", () => {
    const cases: [Buffer | string, RegExp][] = [
      ["[]", /body: /],
      [JSON.stringify({ nope: 1 }), /event: /],
      [envelope("incident.triggered", incidentData, { id: "" }), /event\.id: /],
      [envelope("", incidentData), /event\.event_type: /],
      [envelope("incident.triggered", incidentData, { occurred_at: "yesterday" }), /event\.occurred_at: /],
      [envelope("incident.triggered", { ...incidentData, id: undefined }), /event\.data\.id: /],
      [envelope("incident.resolved", "PGR0VU2"), /event\.data: /],
      [envelope("incident.annotated", { ...noteData, content: undefined }), /event\.data\.content: /],
      [envelope("incident.annotated", incidentData), /event\.data\.(type|content|incident): /],
    ];
    for (const [body, field] of cases) {
      const { code, message } = failure(body);
      expect(code).toBe("invalid_payload");
      expect(message).toMatch(field);
      expect(message).not.toContain("\n");
    }
  });

  it("refuses a hand-built envelope with bad incident data in toPageEvent too", () => {
    const envelopeObject = parsePagerdutyBody(envelope("service.updated", {}));
    const wrong = { event: { ...envelopeObject.event, event_type: "incident.triggered" } };
    expect(() => toPageEvent(wrong)).toThrow(/event\.data\.id/);
  });
});
