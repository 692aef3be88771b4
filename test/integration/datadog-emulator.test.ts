// The Datadog emulator through the official client, importing only the API classes (the root
// import costs about 1.4 s), configured as the adapter will be.
import { createConfiguration } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-common/configuration.js";
import { ApiException } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-common/exception.js";
import { BaseServerConfiguration } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-common/servers.js";
import { EventsApi } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-v1/apis/EventsApi.js";
import { MetricsApi } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-v1/apis/MetricsApi.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDatadogEmulator, type DatadogEmulator, type MetricPoint } from "../../src/sandbox/emulators/datadog/datadog-emulator.js";

const t0 = new Date("2026-03-08T09:05:00Z");
const t0s = t0.getTime() / 1000;

function clients(url: string, keys: { apiKeyAuth: string; appKeyAuth?: string }, enableRetry = false) {
  const configuration = createConfiguration({ baseServer: new BaseServerConfiguration(url, {}), authMethods: keys, enableRetry });
  return { metrics: new MetricsApi(configuration), events: new EventsApi(configuration) };
}

async function rejection(promise: Promise<unknown>): Promise<ApiException<unknown>> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  if (!(error instanceof ApiException)) throw new Error(`expected an ApiException, got ${String(error)}`);
  return error;
}

describe("Datadog emulator through the official client", () => {
  let dd: DatadogEmulator;
  let api: ReturnType<typeof clients>;
  beforeAll(async () => {
    dd = await startDatadogEmulator({ now: () => t0 });
    api = clients(dd.url, { apiKeyAuth: dd.apiKey, appKeyAuth: dd.appKey });
  });
  afterAll(() => dd.close());

  it("answers a metric query with the points the test scripted", async () => {
    const seen: [string, number, number][] = [];
    dd.setMetrics((query, from, to) => {
      seen.push([query, from, to]);
      const points: MetricPoint[] = [];
      for (let t = from; t < to; t += 60) points.push([t * 1000, query.includes("db") ? 97.5 : 12]);
      return points;
    });
    const result = await api.metrics.queryMetrics({ from: t0s - 300, to: t0s, query: "avg:postgres.cpu{db:main}" });
    expect(seen).toEqual([["avg:postgres.cpu{db:main}", t0s - 300, t0s]]);
    expect(result.status).toBe("ok");
    expect(result.fromDate).toBe((t0s - 300) * 1000);
    expect(result.toDate).toBe(t0s * 1000);
    const series = result.series?.[0];
    expect(series).toMatchObject({ metric: "postgres.cpu", scope: "db:main", aggr: "avg", interval: 60, length: 5 });
    expect(series?.pointlist?.[0]).toEqual([(t0s - 300) * 1000, 97.5]);

    const recorded = dd.calls.at(-1);
    expect(recorded?.query).toEqual({ from: [String(t0s - 300)], to: [String(t0s)], query: ["avg:postgres.cpu{db:main}"] });
    expect(recorded?.headers["dd-api-key"]).toBe(dd.apiKey);
    expect(recorded?.headers["dd-application-key"]).toBe(dd.appKey);
  });

  it("returns no series when the script has no points", async () => {
    dd.setMetrics(() => []);
    const result = await api.metrics.queryMetrics({ from: t0s - 60, to: t0s, query: "system.load.1{*}" });
    expect(result.series).toEqual([]);
  });

  it("posts an event (202) whose id survives only as id_str", async () => {
    const created = await api.events.createEvent({
      body: { title: "INC-7: failover approved", text: "Approved by @ana and @bo.", tags: ["incident:INC-7"] },
    });
    expect(created.status).toBe("ok");
    const posted = dd.events.at(-1);
    expect(posted).toMatchObject({ title: "INC-7: failover approved", tags: ["incident:INC-7"], dateHappened: t0s });
    expect(created.event?.idStr).toBe(posted?.idStr);
    expect(posted?.idStr).toMatch(/^\d{19}$/);
    // The numeric id went through JSON.parse and lost its last digits, as it does against Datadog.
    expect(String(created.event?.id)).not.toBe(posted?.idStr);
    expect(created.event?.url).toBe(`https://app.datadoghq.com/event/event?id=${posted?.idStr}`);
  });

  it("refuses an event from too far in the past with Datadog's 400", async () => {
    const error = await rejection(api.events.createEvent({ body: { title: "old", text: "old", dateHappened: 1 } }));
    expect(error.code).toBe(400);
    expect(error.body).toMatchObject({ errors: ["Event too far in the past"] });
    expect(dd.calls.at(-1)?.status).toBe(400);
  });

  it("answers 403 {errors:[Forbidden]} without the right keys", async () => {
    const wrong = clients(dd.url, { apiKeyAuth: "wrong", appKeyAuth: dd.appKey });
    const queried = await rejection(wrong.metrics.queryMetrics({ from: t0s - 60, to: t0s, query: "system.load.1{*}" }));
    expect(queried.code).toBe(403);
    expect(queried.body).toMatchObject({ errors: ["Forbidden"] });

    const noAppKey = clients(dd.url, { apiKeyAuth: dd.apiKey });
    const denied = await rejection(noAppKey.metrics.queryMetrics({ from: t0s - 60, to: t0s, query: "system.load.1{*}" }));
    expect(denied.code).toBe(403);
    // Posting events needs only the API key, and the client sends nothing else for it.
    await expect(noAppKey.events.createEvent({ body: { title: "t", text: "x" } })).resolves.toMatchObject({ status: "ok" });
    expect(dd.calls.at(-1)?.headers["dd-application-key"]).toBeUndefined();
  });

  it("fails scripted calls: 429 with rate-limit headers (retried by the client when enabled), then a 500", async () => {
    dd.failNext("GET /api/v1/query", 429);
    const limited = await rejection(api.metrics.queryMetrics({ from: t0s - 60, to: t0s, query: "system.load.1{*}" }));
    expect(limited.code).toBe(429);
    expect(dd.calls.at(-1)?.status).toBe(429);

    dd.failNext("/api/v1/*", 429);
    const retrying = clients(dd.url, { apiKeyAuth: dd.apiKey, appKeyAuth: dd.appKey }, true);
    await expect(retrying.events.createEvent({ body: { title: "t", text: "x" } })).resolves.toMatchObject({ status: "ok" });
    expect(dd.calls.slice(-2).map((c) => c.status)).toEqual([429, 202]);

    dd.failNext(/^POST /, 500);
    const failed = await rejection(api.events.createEvent({ body: { title: "t", text: "x" } }));
    expect(failed.code).toBe(500);
  });
});
