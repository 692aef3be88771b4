// The sandbox's web page, served locally: the static page, its JSON API (demo-sandbox-api.ts),
// a server-sent event stream that tells the page to refetch whenever the workspace changes, and
// the vendors' stand-in pages that links in Slack messages open (demo-vendor-pages.ts).
//
// It listens before the sandbox starts the rest, because its address is the base of those links.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { DemoHandles } from "./demo-handles.js";
import { createSandboxApi, type Reply, type SandboxApi } from "./demo-sandbox-api.js";

// tsc copies no assets to dist/, so both src/sandbox/demo and dist/sandbox/demo read the page from the sources.
const WEB_DIR = new URL("../../../src/sandbox/demo/web/", import.meta.url);
const ASSET = /^\/([a-z0-9-]+\.(html|js|css))$/;
const TYPES: Record<string, string> = { html: "text/html", js: "text/javascript", css: "text/css" };
const MAX_BODY = 1024 * 1024;

export interface DemoWebServer {
  /** http://127.0.0.1:<port>/ */
  url: string;
  /** The same without the trailing slash, the base of the stand-in pages' links. */
  base: string;
  /** Starts answering the page's API; until then it answers 503. */
  serve(handles: DemoHandles): Promise<void>;
  close(): Promise<void>;
}

export async function startDemoWebServer(port: number): Promise<DemoWebServer> {
  const streams = new Set<ServerResponse>();
  let base = "";
  let handles: DemoHandles | undefined;
  let api: SandboxApi | undefined;
  // A burst of emulator events (a channel, its members, a header, a pin) is one refetch.
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      for (const stream of streams) stream.write("event: changed\ndata: {}\n\n");
    }, 50);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = url.pathname;
    if (!api || !handles) return send(res, { status: 503, body: { error: "The sandbox is still starting; reload in a moment." } });
    if (req.method === "GET" && route === "/api/events") return stream(res);
    const vendor = req.method === "GET" ? handles.vendorPage(route) : undefined;
    if (vendor !== undefined) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(vendor);
      return;
    }
    if (req.method === "GET" && route === "/api/state") return send(res, { status: 200, body: await api.state(url.searchParams.get("user") ?? "") });
    if (req.method === "GET") return serveAsset(res, route === "/" ? "/index.html" : route);
    if (req.method !== "POST") return send(res, { status: 405, body: { error: "Use GET or POST." } });
    const body = await readJson(req);
    const responseKey = /^\/slack\/response\/([a-f0-9]+)$/.exec(route)?.[1];
    if (responseKey) return send(res, api.respond(responseKey, body));
    const name = route.replace(/^\/api\//, "").replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const endpoint = route.startsWith("/api/") && Object.hasOwn(api.endpoints, name) ? api.endpoints[name] : undefined;
    if (!endpoint) return send(res, { status: 404, body: { error: `Nothing is served at ${route}.` } });
    send(res, await endpoint(body));
  }

  function stream(res: ServerResponse) {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write("retry: 1000\n\n");
    streams.add(res);
    res.on("close", () => streams.delete(res));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof z.ZodError) return send(res, { status: 400, body: { error: `Bad request: ${z.prettifyError(error)}` } });
      if (error instanceof SyntaxError) return send(res, { status: 400, body: { error: `Bad request: ${error.message}` } });
      send(res, { status: 500, body: { error: String(error) } });
    });
  });
  // Clients close idle connections first (see src/http/server.ts): no reset under a reused one.
  server.keepAliveTimeout = 65_000;
  // The event stream stays open; a comment now and then keeps idle-connection reapers off it.
  const keepAlive = setInterval(() => streams.forEach((s) => s.write(": keep-alive\n\n")), 15_000);
  const close = async () => {
    clearInterval(keepAlive);
    clearTimeout(timer);
    api?.close();
    streams.forEach((s) => s.end());
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "EADDRINUSE" ? new Error(`port ${port} is in use; pass --port <another> to firebreak demo`) : error));
      server.listen(port, "127.0.0.1", () => resolve());
    });
  } catch (error) {
    clearInterval(keepAlive);
    throw error;
  }
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    base,
    async serve(ready) {
      api = await createSandboxApi(ready, { baseUrl: () => base, changed });
      handles = ready;
    },
    close,
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new SyntaxError(`body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as unknown) : {};
}

async function serveAsset(res: ServerResponse, path: string): Promise<void> {
  const match = ASSET.exec(path);
  if (!match) return send(res, { status: 404, body: { error: `Nothing is served at ${path}.` } });
  try {
    const content = await readFile(new URL(match[1]!, WEB_DIR));
    res.writeHead(200, { "content-type": `${TYPES[match[2]!]}; charset=utf-8`, "cache-control": "no-store", "content-length": content.length }).end(content);
  } catch {
    send(res, { status: 404, body: { error: `Nothing is served at ${path}.` } });
  }
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  const payload = JSON.stringify(reply.body ?? {});
  res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(payload) }).end(payload);
}
