// One port for everything: Slack, vendor webhooks and health. Routes are plain handlers that
// return a response; errors are CodedErrors mapped to a status and a one-line reason here.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { CodedError, toCodedError } from "../kernel/errors.js";
import type { Logger } from "../kernel/log.js";
import type { Metrics } from "../kernel/metrics.js";
import { drainUnreadBody, MAX_BODY_BYTES, readBody } from "./read-body.js";

export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw body, read once, at most 1 MB. */
  body(): Promise<Buffer>;
  log: Logger;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer | Record<string, unknown>;
}

export type Handler = (req: HttpRequest) => Promise<HttpResponse>;
export type Routes = Record<string, Partial<Record<"GET" | "POST" | "PUT" | "DELETE", Handler>>>;

export interface HttpServer {
  server: Server;
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

export function createHttpServer(options: { routes: Routes; log: Logger; metrics?: Metrics; bodyLimit?: number }): HttpServer {
  const { routes, log, metrics } = options;

  const server = createServer((req, res) => {
    // Nothing a request does may take the process down; the last resort answers 500.
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error }, "unhandled error while answering a request");
      if (!res.headersSent) send(res, errorResponse(toCodedError(error)));
    });
  });
  // Slow or idle clients must not pin sockets during an alert storm.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  // Idle keep-alive connections outlive the client's or load balancer's idle timeout (AWS's ALB
  // keeps 60 s), so the client closes first; with Node's 5 s default a request sent on a connection
  // the server is closing is reset, and the sender sees an error instead of an answer.
  server.keepAliveTimeout = 65_000;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = performance.now();
    // A request line such as "GET //[/" is not a URL; it gets a 400, like any malformed input.
    const target = req.url ?? "/";
    const url = URL.canParse(target, "http://localhost") ? new URL(target, "http://localhost") : undefined;
    if (!url) {
      send(res, errorResponse(new CodedError("malformed_body", "The request target is not a valid URL path.")));
      metrics?.httpRequests.inc({ route: "unmatched", status: "400" });
      return;
    }
    const route = routes[url.pathname];
    const routeLabel = route ? url.pathname : "unmatched";
    // Made on first use: most requests never log, and the status page answers thousands a second.
    let child: Logger | undefined;
    const requestLog = () => (child ??= log.child({ requestId: randomUUID(), method: req.method, path: url.pathname }));
    let response: HttpResponse;
    try {
      if (!route) throw new CodedError("not_found", `Nothing is served at ${url.pathname}.`);
      // HEAD is GET without the body (RFC 9110 §9.3.2): Node's response drops the body for a HEAD
      // request and keeps the headers, content-length included, so HEAD-based health checks work.
      const handler = req.method === "HEAD" ? route.GET : route[req.method as keyof typeof route];
      if (!handler) {
        const allow = allowedMethods(route).join(", ");
        response = errorResponse(new CodedError("method_not_allowed", `${req.method} is not allowed here; use ${allow}.`));
        response.headers = { ...response.headers, allow };
      } else {
        let body: Promise<Buffer> | undefined;
        response = await handler({
          method: req.method ?? "GET",
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: () => (body ??= readBody(req, options.bodyLimit ?? MAX_BODY_BYTES)),
          get log() {
            return requestLog();
          },
        });
      }
    } catch (error) {
      const coded = toCodedError(error);
      requestLog()[coded.level]({ err: coded.cause ?? coded, code: coded.code }, coded.message);
      response = errorResponse(coded);
      // Close after answering: what is left of a refused body is drained only up to a bound.
      if (coded.code === "body_too_large") response.headers = { ...response.headers, connection: "close" };
    }
    // A request that declares no body has none to drain (RFC 9112 §6.3).
    if (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined) await drainUnreadBody(req);
    send(res, response);
    metrics?.httpRequests.inc({ route: routeLabel, status: String(response.status) });
    metrics?.httpDuration.observe({ route: routeLabel }, (performance.now() - started) / 1000);
  }

  return {
    server,
    listen: (port, host = "0.0.0.0") =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      }),
    close: (graceMs = 10_000) =>
      new Promise((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function allowedMethods(route: Routes[string]): string[] {
  const methods = Object.keys(route);
  return route.GET ? [...methods, "HEAD"] : methods;
}

export function errorResponse(error: CodedError): HttpResponse {
  return { status: error.status, body: { ok: false, error: error.code, message: error.message } };
}

function send(res: ServerResponse, response: HttpResponse) {
  if (res.headersSent) return;
  let payload: string | Buffer = "";
  const headers: Record<string, string> = { ...response.headers };
  if (Buffer.isBuffer(response.body) || typeof response.body === "string") {
    payload = response.body;
    headers["content-type"] ??= "text/plain; charset=utf-8";
  } else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers["content-type"] ??= "application/json; charset=utf-8";
  }
  res.writeHead(response.status, { ...headers, "content-length": String(Buffer.byteLength(payload)) });
  res.end(payload);
}
