// `?watch=1`: one JSON object per line, `{"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":...}`,
// on a response that stays open until timeoutSeconds or the client leaves. A watch from
// resourceVersion N replays every change after N and then streams; from "0" or none it starts
// with an ADDED per existing object. A version older than the server still remembers is answered
// with an ERROR event carrying a 410 Expired Status, and the client lists again.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
// https://kubernetes.io/docs/reference/using-api/api-concepts/#semantics-for-watch
import type { ServerResponse } from "node:http";
import type { Json } from "./patches.js";
import { failure } from "./statuses.js";

type JsonObject = { [key: string]: Json };

export interface ChangeEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** Plural resource name. */
  resource: string;
  resourceVersion: number;
  object: JsonObject;
}

export interface WatchFeed {
  /** Changes still remembered, oldest first. */
  backlog(): ChangeEvent[];
  /** The oldest version a watch can still start from. */
  oldestVersion(): number;
  currentVersion(): number;
  subscribe(listener: (event: ChangeEvent) => void): () => void;
}

export interface WatchRequest {
  resource: string;
  matches: (object: JsonObject) => boolean;
  /** What exists now and matches, for a watch without a usable resourceVersion. */
  current: () => JsonObject[];
  resourceVersion: string | undefined;
  sendInitialEvents: boolean;
  timeoutSeconds: number | undefined;
}

const line = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;

export function streamWatch(res: ServerResponse, feed: WatchFeed, request: WatchRequest): void {
  res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked", "cache-control": "no-cache, private" });
  // The server answers a watch at once; a client waits for these headers before it reads events.
  res.flushHeaders();
  const from = request.resourceVersion === undefined || request.resourceVersion === "" ? 0 : Number(request.resourceVersion);
  const relevant = (event: ChangeEvent) => event.resource === request.resource && request.matches(event.object);

  if (!Number.isInteger(from) || from < 0) {
    res.end(line("ERROR", failure(400, `invalid resource version: ${request.resourceVersion}`, "BadRequest")));
    return;
  }
  if (from > 0 && from < feed.oldestVersion() - 1) {
    res.end(line("ERROR", failure(410, `too old resource version: ${from} (${feed.oldestVersion() - 1})`, "Expired")));
    return;
  }

  if (from === 0 || request.sendInitialEvents) {
    for (const object of request.current()) res.write(line("ADDED", object));
    if (request.sendInitialEvents) {
      // The watch-list protocol: a bookmark marks where the initial state ends.
      const bookmark = { kind: "", apiVersion: "", metadata: { resourceVersion: String(feed.currentVersion()), annotations: { "k8s.io/initial-events-end": "true" } } };
      res.write(line("BOOKMARK", bookmark));
    }
  } else {
    for (const event of feed.backlog()) if (event.resourceVersion > from && relevant(event)) res.write(line(event.type, event.object));
  }

  const unsubscribe = feed.subscribe((event) => {
    if (relevant(event)) res.write(line(event.type, event.object));
  });
  const timer = request.timeoutSeconds ? setTimeout(() => res.end(), request.timeoutSeconds * 1000) : undefined;
  timer?.unref();
  res.on("close", () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  });
}
