// HEAD-based health checks (load balancers, uptime monitors) get what GET gets, without the body.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthRoutes } from "../../src/http/health-routes.js";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/kernel/log.js";
import { createMetrics } from "../../src/kernel/metrics.js";
import { rawRequest, type RawResponse } from "../reliability/helpers/raw-http.js";

let server: HttpServer;
let base: string;
let unready: string | undefined;

beforeAll(async () => {
  const routes = healthRoutes({ metrics: createMetrics(), readiness: { unreadyReason: async () => unready } });
  server = createHttpServer({ routes, log: createLogger({ destination: new Writable({ write: (_chunk, _encoding, done) => done() }) }) });
  base = `http://127.0.0.1:${await server.listen(0, "127.0.0.1")}`;
});
afterAll(() => server.close(0));

const withoutDate = ({ date: _date, ...headers }: RawResponse["headers"]) => headers;

describe("HEAD on the health endpoints", () => {
  it.each([
    ["/healthz", undefined, 200],
    ["/readyz", undefined, 200],
    ["/readyz", "database unreachable: ECONNREFUSED", 503],
  ])("HEAD %s (unready: %s) answers %i with GET's headers and no body", async (path, reason, status) => {
    unready = reason;
    const get = await rawRequest(base, { method: "GET", path });
    const head = await rawRequest(base, { method: "HEAD", path });
    expect(get.status).toBe(status);
    expect(get.text.length).toBeGreaterThan(0);
    expect(head.status).toBe(status);
    expect(withoutDate(head.headers)).toEqual(withoutDate(get.headers));
    expect(head.text).toBe("");
  });

  it("HEAD /metrics answers 200 with the Prometheus content type and no body", async () => {
    const get = await rawRequest(base, { method: "GET", path: "/metrics" });
    const head = await rawRequest(base, { method: "HEAD", path: "/metrics" });
    expect(head.status).toBe(200);
    expect(head.headers["content-type"]).toBe(get.headers["content-type"]);
    // The counters move between the two requests, so the lengths differ; HEAD still states one.
    expect(Number(head.headers["content-length"])).toBeGreaterThan(0);
    expect(head.text).toBe("");
  });

  it("a refused method names HEAD among those allowed", async () => {
    const refused = await rawRequest(base, { method: "POST", path: "/healthz", body: "{}" });
    expect(refused.status).toBe(405);
    expect(refused.headers.allow).toBe("GET, HEAD");
  });
});
