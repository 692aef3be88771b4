// GET /status, /status.json and /status/feed.atom: the public status page, from the rendered
// cache (no database query per request). An ETag the client already holds gets 304 Not Modified
// (RFC 9110 §13.1.2); max-age is short because a page may change any minute during an incident.
import { CodedError } from "../kernel/errors.js";
import type { StatusFormat, StatusPageCache } from "../incidents/public-updates/status-page-cache.js";
import type { HttpRequest, Routes } from "./server.js";

export const STATUS_PATHS = { html: "/status", json: "/status.json", atom: "/status/feed.atom" } as const satisfies Record<StatusFormat, string>;

const CACHE_CONTROL = "public, max-age=5";

export function statusRoutes(cache: StatusPageCache): Routes {
  const serve = (format: StatusFormat) => async (req: HttpRequest) => {
    const page = await cache.get(format);
    if (!page) throw new CodedError("not_ready", "The status page is not ready yet; try again in a moment.");
    const headers = { etag: page.etag, "cache-control": CACHE_CONTROL, "content-type": page.contentType, "x-content-type-options": "nosniff" };
    if (matches(req.headers["if-none-match"], page.etag)) return { status: 304, headers };
    return { status: 200, headers, body: page.body };
  };
  return Object.fromEntries(Object.entries(STATUS_PATHS).map(([format, path]) => [path, { GET: serve(format as StatusFormat) }]));
}

/** If-None-Match: "*" or a list of entity tags, compared weakly (RFC 9110 §13.1.2). */
function matches(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const value = Array.isArray(header) ? header.join(",") : header;
  if (value.trim() === "*") return true;
  return value.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
