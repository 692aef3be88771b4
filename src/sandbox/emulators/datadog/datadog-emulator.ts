// A local Datadog API (node:http only) for tests and the sandbox: the v1 metric query Firebreak's
// verify gates read and the v1 events it posts, in the shapes Datadog's own client recorded
// (test/fixtures/datadog/api). Metric values are scripted by the test; posted events are kept.
// Every call is recorded, and failNext() scripts failures.
//
// Point the official client here without its 1.4 s root import (only the API classes):
//   import { createConfiguration } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-common/configuration.js";
//   import { BaseServerConfiguration } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-common/servers.js";
//   import { MetricsApi } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-v1/apis/MetricsApi.js";
//   const configuration = createConfiguration({
//     baseServer: new BaseServerConfiguration(emulator.url, {}),
//     authMethods: { apiKeyAuth: emulator.apiKey, appKeyAuth: emulator.appKey },
//   });
//   new MetricsApi(configuration).queryMetrics({ from, to, query });
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer, parseBody, patternMatcher, type RecordedCall } from "../http-kit.js";

/** [epoch milliseconds, value], as in Datadog's pointlist. */
export type MetricPoint = [number, number | null];

/** Answers a metric query; `from` and `to` are epoch seconds, as the API takes them. */
export type MetricScript = (query: string, from: number, to: number) => MetricPoint[];

export interface PostedEvent {
  /** The id as Datadog's id_str: it does not fit a JS number. */
  idStr: string;
  title: string;
  text: string;
  tags: string[];
  dateHappened: number;
  body: Record<string, unknown>;
}

export type { RecordedCall };

export interface DatadogEmulatorOptions {
  apiKey?: string;
  appKey?: string;
  now?: () => Date;
  metrics?: MetricScript;
  /** Base of the event links Datadog returns (default https://app.datadoghq.com). */
  appUrl?: string;
}

export interface DatadogEmulator {
  readonly url: string;
  readonly apiKey: string;
  readonly appKey: string;
  readonly calls: RecordedCall[];
  readonly events: PostedEvent[];
  setMetrics(script: MetricScript): void;
  /** The next `times` requests matching `pattern` ("POST /api/v1/events", "/api/v1/*" or a RegExp over "METHOD /path") fail with `status`. */
  failNext(pattern: string | RegExp, status: number, times?: number, body?: unknown): void;
  close(): Promise<void>;
}

type Reply = { status: number; body?: unknown; raw?: string; headers?: Record<string, string> };

// Datadog's v1 error shape; its events endpoint labels even JSON errors text/plain (see the fixture).
const errors = (status: number, ...messages: string[]): Reply => ({ status, body: { errors: messages } });

// Header names from https://docs.datadoghq.com/api/latest/rate-limits/; the body is not documented.
// The official client, when retrying, sleeps X-RateLimit-Reset seconds, so keep it short.
const RATE_LIMITED: Reply = {
  status: 429,
  headers: {
    "x-ratelimit-limit": "100", "x-ratelimit-period": "60", "x-ratelimit-remaining": "0",
    "x-ratelimit-reset": "1", "x-ratelimit-name": "emulated",
  },
  body: { errors: ["Too many requests"] },
};

// The events API refuses events older than this ("Limited to events no older than 18 hours").
const MAX_EVENT_AGE_SECONDS = 18 * 60 * 60;

export async function startDatadogEmulator(options: DatadogEmulatorOptions = {}): Promise<DatadogEmulator> {
  const apiKey = options.apiKey ?? "dd-emulator-api-key";
  const appKey = options.appKey ?? "dd-emulator-app-key";
  const now = options.now ?? (() => new Date());
  const appUrl = options.appUrl ?? "https://app.datadoghq.com";
  let metrics: MetricScript = options.metrics ?? (() => []);
  const calls: RecordedCall[] = [];
  const events: PostedEvent[] = [];
  const failures: { match: (call: string) => boolean; reply: Reply; times: number }[] = [];
  // Above 2^53, like real event ids, so a client that reads `id` instead of `id_str` is caught.
  let nextEventId = 6327818702635911562n;
  let url = "";

  function queryMetrics(query: Record<string, string[]>): Reply {
    const [from, to, expression] = [query.from?.[0], query.to?.[0], query.query?.[0]];
    if (!from || !to || !expression) return errors(400, "The parameters 'from', 'to' and 'query' are required");
    if (!/^\d+$/.test(from) || !/^\d+$/.test(to)) return errors(400, "'from' and 'to' must be epoch seconds");
    const pointlist = metrics(expression, Number(from), Number(to));
    const parsed = /^(?:(\w+):)?([^{\s]+)\s*(?:\{([^}]*)\})?/.exec(expression);
    const metric = parsed?.[2] ?? expression;
    const first = pointlist[0]?.[0] ?? Number(from) * 1000;
    const last = pointlist.at(-1)?.[0] ?? Number(to) * 1000;
    const step = pointlist.length > 1 ? ((pointlist[1]?.[0] ?? first) - first) / 1000 : 60;
    const series = pointlist.length === 0 ? [] : [{
      end: last, attributes: {}, metric, interval: step, tag_set: [], start: first, length: pointlist.length,
      query_index: 0, aggr: parsed?.[1] ?? null, scope: parsed?.[3] ?? "*", pointlist, expression,
      unit: [null, null], display_name: metric,
    }];
    return {
      status: 200,
      body: {
        status: "ok", resp_version: 1, series, to_date: Number(to) * 1000, query: expression, message: "",
        res_type: "time_series", times: [], from_date: Number(from) * 1000, group_by: [], values: [],
      },
    };
  }

  function postEvent(body: unknown): Reply {
    const bad = (message: string): Reply => ({ ...errors(400, message), headers: { "content-type": "text/plain; charset=utf-8" } });
    if (typeof body !== "object" || body === null || Array.isArray(body)) return bad("Invalid JSON body");
    const event = body as Record<string, unknown>;
    if (typeof event.title !== "string" || event.title === "") return bad("Event title is required");
    if (typeof event.text !== "string") return bad("Event text is required");
    const nowSeconds = Math.floor(now().getTime() / 1000);
    const dateHappened = typeof event.date_happened === "number" ? event.date_happened : nowSeconds;
    if (dateHappened < nowSeconds - MAX_EVENT_AGE_SECONDS) return bad("Event too far in the past");
    const tags = Array.isArray(event.tags) ? event.tags.filter((tag): tag is string => typeof tag === "string") : [];
    const idStr = String(nextEventId++);
    events.push({ idStr, title: event.title, text: event.text, tags, dateHappened, body: event });
    const response = {
      status: "ok",
      event: {
        id: "<id>", id_str: idStr, title: event.title, text: event.text, date_happened: dateHappened,
        handle: null, priority: event.priority ?? null, related_event_id: event.related_event_id ?? null, tags,
        url: `${appUrl}/event/event?id=${idStr}`,
      },
    };
    // Written as Datadog does: `id` is a bare JSON number with every digit, so JSON.parse rounds it.
    return { status: 202, raw: JSON.stringify(response).replace('"<id>"', idStr) };
  }

  function route(method: string, path: string, headers: IncomingHttpHeaders, query: Record<string, string[]>, body: unknown): Reply {
    const hasApiKey = headers["dd-api-key"] === apiKey;
    const hasAppKey = headers["dd-application-key"] === appKey;
    // Validate API key: https://docs.datadoghq.com/api/latest/authentication/#validate-api-key
    // (200 {"valid": true}; 403 {"errors": ["Forbidden"]}). No application key is needed.
    if (method === "GET" && path === "/api/v1/validate") return hasApiKey ? { status: 200, body: { valid: true } } : errors(403, "Forbidden");
    if (method === "GET" && path === "/api/v1/query") return hasApiKey && hasAppKey ? queryMetrics(query) : errors(403, "Forbidden");
    // Posting events needs only the API key; the official client sends no application key for it.
    if (method === "POST" && path === "/api/v1/events") return hasApiKey ? postEvent(body) : errors(403, "Forbidden");
    return errors(404, "Not found");
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? "/", url);
    const method = req.method ?? "GET";
    const query: Record<string, string[]> = {};
    for (const [key, value] of requestUrl.searchParams) (query[key] ??= []).push(value);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = parseBody(Buffer.concat(chunks).toString("utf8"));
    const failure = failures.find((f) => f.times > 0 && f.match(`${method} ${requestUrl.pathname}`));
    if (failure) failure.times -= 1;
    const reply = failure ? failure.reply : route(method, requestUrl.pathname, req.headers, query, body);
    calls.push({ method, path: requestUrl.pathname, query, headers: req.headers, body, status: reply.status });
    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    res.end(reply.raw ?? (reply.body === undefined ? undefined : JSON.stringify(reply.body)));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [String(err)] }));
    });
  });
  // Clients close idle connections first (see src/http/server.ts): no reset under a reused one.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiKey,
    appKey,
    calls,
    events,
    setMetrics(script) {
      metrics = script;
    },
    failNext(pattern, status, times = 1, body) {
      const match = patternMatcher(pattern);
      const reply = status === 429 && body === undefined ? RATE_LIMITED : { status, body: body ?? { errors: [`Emulated failure ${status}`] } };
      failures.push({ match, reply, times });
    },
    close: () => closeServer(server),
  };
}
