// Every inbound endpoint of a running `firebreak serve`, fuzzed with fast-check: whatever arrives,
// the answer is never a 5xx (the database is up), the process keeps serving, and a request that
// fails verification or is not a payload Firebreak understands writes nothing at all.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPgDriver } from "../../src/adapters/store/pg-driver.js";
import type { Sql } from "../../src/adapters/store/sql.js";
import { MAX_BODY_BYTES } from "../../src/http/read-body.js";
import { signPagerdutyBody } from "../../src/http/pagerduty-signature.js";
import { slackSignature } from "../../src/http/slack-signature.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { renderDatadogPayload } from "../helpers/datadog-events.js";
import { pagerdutyEvent } from "../helpers/pagerduty-events.js";
import { datadogForgeries, pagerdutyForgeries, slackForgeries, type Forge } from "./helpers/forged-requests.js";
import { anyBody, contentType, fuzzBody, headerValue, isJsonObject, jsonObjectText, jsonText, text, type FuzzBody } from "./helpers/fuzz-arbitraries.js";
import { hostileDatadogPayload, hostilePagerdutyEnvelope, invalidDatadogPayload, invalidPagerdutyEnvelope, slackishObject } from "./helpers/payload-arbitraries.js";
import { rawRequest, type RawResponse } from "./helpers/raw-http.js";
import { brokenCommand, brokenEventCallback, brokenInteraction } from "./helpers/slack-interaction-arbitraries.js";
import { rowCounts } from "./helpers/row-counts.js";
import { alertSourcesEnv, AM_TOKEN, GENERIC_SECRETS, GRAFANA_SECRET, GRAFANA_TOKEN } from "../helpers/alert-sources.js";
import { signGenericBody } from "../../src/http/generic-signature.js";
import { signGrafanaBody } from "../../src/http/grafana-signature.js";
import { printSeedOnFailure, suiteSeed } from "./helpers/seed.js";
import { isAlive, kill, killAll, serve, type Served } from "./helpers/serve-process.js";
import { startVendors, type Vendors } from "./helpers/vendors.js";

const RUNS = 250;
const seed = suiteSeed();
let vendors: Vendors;
let env: Record<string, string>;
let served: Served;
let sql: Sql;

beforeAll(async () => {
  vendors = await startVendors();
  const databaseUrl = await createTestDatabaseUrl();
  sql = createPgDriver({ connectionString: databaseUrl, max: 2 });
  env = { ...vendors.env, ...alertSourcesEnv, DATABASE_URL: databaseUrl };
  served = await serve(env);
});
// One request that kills the process must not hide what the other properties would find.
beforeEach(async () => {
  printSeedOnFailure(seed);
  const healthy = isAlive(served.cli) && (await rawRequest(served.base, { path: "/healthz", timeoutMs: 2_000 }).then((r) => r.status === 200, () => false));
  if (!healthy) {
    await kill(served.cli);
    served = await serve(env);
  }
});
afterAll(async () => {
  await killAll();
  await sql.close();
  await vendors.stop();
});

const secret = () => vendors.secrets;
const post = (path: string, body: FuzzBody, headers: Record<string, string>, type = "application/json") =>
  rawRequest(served.base, { method: "POST", path, body: body.bytes, headers: { ...(type && { "content-type": type }), ...headers } });
const signedSlack = (body: Buffer, type: string, headers: Record<string, string> = {}) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { ...(type && { "content-type": type }), "x-slack-request-timestamp": timestamp, "x-slack-signature": slackSignature(secret().slackSigningSecret, timestamp, body), ...headers };
};
const options = (offset: number, extra: Partial<fc.Parameters<unknown>> = {}) => ({ numRuns: RUNS, seed: seed + offset, ...extra });

interface Check {
  writes?: "none" | "allowed";
  /** A body over the limit is refused before it is read; the connection may then be reset under our upload. */
  overLimit?: boolean;
}

/** Sends, then checks the answer is no 5xx, the process lives, and (unless writes are allowed) nothing was written. */
async function checked(send: () => Promise<RawResponse>, expected: (status: number) => boolean, check: Check = {}): Promise<RawResponse> {
  // Earlier cases' accepted requests are still being worked off by the process's jobs; count once
  // they are done, so a row their work adds is not taken for one this request wrote.
  const before = check.writes === "allowed" ? undefined : await settledRowCounts();
  const response = await send().catch((error: unknown) => {
    const reset = /ECONNRESET|EPIPE/.test(String(error));
    if (check.overLimit && reset && isAlive(served.cli)) return { status: 413, headers: {}, text: "(reset while uploading)" };
    throw new Error(`no answer (${isAlive(served.cli) ? "process alive" : "PROCESS DIED"}): ${String(error)}`);
  });
  expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
  expect(expected(response.status), `unexpected ${response.status}: ${response.text.slice(0, 300)}`).toBe(true);
  if (before) expect(await rowCounts(sql)).toEqual(before);
  expect(isAlive(served.cli), "the process died").toBe(true);
  return response;
}

/** Row counts once no job is due or running: what is left waits on a timer, not on this test. */
async function settledRowCounts() {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [busy] = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE status = 'running' OR (status = 'pending' AND run_at <= now())");
    if (busy!.n === 0 || Date.now() > deadline) return rowCounts(sql);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stillServing() {
  expect(isAlive(served.cli)).toBe(true);
  expect((await rawRequest(served.base, { path: "/healthz" })).status).toBe(200);
}

const tooBig = (body: FuzzBody) => body.bytes.length > MAX_BODY_BYTES;
let deliveries = 0;
const webhookId = () => `fuzz-${++deliveries}`;
const slackForm = (payload: unknown) => fuzzBody("interaction", new URLSearchParams({ payload: JSON.stringify(payload) }).toString());

describe("requests that fail verification: 401 (413 when too big), and nothing written", () => {
  it("POST /slack/events, JSON and form bodies, unsigned, forged, stale or signed with another secret", async () => {
    await fc.assert(
      fc.asyncProperty(anyBody({ withHuge: true }), contentType, slackForgeries(secret().slackSigningSecret), async (body, type, forged: Forge) => {
        await checked(() => post("/slack/events", body, forged(body.bytes), type), (s) => s === (tooBig(body) ? 413 : 401), { overLimit: tooBig(body) });
      }),
      options(1),
    );
    await stillServing();
  });

  it("POST /webhooks/pagerduty, unsigned or with forged signatures", async () => {
    await fc.assert(
      fc.asyncProperty(anyBody({ withHuge: true }), contentType, pagerdutyForgeries(secret().pagerdutyWebhookSecrets), async (body, type, forged: Forge) => {
        await checked(() => post("/webhooks/pagerduty", body, { "x-webhook-id": webhookId(), ...forged(body.bytes) }, type), (s) => s === (tooBig(body) ? 413 : 401), { overLimit: tooBig(body) });
      }),
      options(2),
    );
    await stillServing();
  });

  it("POST /webhooks/datadog, without the shared secret or with a wrong one", async () => {
    await fc.assert(
      fc.asyncProperty(anyBody({ withHuge: true }), contentType, datadogForgeries(secret().datadogWebhookSecret), async (body, type, forged: Forge) => {
        // The secret is checked before the body is read, so even a huge body gets 401.
        await checked(() => post("/webhooks/datadog", body, forged(body.bytes), type), (s) => s === 401 || (tooBig(body) && s === 413), { overLimit: tooBig(body) });
      }),
      options(3),
    );
    await stillServing();
  });

  it("POST /webhooks/alertmanager, /grafana and /generic, without their credential or with a forged one", async () => {
    const now = () => Math.floor(Date.now() / 1000);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const forgeries: [string, (bytes: Buffer) => Record<string, string>][] = [
      ["/webhooks/alertmanager", () => ({})],
      ["/webhooks/alertmanager", () => bearer(`${AM_TOKEN}x`)],
      ["/webhooks/alertmanager", () => ({ authorization: `Basic ${Buffer.from(`${AM_TOKEN}:`).toString("base64")}` })],
      ["/webhooks/grafana", (bytes) => ({ ...bearer("wrong-token-0123456789"), "x-grafana-alerting-signature": signGrafanaBody(bytes, GRAFANA_SECRET, now()), "x-grafana-alerting-timestamp": String(now()) })],
      ["/webhooks/grafana", (bytes) => ({ ...bearer(GRAFANA_TOKEN), "x-grafana-alerting-signature": signGrafanaBody(bytes, "forged-secret-0123456789") })],
      ["/webhooks/generic", () => ({})],
      ["/webhooks/generic", (bytes) => ({ "x-firebreak-signature": signGenericBody(bytes, "forged-secret-0123456789", now()) })],
      ["/webhooks/generic", (bytes) => ({ "x-firebreak-signature": signGenericBody(bytes, GENERIC_SECRETS[0]!, now() - 3_600) })],
    ];
    await fc.assert(
      fc.asyncProperty(anyBody({ withHuge: true }), contentType, fc.constantFrom(...forgeries), async (body, type, [path, forge]) => {
        await checked(() => post(path, body, forge(body.bytes), type), (s) => s === 401 || (tooBig(body) && s === 413), { overLimit: tooBig(body) });
      }),
      options(20),
    );
    await stillServing();
  });
});

describe("correctly signed bodies that are not a payload Firebreak understands: 400, and nothing written", () => {
  it("POST /slack/events: not a JSON object, or a form whose payload is not one", async () => {
    const notJson = fc.tuple(anyBody({ withHuge: false }), fc.constantFrom("application/json", "text/plain", "")).filter(([b]) => !isJsonObject(b.bytes.toString("utf8")));
    const badForm = fc
      .oneof(text, jsonText)
      .filter((payload) => !isJsonObject(payload))
      .map((payload) => [fuzzBody("form-payload", new URLSearchParams({ payload, token: "x" }).toString()), "application/x-www-form-urlencoded"] as const);
    await fc.assert(
      fc.asyncProperty(fc.oneof(notJson, badForm), async ([body, type]) => {
        await checked(() => post("/slack/events", body, signedSlack(body.bytes, type), type), (s) => s === 400);
      }),
      options(4),
    );
    await stillServing();
  });

  it("POST /webhooks/pagerduty: not a V3 envelope", async () => {
    const garbage = anyBody({ withHuge: false }).filter((b) => !b.bytes.toString("utf8").includes('"event"'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(garbage, invalidPagerdutyEnvelope), async (body) => {
        const headers = { "x-webhook-id": webhookId(), "x-pagerduty-signature": signPagerdutyBody(body.bytes, secret().pagerdutyWebhookSecrets[1]!) };
        await checked(() => post("/webhooks/pagerduty", body, headers), (s) => s === 400);
      }),
      options(5),
    );
    await stillServing();
  });

  it("POST /webhooks/datadog: not Firebreak's payload template", async () => {
    const garbage = anyBody({ withHuge: false }).filter((b) => !b.bytes.toString("utf8").includes("firebreak_template"));
    await fc.assert(
      fc.asyncProperty(fc.oneof(garbage, invalidDatadogPayload), async (body) => {
        await checked(() => post("/webhooks/datadog", body, { "x-firebreak-token": secret().datadogWebhookSecret }), (s) => s === 400);
      }),
      options(6),
    );
    await stillServing();
  });

  it("POST /webhooks/alertmanager, /grafana and /generic: not their payload", async () => {
    const garbage = anyBody({ withHuge: false }).filter((b) => !/"alerts"|"dedupe_key"/.test(b.bytes.toString("utf8")));
    const now = () => Math.floor(Date.now() / 1000);
    const authenticated: [string, (bytes: Buffer) => Record<string, string>][] = [
      ["/webhooks/alertmanager", () => ({ authorization: `Bearer ${AM_TOKEN}` })],
      // No timestamp header is configured here, so Grafana signs the body alone.
      ["/webhooks/grafana", (bytes) => ({ authorization: `Bearer ${GRAFANA_TOKEN}`, "x-grafana-alerting-signature": signGrafanaBody(bytes, GRAFANA_SECRET) })],
      ["/webhooks/generic", (bytes) => ({ "x-firebreak-signature": signGenericBody(bytes, GENERIC_SECRETS[1]!, now()) })],
    ];
    await fc.assert(
      fc.asyncProperty(garbage, fc.constantFrom(...authenticated), async (body, [path, sign]) => {
        await checked(() => post(path, body, sign(body.bytes)), (s) => s === 400);
      }),
      options(21),
    );
    await stillServing();
  });
});

describe("health, metrics, unknown paths and methods", () => {
  const routes = ["/slack/events", "/webhooks/pagerduty", "/webhooks/datadog", "/healthz", "/readyz", "/metrics"];
  const pathnameOf = (target: string) => (URL.canParse(target, "http://localhost") ? new URL(target, "http://localhost").pathname : undefined);
  const rawPath = fc.string({ unit: fc.constantFrom(..."abcAZ09-._~!$&'()*+,;=:@/?#[]%^|<>{}\"\\`".split("")), maxLength: 40 });

  it("GET /healthz /readyz /metrics answer 200 whatever the query, headers or body", async () => {
    const header = fc.tuple(fc.constantFrom("x-slack-signature", "x-pagerduty-signature", "x-firebreak-token", "authorization", "cookie", "accept", "x-forwarded-for"), headerValue);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/healthz", "/readyz", "/metrics"), rawPath, fc.array(header, { maxLength: 4 }), anyBody({ withHuge: false }), async (path, query, headers, body) => {
        const send = () => rawRequest(served.base, { method: "GET", path: `${path}?${query}`, headers: Object.fromEntries(headers), body: body.bytes });
        await checked(send, (s) => s === 200);
      }),
      options(7),
    );
  });

  it("unknown paths get 404, wrong methods 405, and neither can take the process down", async () => {
    const path = fc.oneof(rawPath.map((p) => `/${p}`), rawPath.map((p) => `//${p}`), rawPath.map((p) => `http://${p}`), fc.webPath().map((p) => p || "/"));
    const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "PURGE");
    await fc.assert(
      fc.asyncProperty(path, method, async (target, verb) => {
        const known = routes.includes(pathnameOf(target) ?? "");
        await checked(() => rawRequest(served.base, { method: verb, path: target }), (s) => (known ? [200, 401, 405].includes(s) : s === 404 || s === 400));
      }),
      // A crash leaves nothing to shrink against: report the request that caused it.
      options(8, { endOnFailure: true, examples: [["//[/", "GET"], ["http://[::1/", "GET"], ["/slack/events", "PUT"]] }),
    );
    await stillServing();
  });
});

describe("correctly signed payloads full of hostile text: never a 5xx", () => {
  it("POST /webhooks/pagerduty: V3 envelopes with NUL, lone surrogates, deep nesting and __proto__ keys", async () => {
    await fc.assert(
      fc.asyncProperty(hostilePagerdutyEnvelope, async (body) => {
        const headers = { "x-webhook-id": webhookId(), "x-pagerduty-signature": signPagerdutyBody(body.bytes, secret().pagerdutyWebhookSecrets[0]!) };
        await checked(() => post("/webhooks/pagerduty", body, headers), (s) => s === 202 || s === 400, { writes: "allowed" });
      }),
      options(9, { examples: [[fuzzBody("nul-title", JSON.stringify(pagerdutyEvent("incident.triggered", { title: "db \u0000 down" })))]] }),
    );
    await stillServing();
  });

  it("POST /webhooks/datadog: Firebreak's template rendered with hostile values", async () => {
    await fc.assert(
      fc.asyncProperty(hostileDatadogPayload, async (body) => {
        await checked(() => post("/webhooks/datadog", body, { "x-firebreak-token": secret().datadogWebhookSecret }), (s) => s === 202 || s === 400, { writes: "allowed" });
      }),
      options(10, { examples: [[fuzzBody("nul-title", renderDatadogPayload({ ID: "1", ALERT_ID: "9001", ALERT_TRANSITION: "Triggered", DATE: "1700000000000", ALERT_TITLE: "disk \u0000 full" }))]] }),
    );
    await stillServing();
  });

  it("POST /slack/events: signed JSON objects, interaction payloads and forms of any shape", async () => {
    const asForm = slackishObject.map((json) => [fuzzBody("interaction", new URLSearchParams({ payload: json }).toString()), "application/x-www-form-urlencoded"] as const);
    const asJson = fc.oneof(slackishObject, jsonObjectText).map((json) => [fuzzBody("event", json), "application/json"] as const);
    const asCommand = fc
      .tuple(fc.constantFrom("/incident", "/other"), text, text)
      .map(([command, words, user]) => [fuzzBody("command", new URLSearchParams({ command, text: words, user_id: user, channel_id: "C1", trigger_id: "1.2.3" }).toString()), "application/x-www-form-urlencoded"] as const);
    await fc.assert(
      fc.asyncProperty(fc.oneof(asForm, asJson, asCommand), fc.option(fc.constantFrom("1", "2", "x")), async ([body, type], retry) => {
        const headers = signedSlack(body.bytes, type, retry ? { "x-slack-retry-num": retry, "x-slack-retry-reason": "http_timeout" } : {});
        await checked(() => post("/slack/events", body, headers, type), (s) => s === 200 || s === 400, { writes: "allowed" });
      }),
      options(11, { numRuns: 150, examples: [[[slackForm({ type: "shortcut", callback_id: "declare_incident_from_message", user: { id: "U1" } }), "application/x-www-form-urlencoded"], null], [[fuzzBody("challenge", '{"type":"url_verification","challenge":{"toString":1}}'), "application/json"], null]] }),
    );
    await stillServing();
  });
});

describe("correctly signed Slack payloads with a field nulled, retyped or removed: 200 or 400, never a 5xx", () => {
  const oneLineReason = (response: RawResponse) => {
    if (response.status !== 400) return;
    const { message } = JSON.parse(response.text) as { message: string };
    expect(message).toMatch(/^The .+\.$/);
    expect(message).not.toContain("\n");
  };

  it("block_actions with actions: null and view_submission with view: null get 400 naming the field", async () => {
    const button = JSON.parse(readFileSync("test/fixtures/slack/interactivity/block_actions.button.json", "utf8")) as Record<string, unknown>;
    const submission = JSON.parse(readFileSync("test/fixtures/slack/interactivity/view_submission.json", "utf8")) as Record<string, unknown>;
    for (const [payload, reason] of [
      [{ ...button, actions: null }, "The Slack block_actions payload is malformed: actions expected array, received null."],
      [{ ...submission, view: null }, "The Slack view_submission payload is malformed: view expected object, received null."],
    ] as const) {
      const body = slackForm(payload);
      const type = "application/x-www-form-urlencoded";
      const response = await checked(() => post("/slack/events", body, signedSlack(body.bytes, type), type), (s) => s === 400);
      expect(JSON.parse(response.text)).toMatchObject({ ok: false, error: "invalid_payload", message: reason });
    }
  });

  it("POST /slack/events: interactions of every type, event callbacks and commands", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ arbitrary: brokenInteraction, weight: 4 }, brokenEventCallback, brokenCommand), async ({ body, contentType: type }) => {
        const response = await checked(() => post("/slack/events", body, signedSlack(body.bytes, type), type), (s) => s === 200 || s === 400, { writes: "allowed" });
        oneLineReason(response);
      }),
      options(12, { numRuns: 300 }),
    );
    await stillServing();
  });
});

