// Plumbing the REST emulators (PagerDuty, Datadog) share.
import type { IncomingHttpHeaders, Server } from "node:http";

/** A request an emulator received, and the status it answered. */
export interface RecordedCall {
  method: string;
  /** The path as sent (still percent-encoded). */
  path: string;
  query: Record<string, string[]>;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
}

/** Unparseable bodies are kept as text, so a test can see what was sent. */
export function parseBody(raw: string): unknown {
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** "PUT /incidents/*\/notes" or "/oncalls": `*` stands for one path segment; no method means any. */
export function patternMatcher(pattern: string | RegExp): (call: string) => boolean {
  if (pattern instanceof RegExp) return (call) => pattern.test(call);
  const [first, second] = pattern.trim().split(/\s+/);
  const method = second ? first : "[A-Z]+";
  const path = (second ?? first ?? "").split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]+");
  const regex = new RegExp(`^${method} ${path}$`);
  return (call) => regex.test(call);
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeAllConnections();
    server.close((err) => (err ? reject(err) : resolve()));
  });
}
