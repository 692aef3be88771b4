// The PagerDuty emulator through the real @pagerduty/pdjs client, configured as the adapter will be:
// pdjs's `server` option forces https://, so every call names the emulator with a full `url`.
import { api } from "@pagerduty/pdjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPagerdutyEmulator, type PagerdutyEmulator } from "../../src/sandbox/emulators/pagerduty/pagerduty-emulator.js";

const t0 = new Date("2026-03-08T09:05:00Z");

interface CallOptions {
  method?: string;
  data?: object;
  headers?: Record<string, string>;
  queryParameters?: Record<string, string | string[]>;
}

describe("PagerDuty emulator through pdjs", () => {
  let pd: PagerdutyEmulator;
  let call: (path: string, options?: CallOptions) => ReturnType<typeof pdjsCall>;
  beforeAll(async () => {
    pd = await startPagerdutyEmulator({ token: "u+test-token", now: () => t0 });
    call = (path, options = {}) => pdjsCall(pd.token, `${pd.url}${path}`, options);
    pd.addUser({ id: "PUSER01", name: "Ana Oncall", email: "ana@example.com" });
    pd.addUser({ id: "PUSER02", name: "Bo Backup", email: "bo@example.com" });
    pd.addOnCall({ escalationPolicyId: "PPOLICY", userId: "PUSER01", escalationLevel: 1, scheduleId: "PSCHED1" });
    pd.addOnCall({ escalationPolicyId: "PPOLICY", userId: "PUSER02", escalationLevel: 2 });
    pd.addOnCall({ escalationPolicyId: "POTHER", userId: "PUSER02", escalationLevel: 1 });
    pd.addIncident({ id: "PINC001", title: "Checkout is down", assigneeIds: ["PUSER01"] });
  });
  afterAll(() => pd.close());

  it("lists on-calls for an escalation policy, with emails only when include[]=users is asked for", async () => {
    const query = { "escalation_policy_ids[]": ["PPOLICY"] };
    const plain = await call("/oncalls", { queryParameters: query });
    expect(plain.status).toBe(200);
    expect(plain.data.oncalls).toHaveLength(2);
    expect(plain.data.oncalls[0].user).toMatchObject({ id: "PUSER01", type: "user_reference", summary: "Ana Oncall" });
    expect(plain.data.oncalls[0].user.email).toBeUndefined();

    const withUsers = await call("/oncalls", { queryParameters: { ...query, "include[]": ["users"] } });
    const emails = withUsers.data.oncalls.map((o: { user: { email: string } }) => o.user.email);
    expect(emails).toEqual(["ana@example.com", "bo@example.com"]);
    expect(withUsers.data).toMatchObject({ limit: 25, offset: 0, more: false, total: null });
    expect(withUsers.data.oncalls[0]).toMatchObject({ escalation_level: 1, schedule: { id: "PSCHED1" }, escalation_policy: { id: "PPOLICY" } });

    const recorded = pd.calls.at(-1);
    expect(recorded?.query).toEqual({ "escalation_policy_ids[]": ["PPOLICY"], "include[]": ["users"] });
    expect(recorded?.headers.accept).toBe("application/vnd.pagerduty+json;version=2");
    expect(recorded?.headers.authorization).toBe("Token token=u+test-token");
  });

  it("pages on-calls with limit, offset and more, counts them with total=true, and serves reference-only users", async () => {
    for (let i = 0; i < 30; i++) {
      pd.addUser({ id: `PPAGE${i}`, name: `Pager ${i}`, email: `pager${i}@example.com` });
      pd.addOnCall({ escalationPolicyId: "PPAGED", userId: `PPAGE${i}`, escalationLevel: 1 + (i % 3), userAsReference: i % 10 === 0 });
    }
    const query = { "escalation_policy_ids[]": ["PPAGED"], "include[]": ["users"] };
    const first = await call("/oncalls", { queryParameters: query });
    expect(first.data).toMatchObject({ limit: 25, offset: 0, more: true, total: null });
    expect(first.data.oncalls).toHaveLength(25);
    expect(first.data.oncalls[0].user).toEqual(expect.objectContaining({ id: "PPAGE0", type: "user_reference" }));
    expect(first.data.oncalls[0].user.email).toBeUndefined();
    expect(first.data.oncalls[1].user).toMatchObject({ type: "user", email: "pager1@example.com" });
    const second = await call("/oncalls", { queryParameters: { ...query, offset: "25", total: "true" } });
    expect(second.data).toMatchObject({ limit: 25, offset: 25, more: false, total: 30 });
    expect(second.data.oncalls).toHaveLength(5);
    expect((await call("/oncalls", { queryParameters: { ...query, offset: "9990", limit: "20" } })).status).toBe(400);
    expect((await call("/users/PPAGE0")).data.user).toMatchObject({ id: "PPAGE0", type: "user", email: "pager0@example.com" });
  });

  it("keeps only the earliest entry per policy, level and user with earliest=true", async () => {
    pd.addOnCall({ escalationPolicyId: "PSHIFTS", userId: "PUSER01", start: "2026-03-08T08:00:00Z", end: "2026-03-08T20:00:00Z" });
    pd.addOnCall({ escalationPolicyId: "PSHIFTS", userId: "PUSER01", start: "2026-03-09T08:00:00Z", end: "2026-03-09T20:00:00Z" });
    const all = await call("/oncalls", { queryParameters: { "escalation_policy_ids[]": ["PSHIFTS"] } });
    expect(all.data.oncalls).toHaveLength(2);
    const earliest = await call("/oncalls", { queryParameters: { "escalation_policy_ids[]": ["PSHIFTS"], earliest: "true" } });
    expect(earliest.data.oncalls.map((o: { start: string }) => o.start)).toEqual(["2026-03-08T08:00:00Z"]);
  });

  it("refuses a note without a From header, and records the note when From names a user", async () => {
    const data = { note: { content: "Failing over to the backup cluster." } };
    const refused = await call("/incidents/PINC001/notes", { method: "POST", data });
    expect(refused.status).toBe(400);
    expect(refused.data.error.message).toMatch(/"From" header/);

    const unknown = await call("/incidents/PINC001/notes", { method: "POST", data, headers: { From: "nobody@example.com" } });
    expect(unknown.status).toBe(400);
    expect(unknown.data.error).toMatchObject({ code: 1008, message: "Requester User Not Found" });

    const created = await call("/incidents/PINC001/notes", { method: "POST", data, headers: { From: "ana@example.com" } });
    expect(created.status).toBe(200);
    expect(created.data.note).toMatchObject({ content: data.note.content, user: { id: "PUSER01" }, created_at: "2026-03-08T09:05:00Z" });
    expect(pd.incident("PINC001")?.notes).toHaveLength(1);
    expect(pd.calls.at(-1)).toMatchObject({ method: "POST", path: "/incidents/PINC001/notes", from: "ana@example.com", body: data, status: 200 });
  });

  it("acknowledges and then resolves an incident with PUT, and refuses to change a resolved one", async () => {
    const ack = { incident: { type: "incident_reference", status: "acknowledged" } };
    const noFrom = await call("/incidents/PINC001", { method: "PUT", data: ack });
    expect(noFrom.status).toBe(400);

    const acked = await call("/incidents/PINC001", { method: "PUT", data: ack, headers: { From: "ana@example.com" } });
    expect(acked.status).toBe(200);
    expect(acked.data.incident).toMatchObject({
      id: "PINC001",
      type: "incident",
      status: "acknowledged",
      incident_number: 1,
      title: "Checkout is down",
      acknowledgements: [{ at: "2026-03-08T09:05:00Z", acknowledger: { id: "PUSER01", type: "user_reference" } }],
    });

    const resolve = { incident: { type: "incident_reference", status: "resolved" } };
    const resolved = await call("/incidents/PINC001", { method: "PUT", data: resolve, headers: { From: "bo@example.com" } });
    expect(resolved.data.incident).toMatchObject({ status: "resolved", resolved_at: "2026-03-08T09:05:00Z", last_status_change_by: { id: "PUSER02" } });

    const again = await call("/incidents/PINC001", { method: "PUT", data: ack, headers: { From: "ana@example.com" } });
    expect(again.status).toBe(400);
    expect(again.data.error).toMatchObject({ code: 1001, message: "Incident Already Resolved" });

    const fetched = await call("/incidents/PINC001");
    expect(fetched.data.incident.status).toBe("resolved");
  });

  it("answers 401 in PagerDuty's error format for a wrong token, and 404 for an unknown incident", async () => {
    const denied = await api({ token: "wrong", url: `${pd.url}/incidents/PINC001`, requestTimeout: 0 });
    expect(denied.status).toBe(401);
    expect(denied.data).toEqual({ error: { message: "Authentication failed", code: 2006 } });
    const missing = await call("/incidents/PNOPE");
    expect(missing.status).toBe(404);
    expect(missing.data.error.code).toBe(5001);
  });

  it("reads a user with their email", async () => {
    const user = await call("/users/PUSER02");
    expect(user.data.user).toMatchObject({ id: "PUSER02", type: "user", name: "Bo Backup", email: "bo@example.com" });
  });

  it("fails scripted calls: a 429 with PagerDuty's rate-limit headers (pdjs retries it), then a 500", async () => {
    pd.failNext("GET /oncalls", 429);
    const retried = await call("/oncalls");
    expect(retried.status).toBe(200);
    const [limited, ok] = pd.calls.slice(-2);
    expect(limited?.status).toBe(429);
    expect(ok?.status).toBe(200);

    pd.failNext("/oncalls", 429, 4);
    const limitedOut = await call("/oncalls");
    expect(limitedOut.status).toBe(429);
    expect(limitedOut.headers.get("ratelimit-reset")).toBe("20");
    expect(limitedOut.data).toEqual({ error: { message: "Rate Limit Exceeded", code: 2020 } });

    pd.failNext("PUT /incidents/*", 503);
    const failed = await call("/incidents/PINC001", { method: "PUT", data: {}, headers: { From: "ana@example.com" } });
    expect(failed.status).toBe(503);
    expect(failed.data.error.code).toBe(2000);
    expect((await call("/incidents/PINC001")).status).toBe(200);
  });
});

// pdjs retries a 429 three times, 20 s apart by default (retryTimeout), and its per-request
// 30 s timer is left running when the retries run out (requestTimeout 0 starts none).
function pdjsCall(token: string, url: string, options: CallOptions) {
  return api({ token, url, requestTimeout: 0, retryTimeout: 5, ...options });
}
