// The PagerDuty emulator's escalation routes, as PagerDuty's reference has them: name search with
// classic pagination, responder requests (200; 404 for an unknown incident; 400 for a body that
// breaks the documented shape), incident creation refusing a second open incident with the same
// incident_key on a service (docs/REST-API/15-Incident-Creation-API.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPagerdutyEmulator, type PagerdutyEmulator } from "../../src/sandbox/emulators/pagerduty/pagerduty-emulator.js";

let pd: PagerdutyEmulator;
beforeAll(async () => {
  pd = await startPagerdutyEmulator({ token: "t" });
  pd.addUser({ id: "PREQ", name: "Requester", email: "req@example.com" });
  for (let i = 1; i <= 30; i++) pd.addEscalationPolicy({ id: `PEP${i}`, name: `Team ${i} on-call` });
  pd.addService({ id: "PSVC", name: "Payments", escalationPolicyId: "PEP1" });
  pd.addIncident({ id: "PINC", title: "Down" });
});
afterAll(() => pd.close());

const call = async (method: string, path: string, body?: unknown, from = "req@example.com") => {
  const response = await fetch(`${pd.url}${path}`, { method, headers: { authorization: "Token token=t", "content-type": "application/json", from }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const target = (id: string, type = "escalation_policy_reference") => ({ responder_request_target: { id, type } });

describe("the PagerDuty emulator's escalation routes", () => {
  it("searches escalation policies by name, 25 to a page, with more", async () => {
    const first = await call("GET", "/escalation_policies?query=on-call");
    expect(first.body).toMatchObject({ limit: 25, offset: 0, more: true, total: null });
    expect((first.body.escalation_policies as unknown[]).length).toBe(25);
    const narrow = await call("GET", "/escalation_policies?query=team%2012");
    expect((narrow.body.escalation_policies as { id: string }[]).map((p) => p.id)).toEqual(["PEP12"]);
    expect((await call("GET", "/services?query=pay")).body.services).toMatchObject([{ id: "PSVC", escalation_policy: { id: "PEP1" } }]);
    expect((await call("GET", "/escalation_policies/PNONE")).status).toBe(404);
  });

  it("accepts a responder request as documented, and refuses what breaks it", async () => {
    const ok = await call("POST", "/incidents/PINC/responder_requests", { requester_id: "PREQ", message: "help", responder_request_targets: [target("PEP2")] });
    expect(ok.status).toBe(200);
    expect(ok.body.responder_request).toMatchObject({ message: "help", requester: { id: "PREQ" }, responder_request_targets: [{ responder_request_target: { id: "PEP2", type: "escalation_policy" } }] });
    expect((await call("POST", "/incidents/PNONE/responder_requests", { requester_id: "PREQ", message: "help", responder_request_targets: [target("PEP2")] })).status).toBe(404);
    for (const bad of [
      { message: "help", responder_request_targets: [target("PEP2")] },
      { requester_id: "PREQ", responder_request_targets: [target("PEP2")] },
      { requester_id: "PREQ", message: "help", responder_request_targets: [] },
      { requester_id: "PREQ", message: "help", responder_request_targets: [target("PEP2", "service_reference")] },
      { requester_id: "PREQ", message: "help", responder_request_targets: [target("PGONE")] },
    ]) expect((await call("POST", "/incidents/PINC/responder_requests", bad)).status).toBe(400);
    expect(pd.responderRequests).toHaveLength(1);
  });

  it("creates an incident once per incident_key on a service, and finds it by key", async () => {
    const body = { incident: { type: "incident", title: "INC-9: Slow", service: { id: "PSVC", type: "service_reference" }, incident_key: "firebreak:INC-9" } };
    const created = await call("POST", "/incidents", body);
    expect(created.status).toBe(201);
    expect(created.body.incident).toMatchObject({ incident_key: "firebreak:INC-9", service: { id: "PSVC" } });
    expect((await call("POST", "/incidents", body)).status).toBe(400);
    expect((await call("POST", "/incidents", body, "")).status).toBe(400);
    const found = await call("GET", "/incidents?incident_key=firebreak%3AINC-9");
    expect((found.body.incidents as { id: string }[]).map((i) => i.id)).toEqual([(created.body.incident as { id: string }).id]);
  });
});
