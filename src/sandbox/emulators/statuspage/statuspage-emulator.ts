// A local Atlassian Statuspage REST API v1 (node:http only) for tests and the sandbox: pages,
// components and realtime incidents with their updates, in the shapes of the OpenAPI description
// at https://developer.statuspage.io (excerpt in test/fixtures/statuspage). Like Statuspage it
// wants `Authorization: OAuth <key>` (or the documented `?api_key=` query) and answers 401
// otherwise, and it limits each key to "1 request / second as measured on a 60 second rolling
// window", refusing with 420 ("Error codes 420 or 429 indicate that you have exceeded the rate
// limit and the request has been rejected"). Every request is recorded; failNext(),
// loseNextAnswer() and holdNextAnswer() script failures. Bodies are read as JSON only (the API also takes forms).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer, parseBody, patternMatcher, type RecordedCall } from "../http-kit.js";
import { errorReply, newId, route, type EmulatedComponent, type EmulatedIncident, type EmulatedPage, type Reply } from "./statuspage-routes.js";

export type { RecordedCall, EmulatedIncident, EmulatedComponent };

export interface StatuspageEmulatorOptions {
  apiKey?: string;
  now?: () => Date;
  /** Requests a key may make per window (default 60 per 60 s, the documented limit); false: no limit. */
  rateLimit?: { requests: number; windowMs: number } | false;
  /** The status a rate-limited request gets: the API documents both (default 420). */
  rateLimitStatus?: 420 | 429;
}

export interface StatuspageEmulator {
  readonly url: string;
  readonly apiKey: string;
  readonly calls: RecordedCall[];
  /** A page with the given components (name → initial status, default operational); returns the page id and component ids by name. */
  addPage(name: string, components?: Record<string, string>): { pageId: string; componentIds: Record<string, string> };
  /** The page's incidents, oldest first, each with its updates oldest first. */
  incidents(pageId: string): EmulatedIncident[];
  components(pageId: string): EmulatedComponent[];
  /** The next `times` requests matching `pattern` ("POST /v1/pages/*\/incidents" or a RegExp over "METHOD /path") fail with `status`. */
  failNext(pattern: string | RegExp, status: number, times?: number): void;
  /** The next `times` matching requests are carried out, then the connection drops before the answer. */
  loseNextAnswer(pattern: string | RegExp, times?: number): void;
  /** The next `times` matching requests are carried out and never answered: the caller is stuck mid-call (until it gives up or dies). */
  holdNextAnswer(pattern: string | RegExp, times?: number): void;
  close(): Promise<void>;
}

export async function startStatuspageEmulator(options: StatuspageEmulatorOptions = {}): Promise<StatuspageEmulator> {
  const apiKey = options.apiKey ?? "statuspage-emulator-key-0000000000000000";
  const now = options.now ?? (() => new Date());
  const limit = options.rateLimit ?? { requests: 60, windowMs: 60_000 };
  const pages = new Map<string, EmulatedPage>();
  const calls: RecordedCall[] = [];
  const failures: { match: (call: string) => boolean; status: number; times: number }[] = [];
  const lostAnswers: { match: (call: string) => boolean; times: number }[] = [];
  const heldAnswers: { match: (call: string) => boolean; times: number }[] = [];
  const recent: number[] = [];
  const ctx = { page: (id: string) => pages.get(id), now: () => now().toISOString(), webUrl: "https://stspg.io" };

  // securitySchemes.api_key: "Passing your API key in an authorization header" as
  // `Authorization: OAuth <key>`, or "in a query parameter" as `?api_key=<key>`.
  function authorized(req: IncomingMessage, url: URL): boolean {
    const [scheme, value] = (req.headers.authorization ?? "").trim().split(/\s+/, 2);
    if (scheme !== undefined && scheme.toLowerCase() === "oauth" && value === apiKey) return true;
    return req.headers.authorization === undefined && url.searchParams.get("api_key") === apiKey;
  }

  function rateLimited(): boolean {
    if (limit === false) return false;
    const at = now().getTime();
    while (recent.length > 0 && recent[0]! <= at - limit.windowMs) recent.shift();
    if (recent.length >= limit.requests) return true;
    recent.push(at);
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator");
    const method = req.method ?? "GET";
    const query: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = parseBody(raw);
    const call = `${method} ${url.pathname}`;
    let reply: Reply;
    if (!authorized(req, url)) reply = errorReply(401, "Could not authenticate");
    else if (rateLimited()) reply = errorReply(options.rateLimitStatus ?? 420, "Rate limit exceeded");
    else {
      const failure = failures.find((f) => f.times > 0 && f.match(call));
      if (failure) {
        failure.times -= 1;
        reply = errorReply(failure.status, failure.status >= 500 ? "Internal server error" : "Emulated failure");
      } else if (raw !== "" && typeof body !== "object") {
        reply = errorReply(400, "The request body could not be parsed as JSON");
      } else {
        // servers[0].url is https://api.statuspage.io/v1: every path sits under /v1.
        reply = url.pathname.startsWith("/v1/") ? route(ctx, method, url.pathname.slice(3), url.searchParams, body) : errorReply(404, "The requested resource could not be found.");
      }
    }
    calls.push({ method, path: url.pathname, query, headers: req.headers, body, status: reply.status });
    const lost = lostAnswers.find((l) => l.times > 0 && l.match(call));
    if (lost && reply.status < 400) {
      lost.times -= 1;
      res.socket?.destroy();
      return;
    }
    const held = heldAnswers.find((h) => h.times > 0 && h.match(call));
    if (held && reply.status < 400) {
      held.times -= 1;
      return;
    }
    res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ message: `Server Error: ${String(err)}` }));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function find(pageId: string): EmulatedPage {
    const page = pages.get(pageId);
    if (!page) throw new Error(`the Statuspage emulator holds no page ${pageId}`);
    return page;
  }

  return {
    url: `${base}/v1`,
    apiKey,
    calls,
    addPage(name, components = {}) {
      const at = now().toISOString();
      const page: EmulatedPage = { id: newId(), name, createdAt: at, components: new Map(), incidents: [] };
      const componentIds: Record<string, string> = {};
      for (const [componentName, status] of Object.entries(components)) {
        const id = newId();
        page.components.set(id, { id, name: componentName, status: status || "operational", position: page.components.size + 1, createdAt: at, updatedAt: at });
        componentIds[componentName] = id;
      }
      pages.set(page.id, page);
      return { pageId: page.id, componentIds };
    },
    incidents: (pageId) => find(pageId).incidents.map((i) => structuredClone(i)),
    components: (pageId) => [...find(pageId).components.values()].map((c) => ({ ...c })),
    failNext(pattern, status, times = 1) {
      failures.push({ match: patternMatcher(pattern), status, times });
    },
    loseNextAnswer(pattern, times = 1) {
      lostAnswers.push({ match: patternMatcher(pattern), times });
    },
    holdNextAnswer(pattern, times = 1) {
      heldAnswers.push({ match: patternMatcher(pattern), times });
    },
    close: () => closeServer(server),
  };
}
