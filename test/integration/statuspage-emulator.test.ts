// The Statuspage emulator refuses what Statuspage refuses (https://developer.statuspage.io, excerpt
// in test/fixtures/statuspage): a key not sent as `Authorization: OAuth <key>` (401), an unknown
// page or incident (404), an invalid status (422, ErrorEntity `{"message"}`), and more than its
// per-key rate limit (420). `firebreak doctor`'s check reads the page the same way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { checkStatuspage } from "../../src/doctor/check-statuspage.js";
import { startStatuspageEmulator, type StatuspageEmulator } from "../../src/sandbox/emulators/statuspage/statuspage-emulator.js";

let sp: StatuspageEmulator;
let pageId: string;
let componentIds: Record<string, string>;

beforeAll(async () => {
  sp = await startStatuspageEmulator({ rateLimit: false });
  ({ pageId, componentIds } = sp.addPage("Acme status", { API: "operational", Checkout: "operational" }));
});
afterAll(() => sp.close());

const call = (method: string, path: string, options: { auth?: string; body?: unknown } = {}) =>
  fetch(`${sp.url}${path}`, {
    method,
    headers: { authorization: options.auth ?? `OAuth ${sp.apiKey}`, "content-type": "application/json" },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });

// The spec's ErrorEntity schema: the body of every error.
const spec = JSON.parse(readFileSync(new URL("../fixtures/statuspage/openapi.incidents-components.excerpt.json", import.meta.url), "utf8")) as {
  "components.schemas": { ErrorEntity: { properties: Record<string, unknown> } };
};
const errorKeys = Object.keys(spec["components.schemas"].ErrorEntity.properties);

describe("authentication", () => {
  it.each([
    ["no header", ""],
    ["a Bearer token", `Bearer ${"x".repeat(4)}`],
    ["Bearer with the right key", "Bearer KEY"],
    ["OAuth with a wrong key", "OAuth wrong-key"],
  ])("refuses %s with 401", async (_name, auth) => {
    const response = await call("GET", `/pages/${pageId}`, { auth: auth.replace("KEY", sp.apiKey) });
    expect(response.status).toBe(401);
    expect(Object.keys((await response.json()) as object)).toEqual(errorKeys);
  });

  it("accepts the OAuth scheme and answers the page", async () => {
    const response = await call("GET", `/pages/${pageId}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: pageId, name: "Acme status" });
  });
});

describe("refusals", () => {
  it("answers 404 for an unknown page and an unknown incident", async () => {
    expect((await call("GET", "/pages/nosuchpage00/incidents")).status).toBe(404);
    expect((await call("PATCH", `/pages/${pageId}/incidents/nosuchincid0`, { body: { incident: { status: "resolved" } } })).status).toBe(404);
  });

  it("answers 422 with an ErrorEntity for an invalid incident or component status, and creates nothing", async () => {
    const badStatus = await call("POST", `/pages/${pageId}/incidents`, { body: { incident: { name: "Outage", status: "on_fire", body: "x" } } });
    expect(badStatus.status).toBe(422);
    const error = (await badStatus.json()) as Record<string, unknown>;
    expect(Object.keys(error)).toEqual(errorKeys);
    expect(error.message).toMatch(/status/i);
    const badComponent = await call("POST", `/pages/${pageId}/incidents`, { body: { incident: { name: "Outage", status: "investigating", components: { [componentIds.API!]: "melting" } } } });
    expect(badComponent.status).toBe(422);
    const noName = await call("POST", `/pages/${pageId}/incidents`, { body: { incident: { status: "investigating" } } });
    expect(noName.status).toBe(422);
    // "All top-level values in the object must also be objects."
    const flatMetadata = await call("POST", `/pages/${pageId}/incidents`, { body: { incident: { name: "Outage", metadata: { firebreak: "INC-1" } } } });
    expect(flatMetadata.status).toBe(422);
    expect(sp.incidents(pageId)).toEqual([]);
  });
});

describe("incidents", () => {
  it("creates with 201, updates with 200, keeps metadata, lists updates newest first and finds by q", async () => {
    const created = await call("POST", `/pages/${pageId}/incidents`, {
      body: { incident: { name: "Checkout errors", status: "investigating", body: "We are looking into it.", component_ids: [componentIds.Checkout], components: { [componentIds.Checkout!]: "major_outage" }, metadata: { firebreak: { incident_id: "7" } } } },
    });
    expect(created.status).toBe(201);
    const incident = (await created.json()) as { id: string; metadata: unknown };
    expect(incident.metadata).toEqual({ firebreak: { incident_id: "7" } });
    const updated = await call("PATCH", `/pages/${pageId}/incidents/${incident.id}`, { body: { incident: { status: "resolved", body: "Fixed.", components: { [componentIds.Checkout!]: "operational" } } } });
    expect(updated.status).toBe(200);
    const json = (await updated.json()) as { incident_updates: { body: string; status: string }[]; resolved_at: string | null };
    expect(json.incident_updates.map((u) => [u.status, u.body])).toEqual([["resolved", "Fixed."], ["investigating", "We are looking into it."]]);
    expect(json.resolved_at).not.toBeNull();
    expect(sp.components(pageId).find((c) => c.name === "Checkout")?.status).toBe("operational");

    const unresolved = (await (await call("GET", `/pages/${pageId}/incidents/unresolved`)).json()) as unknown[];
    expect(unresolved).toEqual([]);
    const found = (await (await call("GET", `/pages/${pageId}/incidents?q=checkout`)).json()) as { id: string }[];
    expect(found.map((i) => i.id)).toEqual([incident.id]);
    expect((await (await call("GET", `/pages/${pageId}/incidents?q=nothing-like-it`)).json()) as unknown[]).toEqual([]);
  });
});

describe("rate limit", () => {
  it("refuses a key's requests beyond the limit with 420 until the window passes", async () => {
    let clock = new Date("2026-03-08T09:00:00Z");
    const limited = await startStatuspageEmulator({ rateLimit: { requests: 2, windowMs: 60_000 }, now: () => clock });
    try {
      const { pageId: page } = limited.addPage("Limited");
      const get = () => fetch(`${limited.url}/pages/${page}`, { headers: { authorization: `OAuth ${limited.apiKey}` } }).then((r) => r.status);
      expect([await get(), await get(), await get()]).toEqual([200, 200, 420]);
      clock = new Date(clock.getTime() + 60_000);
      expect(await get()).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe("firebreak doctor's Statuspage check", () => {
  it("passes with the right key and page, and names the fix otherwise", async () => {
    const config = { apiKey: sp.apiKey, pageId, apiUrl: sp.url };
    expect(await checkStatuspage(config)).toMatchObject({ ok: true, what: expect.stringContaining("Acme status") });
    expect(await checkStatuspage({ ...config, apiKey: "wrong" })).toMatchObject({ ok: false, fix: expect.stringContaining("STATUSPAGE_API_KEY") });
    expect(await checkStatuspage({ ...config, pageId: "nosuchpage00" })).toMatchObject({ ok: false, fix: expect.stringContaining("STATUSPAGE_PAGE_ID") });
  });
});
