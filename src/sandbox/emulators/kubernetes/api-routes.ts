// From an API request to what the server answers: discovery, then the REST paths of the served
// resources (`/api/v1/...` for the core group, `/apis/<group>/<version>/...` otherwise), namespaced
// or across all namespaces, with get, list (selectors, limit/continue, Table), watch, update and
// patch. Anything else gets the Status a real server sends for it.
// https://kubernetes.io/docs/reference/using-api/api-concepts/
import type { ClusterState, Reply } from "./cluster-state.js";
import { aggregatedDiscovery, AGGREGATED_DISCOVERY, coreVersions, findResource, groupDocument, groupList, resourceList, versionInfo, type ApiResource } from "./discovery.js";
import type { Json } from "./patches.js";
import { fieldMatcher, labelMatcher, SelectorError } from "./selectors.js";
import { failure, type Addressed } from "./statuses.js";
import { toTable, wantsTable, type IncludeObject } from "./tables.js";
import type { WatchRequest } from "./watch-stream.js";

type JsonObject = { [key: string]: Json };

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  accept: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

export type Outcome = (Reply & { contentType?: string }) | { watch: WatchRequest };

/** Paths the API server's default RBAC (system:public-info-viewer) lets anyone read. */
export const PUBLIC_PATHS = new Set(["/version", "/healthz", "/livez", "/readyz"]);

interface Target {
  resource: ApiResource;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

const notFoundPath: Reply = { status: 404, body: failure(404, "the server could not find the requested resource", "NotFound") };
const notAllowed: Reply = { status: 405, body: failure(405, "the server does not allow this method on the requested resource", "MethodNotAllowed") };
const badRequest = (message: string): Reply => ({ status: 400, body: failure(400, message, "BadRequest") });

function discovery(request: ApiRequest, serverAddress: string): Outcome | undefined {
  const { path, accept } = request;
  // kubectl 1.30+ asks /api and /apis for the aggregated document first; a server that answers
  // with the legacy one (plain application/json) makes it fall back to a request per group.
  const aggregated = (accept ?? "").split(",").some((m) => m.replace(/\s+/g, "").includes("g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"));
  if (path === "/version") return { status: 200, body: versionInfo };
  if (path === "/healthz" || path === "/livez" || path === "/readyz") return { status: 200, body: "ok", contentType: "text/plain; charset=utf-8" };
  if (path === "/api" || path === "/apis") {
    if (aggregated) return { status: 200, body: aggregatedDiscovery(path === "/api"), contentType: AGGREGATED_DISCOVERY };
    return { status: 200, body: path === "/api" ? coreVersions(serverAddress) : groupList() };
  }
  if (path === "/api/v1") return { status: 200, body: resourceList("", "v1") };
  const group = /^\/apis\/([^/]+)$/.exec(path);
  if (group) {
    const document = groupDocument(group[1]!);
    return document ? { status: 200, body: document } : notFoundPath;
  }
  const version = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (version) {
    const list = resourceList(version[1]!, version[2]!);
    return list ? { status: 200, body: list } : notFoundPath;
  }
  return undefined;
}

function target(path: string): Target | undefined {
  const prefix = /^\/api\/(v1)\/(.+)$/.exec(path) ?? /^\/apis\/([^/]+\/[^/]+)\/(.+)$/.exec(path);
  if (!prefix) return undefined;
  const [group, version] = prefix[1] === "v1" && path.startsWith("/api/") ? ["", "v1"] : prefix[1]!.split("/");
  let rest = prefix[2]!.split("/").map(decodeURIComponent);
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 3) return undefined;
  const resource = findResource(group!, version!, rest[0]!);
  if (!resource || (resource.namespaced && namespace === undefined && rest.length > 1)) return undefined;
  return { resource, namespace, name: rest[1], subresource: rest[2] };
}

/** The RBAC view of a request, for Status messages and injected failures. */
export function addressedBy(method: string, path: string, query: Record<string, string>): Addressed | undefined {
  const t = target(path);
  if (!t) return undefined;
  const verb =
    method === "GET" ? (t.name ? "get" : query.watch === "1" || query.watch === "true" ? "watch" : "list")
    : method === "PUT" ? "update" : method === "PATCH" ? "patch" : method === "POST" ? "create" : method === "DELETE" ? (t.name ? "delete" : "deletecollection") : method.toLowerCase();
  return { resource: t.resource.name, group: t.resource.group, namespace: t.namespace ?? "", ...(t.name ? { name: t.name } : {}), verb };
}

/** A list's continue token: where the next page starts, and the version the list was taken at. */
const encodeContinue = (rv: number, after: string) => Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start: after })).toString("base64url");

function decodeContinue(token: string): { rv: number; start: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { rv?: unknown; start?: unknown };
    return typeof parsed.rv === "number" && typeof parsed.start === "string" ? { rv: parsed.rv, start: parsed.start } : undefined;
  } catch {
    return undefined;
  }
}

const meta = (o: JsonObject) => (o.metadata ?? {}) as JsonObject;
const keyOf = (o: JsonObject) => `${String(meta(o).namespace)}/${String(meta(o).name)}`;

function list(state: ClusterState, t: Target, request: ApiRequest, now: Date): Outcome {
  const { query } = request;
  let matches: (o: JsonObject) => boolean;
  try {
    const labels = labelMatcher(query.labelSelector);
    const fields = fieldMatcher(t.resource.name, query.fieldSelector);
    matches = (o) => labels(meta(o).labels as Record<string, string> | undefined) && fields(o);
  } catch (error) {
    if (error instanceof SelectorError) return badRequest(error.message);
    throw error;
  }
  const current = () => state.objects(t.resource.name, t.namespace).filter(matches);

  if (query.watch === "1" || query.watch === "true") {
    const timeout = query.timeoutSeconds === undefined ? undefined : Number(query.timeoutSeconds);
    const inNamespace = (o: JsonObject) => t.namespace === undefined || meta(o).namespace === t.namespace;
    return {
      watch: {
        resource: t.resource.name, matches: (o) => inNamespace(o) && matches(o), current, resourceVersion: query.resourceVersion,
        sendInitialEvents: query.sendInitialEvents === "true", timeoutSeconds: timeout !== undefined && Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
      },
    };
  }

  let items = current();
  let listVersion = state.currentVersion();
  if (query.continue) {
    const from = decodeContinue(query.continue);
    if (!from) return badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    // A real server reads the page from the snapshot at the token's version; this one reads the
    // live objects after the same key, which is the same whenever nothing changed in between.
    items = items.filter((o) => keyOf(o) > from.start);
    listVersion = from.rv;
  }
  const limit = query.limit === undefined ? 0 : Number(query.limit);
  const listMeta: JsonObject = { resourceVersion: String(listVersion) };
  if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
    listMeta.continue = encodeContinue(listVersion, keyOf(items[limit - 1]!));
    listMeta.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
  }
  if (wantsTable(request.accept)) {
    return { status: 200, body: toTable(t.resource.name, items, now, listMeta, (query.includeObject as IncludeObject | undefined) ?? "Metadata") };
  }
  const apiVersion = t.resource.group === "" ? t.resource.version : `${t.resource.group}/${t.resource.version}`;
  return { status: 200, body: { kind: `${t.resource.kind}List`, apiVersion, metadata: listMeta, items } };
}

export function routeRequest(state: ClusterState, request: ApiRequest, serverAddress: string, now: Date): Outcome {
  const { method, path } = request;
  const found = discovery(request, serverAddress);
  if (found) return method === "GET" ? found : notAllowed;
  const t = target(path);
  const a = addressedBy(method, path, request.query);
  if (!t || !a) return notFoundPath;
  if (t.name === undefined) return method === "GET" ? list(state, t, request, now) : notAllowed;

  const workloadKind = t.resource.name === "deployments" ? "Deployment" : t.resource.name === "statefulsets" ? "StatefulSet" : undefined;
  if (t.subresource !== undefined && !(t.subresource === "scale" && workloadKind) && !(t.subresource === "status" && method === "GET")) {
    return t.resource.subresources.some((s) => s.name === t.subresource) ? notAllowed : notFoundPath;
  }
  const scale = t.subresource === "scale";
  let reply: Reply;
  if (method === "GET") reply = workloadKind ? state.getWorkload(a, workloadKind, scale) : state.getObject(a);
  else if (method === "PUT" || method === "PATCH") {
    if (workloadKind) reply = state.writeWorkload(a, workloadKind, scale, request.contentType, request.body);
    else if (t.resource.name === "httproutes") reply = state.writeRoute(a, request.contentType, request.body);
    else return notAllowed;
  } else return notAllowed;
  if (method === "GET" && reply.status === 200 && !scale && wantsTable(request.accept)) {
    const object = reply.body as JsonObject;
    return { status: 200, body: toTable(t.resource.name, [object], now, { resourceVersion: String(meta(object).resourceVersion) }, (request.query.includeObject as IncludeObject | undefined) ?? "Metadata") };
  }
  return reply;
}
