// The Datadog actions through the official client against the local Datadog API. Waiting is on
// a fake clock (each sleep moves it), so a 10-minute gate runs in milliseconds while every check
// is still a real HTTP query whose from/to come from that clock.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDatadog } from "../../src/adapters/datadog.js";
import { type DatadogPort } from "../../src/ports/metrics-events.js";
import { startDatadogEmulator, type DatadogEmulator, type MetricPoint } from "../../src/sandbox/emulators/datadog/datadog-emulator.js";
import { stepEventMarker } from "../../src/markers/datadog-markers.js";
import type { ActionContext, ActionDefinition } from "../../src/playbooks/action-registry.js";
import { datadogActions } from "../../src/playbooks/actions/datadog-actions.js";
import { datadogEventBody } from "../../src/playbooks/actions/datadog-post-event.js";

const t0 = new Date("2026-03-08T09:05:00Z");
const t0s = t0.getTime() / 1000;
const QUERY = "avg:postgresql.cpu{db:orders}";

type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** A context on a fake clock that `sleep` advances, and the progress it was given. */
function fakeTime() {
  let now = t0.getTime();
  const progress: string[] = [];
  const ctx: ActionContext = { log: undefined as never, signal: new AbortController().signal, now: () => new Date(now), progress: (text) => void progress.push(text) };
  const sleep: Sleep = async (ms, signal) => {
    signal.throwIfAborted();
    now += ms;
  };
  return { ctx, sleep, progress, elapsedSec: () => (now - t0.getTime()) / 1000 };
}

/**
 * One value per query, in order (the last repeats): a point a minute across the window, then
 * the gap Datadog often leaves at the newest timestamp, which must not hide the value before it.
 */
function scriptValues(dd: DatadogEmulator, values: number[]) {
  let call = 0;
  dd.setMetrics((_query, from, to) => {
    const value = values[Math.min(call++, values.length - 1)] ?? 0;
    const points: MetricPoint[] = [];
    for (let t = from; t < to; t += 60) points.push([t * 1000, value]);
    points.push([to * 1000, null]);
    return points;
  });
}

function actions(datadog: DatadogPort, sleep?: Sleep) {
  const [gate, event] = datadogActions(datadog, sleep ? { sleep } : {});
  return { gate: gate as ActionDefinition, event: event as ActionDefinition };
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  if (!(error instanceof Error)) throw new Error(`expected a rejection, got ${String(error)}`);
  return error;
}

describe("Datadog actions against the local Datadog API", () => {
  let dd: DatadogEmulator;
  let datadog: DatadogPort;
  beforeAll(async () => {
    dd = await startDatadogEmulator({ now: () => t0 });
    datadog = createDatadog({ apiKey: dd.apiKey, appKey: dd.appKey, apiUrl: dd.url });
  });
  beforeEach(() => {
    dd.calls.length = 0;
  });
  afterAll(() => dd.close());

  it("passes as soon as the latest value drops below the threshold, reporting every check", async () => {
    const time = fakeTime();
    const { gate } = actions(datadog, time.sleep);
    scriptValues(dd, [99.1, 98.4, 97.23, 72.5]);
    const output = await gate.run(gate.input.parse({ query: QUERY, below: 80, within: "10m" }), time.ctx);

    expect(output).toEqual({ passed: true, value: 72.5, checks: 4, values: [99.1, 98.4, 97.23, 72.5] });
    expect(time.progress).toEqual([
      `${QUERY}: 99.1 (needs < 80) — 1 check, 10m left`,
      `${QUERY}: 98.4 (needs < 80) — 2 checks, 9m30s left`,
      `${QUERY}: 97.2 (needs < 80) — 3 checks, 9m left`,
      `${QUERY}: 72.5 (needs < 80) — passed after 4 checks`,
    ]);
    expect(time.elapsedSec()).toBe(90);
    // Each check asked for the last 5 minutes up to the (fake) now, with both keys.
    expect(dd.calls.map((c) => [c.query.from?.[0], c.query.to?.[0], c.query.query?.[0]])).toEqual(
      [0, 30, 60, 90].map((s) => [String(t0s + s - 300), String(t0s + s), QUERY]),
    );
    expect(dd.calls.every((c) => c.headers["dd-api-key"] === dd.apiKey && c.headers["dd-application-key"] === dd.appKey)).toBe(true);
  });

  it("passes when a value rises above the threshold", async () => {
    const time = fakeTime();
    const { gate } = actions(datadog, time.sleep);
    scriptValues(dd, [0.2, 0.95]);
    const input = gate.input.parse({ query: "sum:checkout.success_rate{*}", above: 0.9, within: "5m", every: "1m", window: "10m" });
    expect(await gate.run(input, time.ctx)).toEqual({ passed: true, value: 0.95, checks: 2, values: [0.2, 0.95] });
    expect(time.progress[0]).toBe("sum:checkout.success_rate{*}: 0.2 (needs > 0.9) — 1 check, 5m left");
    expect(dd.calls[0]?.query.from).toEqual([String(t0s - 600)]);
  });

  it("fails at the deadline, saying where the metric stayed and listing the values seen", async () => {
    const time = fakeTime();
    const { gate } = actions(datadog, time.sleep);
    scriptValues(dd, [99.1, 98.4, 97.2, 97.5, 97.2]);
    const error = await failure(gate.run(gate.input.parse({ query: QUERY, below: 80, within: "2m" }), time.ctx));
    expect(error.message).toBe(`metric gate failed: ${QUERY} stayed at 97.2 (needs < 80) for 2m, down from 99.1 at the first check; values seen: 99.1, 98.4, 97.2, 97.5, 97.2`);
    expect(time.progress.at(-1)).toBe(`${QUERY}: 97.2 (needs < 80) — 5 checks, 0s left`);
    expect(time.elapsedSec()).toBe(120);
    expect(dd.calls).toHaveLength(5);
  });

  it("says so when the metric did not improve at all: the step did not treat the cause", async () => {
    const time = fakeTime();
    const { gate } = actions(datadog, time.sleep);
    scriptValues(dd, [38.2, 39, 38.6]);
    const error = await failure(gate.run(gate.input.parse({ query: "sum:trace.http.request.errors{service:api}.as_rate()", below: 5, within: "2m" }), time.ctx));
    expect(error.message).toBe("metric gate failed: sum:trace.http.request.errors{service:api}.as_rate() stayed at 38.6 (needs < 5) for 2m, no improvement since the first check (38.2); values seen: 38.2, 39, 38.6, 38.6, 38.6");
  });

  it("runs on its own clock when given one, so the sandbox can fast-forward a 10-minute gate", async () => {
    let now = t0.getTime();
    const slept: number[] = [];
    const [gate] = datadogActions(datadog, { now: () => new Date(now), sleep: async (ms) => void (slept.push(ms), (now += ms)) });
    scriptValues(dd, [38.2]);
    // The step's own clock stands still: only the gate's clock decides when it gives up.
    const stepClock = { ...fakeTime().ctx, now: () => t0 };
    const error = await failure(gate!.run(gate!.input.parse({ query: QUERY, below: 5, within: "10m", every: "1m" }), stepClock));
    expect(error.message).toContain("for 10m, no improvement");
    expect(slept).toEqual(Array(10).fill(60_000));
  });

  it("caps the list of values in a long failure to where it started and where it ended", async () => {
    const time = fakeTime();
    const { gate } = actions(datadog, time.sleep);
    scriptValues(dd, Array.from({ length: 21 }, (_, i) => 99 - i / 10));
    const error = await failure(gate.run(gate.input.parse({ query: QUERY, below: 80, within: "10m" }), time.ctx));
    expect(error.message).toBe(
      `metric gate failed: ${QUERY} stayed at 97 (needs < 80) for 10m, down from 99 at the first check; values seen: 99, 98.9, …, 97.7, 97.6, 97.5, 97.4, 97.3, 97.2, 97.1, 97 (21 in all)`,
    );
  });

  it("keeps trying while there is no data, and says so at the deadline", async () => {
    const time = fakeTime();
    const { gate } = actions(datadog, time.sleep);
    dd.setMetrics(() => []);
    const error = await failure(gate.run(gate.input.parse({ query: QUERY, below: 80, within: "1m" }), time.ctx));
    expect(error.message).toBe(`metric gate failed: ${QUERY} returned no data for 1m (3 checks); check the metric name and tags`);
    expect(time.progress).toEqual([
      `${QUERY}: no data yet — 1 check, 1m left`,
      `${QUERY}: no data yet — 2 checks, 30s left`,
      `${QUERY}: no data yet — 3 checks, 0s left`,
    ]);
  });

  it("rides out a Datadog outage (500, 429) and passes once values come back", async () => {
    const time = fakeTime();
    const { gate } = actions(datadog, time.sleep);
    scriptValues(dd, [42]);
    dd.failNext("GET /api/v1/query", 500);
    dd.failNext("GET /api/v1/query", 429);
    const output = await gate.run(gate.input.parse({ query: QUERY, below: 80, within: "10m" }), time.ctx);
    expect(output).toEqual({ passed: true, value: 42, checks: 3, values: [42] });
    expect(time.progress.slice(0, 2)).toEqual([
      `${QUERY}: could not read (Datadog answered the metric query with 500 Emulated failure 500) — 1 check, 10m left`,
      `${QUERY}: could not read (Datadog answered the metric query with 429 Too many requests: Datadog is rate limiting metric queries; try again shortly) — 2 checks, 9m30s left`,
    ]);
  });

  it("stops at once on a wrong key, with a reason that names the settings and never the keys", async () => {
    const time = fakeTime();
    const keys = { apiKey: "dd-wrong-api-key-7f3a", appKey: "dd-wrong-app-key-91c2" };
    const wrong = createDatadog({ ...keys, apiUrl: dd.url });
    const { gate, event } = actions(wrong, time.sleep);
    const error = await failure(gate.run(gate.input.parse({ query: QUERY, below: 80, within: "10m" }), time.ctx));
    expect(error).toMatchObject({ name: "VendorError", code: "http_403" });
    expect(error.message).toBe(
      "Datadog answered the metric query with 403 Forbidden: check DATADOG_API_KEY and DATADOG_APP_KEY (the application key needs the timeseries_query scope)",
    );
    expect(dd.calls).toHaveLength(1);

    const posting = await failure(event.run(event.input.parse({ title: "t", text: "x" }), time.ctx));
    expect(posting.message).toBe("Datadog answered the event with 403 Forbidden: check DATADOG_API_KEY");
    for (const e of [error, posting]) {
      expect(`${e.message} ${e.stack ?? ""} ${JSON.stringify(e)}`).not.toMatch(/wrong-(api|app)-key/);
    }
  });

  it("posts the event its plan shows, byte for byte, and returns the full id", async () => {
    const time = fakeTime();
    const { event } = actions(datadog, time.sleep);
    const input = event.input.parse({
      title: "Traffic moved to the backup cluster",
      text: "%%% \nRequested by **INC-42**.\n %%%",
      tags: ["incident:inc-42", "service:api"],
      alert_type: "warning",
    });
    const plan = await event.plan(input, time.ctx);
    const output = await event.run(input, time.ctx);

    const posted = dd.events.at(-1);
    expect(output).toEqual({ id: posted?.idStr });
    expect(posted?.idStr).toMatch(/^\d{19}$/);
    expect(plan.details[0]?.text).toBe(`POST /api/v1/events\n${JSON.stringify(posted?.body, null, 2)}`);
    expect(posted?.body).toEqual({
      alert_type: "warning",
      tags: ["incident:inc-42", "service:api", "source:firebreak"],
      text: "%%% \nRequested by **INC-42**.\n %%%",
      title: "Traffic moved to the backup cluster",
    });
    // Events need only the API key, and the client sends no other.
    expect(dd.calls.at(-1)?.headers["dd-application-key"]).toBeUndefined();
  });

  it("posts a step marker with its time, grouping key and alert type", async () => {
    const at = new Date(t0.getTime() - 90_000);
    const marker = stepEventMarker({
      incidentHumanId: "INC-42", playbookTitle: "Orders DB CPU", stepTitle: "Fail over", action: "traffic.shift",
      outcome: "succeeded", approvedBy: ["Ana", "Bo"], at, services: ["api"],
    });
    const { id } = await datadog.postEvent(marker);
    const posted = dd.events.at(-1);
    expect(id).toBe(posted?.idStr);
    expect(JSON.stringify(posted?.body)).toBe(JSON.stringify(datadogEventBody(marker)));
    expect(posted?.body).toMatchObject({ date_happened: t0s - 90, aggregation_key: "firebreak:inc-42", alert_type: "success" });
  });

  it("stops within moments when the step is cancelled, with real waiting", async () => {
    scriptValues(dd, [99]);
    const { gate } = actions(datadog);
    const controller = new AbortController();
    const progress: string[] = [];
    const ctx: ActionContext = {
      log: undefined as never, signal: controller.signal, now: () => new Date(),
      progress: (text) => {
        progress.push(text);
        controller.abort();
      },
    };
    const started = performance.now();
    const error = await failure(gate.run(gate.input.parse({ query: QUERY, below: 80, within: "10m" }), ctx));
    expect(error.name).toBe("AbortError");
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(progress).toHaveLength(1);
    expect(dd.calls).toHaveLength(1);
  });

  it("refuses a query that returns several series instead of picking one", async () => {
    const time = fakeTime();
    const grouped: DatadogPort = { ...datadog, queryMetric: async () => ({ points: [[t0.getTime(), 99]], series: 3 }) };
    const { gate } = actions(grouped, time.sleep);
    const error = await failure(gate.run(gate.input.parse({ query: "avg:postgresql.cpu{*} by {db}", below: 80, within: "10m" }), time.ctx));
    expect(error.message).toBe('metric gate failed: avg:postgresql.cpu{*} by {db} returns 3 series and the gate needs one; aggregate it (drop "by {…}")');
  });
});

describe("Datadog adapter when Datadog does not answer", () => {
  // Accepts connections and never answers, as a hung proxy or a black-holed route would.
  const server = createServer(() => {});
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("gives up on a request after its timeout, as a transient failure", async () => {
    const hung = createDatadog({ apiKey: "k-1234", appKey: "a-1234", apiUrl: url }, { requestTimeoutMs: 100 });
    const error = await failure(hung.queryMetric(QUERY, t0s - 300, t0s));
    expect(error).toMatchObject({ name: "VendorError", code: "timeout", message: "Datadog did not answer the metric query within 0.1s" });
  });

  it("names the network error when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = createDatadog({ apiKey: "k-1234", appKey: "a-1234", apiUrl: `http://127.0.0.1:${port}` });
    const error = await failure(nowhere.queryMetric(QUERY, t0s - 300, t0s));
    expect(error).toMatchObject({ code: "request_failed", message: "Datadog could not be reached for the metric query: fetch failed (ECONNREFUSED)" });
  });

  it("abandons a request in flight when the caller aborts", async () => {
    const hung = createDatadog({ apiKey: "k-1234", appKey: "a-1234", apiUrl: url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const error = await failure(hung.postEvent({ title: "t", text: "x", tags: [] }, controller.signal));
    expect(error.name).toBe("AbortError");
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
