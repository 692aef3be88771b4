// The Statuspage REST v1 subset Firebreak calls, with the API's refusals. The rules cite the
// OpenAPI description Atlassian renders at https://developer.statuspage.io (a verbatim excerpt
// is in test/fixtures/statuspage): paths are /pages/{page_id}/…, bodies are wrapped in a root key
// (`{"incident": {…}}`), create answers 201 and update 200, and errors are ErrorEntity,
// `{"message": string}`, with 404 for an unknown page or incident and 422 for an invalid body.
import { randomBytes } from "node:crypto";

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const errorReply = (status: number, message: string): Reply => ({ status, body: { message } });

// Incident.status: "For realtime incidents, valid values are investigating, identified,
// monitoring, and resolved. For scheduled incidents, valid values are scheduled, in_progress,
// verifying, and completed." Only realtime incidents are emulated.
const REALTIME_STATUSES = ["investigating", "identified", "monitoring", "resolved"];
const SCHEDULED_STATUSES = ["scheduled", "in_progress", "verifying", "completed"];
// Component.status enum, the empty string included.
const COMPONENT_STATUSES = ["operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage", ""];
const SEVERITY: Record<string, number> = { operational: 0, "": 0, under_maintenance: 1, degraded_performance: 2, partial_outage: 3, major_outage: 4 };
const IMPACTS = ["none", "none", "maintenance", "minor", "major", "critical"];

export interface EmulatedComponent {
  id: string;
  name: string;
  status: string;
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface EmulatedIncidentUpdate {
  id: string;
  status: string;
  body: string;
  createdAt: string;
  affectedComponents: { code: string; name: string; old_status: string; new_status: string }[];
}

export interface EmulatedIncident {
  id: string;
  name: string;
  status: string;
  impact: string;
  metadata: Record<string, Record<string, unknown>>;
  componentIds: string[];
  createdAt: string;
  updatedAt: string;
  monitoringAt: string | null;
  resolvedAt: string | null;
  /** Oldest first here; the API lists them newest first. */
  updates: EmulatedIncidentUpdate[];
}

export interface EmulatedPage {
  id: string;
  name: string;
  createdAt: string;
  components: Map<string, EmulatedComponent>;
  incidents: EmulatedIncident[];
}

export interface RouteContext {
  page(id: string): EmulatedPage | undefined;
  now(): string;
  webUrl: string;
}

/** Statuspage ids are 12 lowercase letters and digits (`gytm4qzbx9t6`). */
export function newId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(12)].map((b) => alphabet[b % alphabet.length]).join("");
}

type Body = Record<string, unknown>;

export function route(ctx: RouteContext, method: string, pathname: string, query: URLSearchParams, rawBody: unknown): Reply {
  // The prose examples add `.json` to paths (`/pages/asdf123/incidents.json`); both forms are read alike.
  const parts = pathname.replace(/\.json$/, "").split("/").slice(1).map((p) => decodeURIComponent(p));
  if (parts[0] !== "pages" || !parts[1]) return errorReply(404, "The requested resource could not be found.");
  const page = ctx.page(parts[1]);
  if (!page) return errorReply(404, "The requested resource could not be found.");
  const [resource, id, extra] = parts.slice(2);
  const body: Body = typeof rawBody === "object" && rawBody !== null ? (rawBody as Body) : {};
  const call = `${method} ${resource ?? ""}${id ? "/:id" : ""}${extra ? "/:x" : ""}`;
  switch (call) {
    case "GET ": return { status: 200, body: pageJson(ctx, page) };
    case "GET components": return { status: 200, body: [...page.components.values()].map((c) => componentJson(page, c)) };
    case "GET components/:id": {
      const component = page.components.get(id!);
      return component ? { status: 200, body: componentJson(page, component) } : errorReply(404, "The requested resource could not be found.");
    }
    case "GET incidents": return listIncidents(ctx, page, query);
    case "POST incidents": return createIncident(ctx, page, body);
    case "GET incidents/:id": {
      // GET /incidents/unresolved: "Get a list of unresolved incidents", paged by page/per_page.
      if (id === "unresolved") return listUnresolved(ctx, page, query);
      const incident = page.incidents.find((i) => i.id === id);
      return incident ? { status: 200, body: incidentJson(ctx, page, incident) } : errorReply(404, "The requested resource could not be found.");
    }
    case "PATCH incidents/:id":
    case "PUT incidents/:id": {
      const incident = page.incidents.find((i) => i.id === id);
      return incident ? updateIncident(ctx, page, incident, body) : errorReply(404, "The requested resource could not be found.");
    }
    default: return errorReply(404, "The requested resource could not be found.");
  }
}

function positiveInt(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}

// GET /incidents: `q` "search for the text query string in the incidents' name, status,
// postmortem_body, and incident_updates fields"; `limit` "The default and maximum limit is
// 100"; `page` "Page offset to fetch". Newest first, as the dashboard lists them.
function listIncidents(ctx: RouteContext, page: EmulatedPage, query: URLSearchParams): Reply {
  const limit = positiveInt(query.get("limit"), 100);
  const offset = positiveInt(query.get("page"), 1);
  if (limit === undefined || offset === undefined) return errorReply(400, "limit and page must be positive integers");
  const q = query.get("q")?.toLowerCase();
  const matches = newestFirst(page.incidents).filter(
    (i) => !q || [i.name, i.status, ...i.updates.map((u) => u.body)].some((text) => text.toLowerCase().includes(q)),
  );
  const size = Math.min(limit, 100);
  return { status: 200, body: matches.slice((offset - 1) * size, offset * size).map((i) => incidentJson(ctx, page, i)) };
}

function listUnresolved(ctx: RouteContext, page: EmulatedPage, query: URLSearchParams): Reply {
  const perPage = positiveInt(query.get("per_page"), 100);
  const offset = positiveInt(query.get("page"), 1);
  if (perPage === undefined || offset === undefined) return errorReply(400, "page and per_page must be positive integers");
  const open = newestFirst(page.incidents).filter((i) => i.status !== "resolved" && i.status !== "completed");
  return { status: 200, body: open.slice((offset - 1) * perPage, offset * perPage).map((i) => incidentJson(ctx, page, i)) };
}

const newestFirst = (incidents: EmulatedIncident[]) => [...incidents].reverse();

/** The fields both create and update take, checked as the schema describes them; a message on the first problem. */
function validateFields(page: EmulatedPage, fields: Body, creating: boolean): string | undefined {
  const { name, status, body, metadata, components, component_ids: componentIds } = fields;
  // postPagesPageIdIncidents requires `name`: "There is a maximum limit of 255 characters."
  if (creating && (typeof name !== "string" || name.trim() === "")) return "Name can't be blank";
  if (name !== undefined && (typeof name !== "string" || name.length > 255)) return "Name is too long (maximum is 255 characters)";
  if (status !== undefined) {
    if (typeof status !== "string" || !(REALTIME_STATUSES.includes(status) || SCHEDULED_STATUSES.includes(status))) return "Status is not included in the list";
    if (SCHEDULED_STATUSES.includes(status)) return `Status ${status} is only valid for scheduled incidents`;
  }
  // body: "The initial message, created as the first incident update. There is a maximum limit of 25000 characters"
  if (body !== undefined && (typeof body !== "string" || body.length > 25_000)) return "Body is too long (maximum is 25000 characters)";
  // metadata: "Attach a json object to the incident. All top-level values in the object must also be objects."
  if (metadata !== undefined) {
    if (!isObject(metadata)) return "Metadata must be an object";
    if (!Object.values(metadata).every(isObject)) return "Metadata top-level values must be objects";
  }
  // components: a map of component id → status; component_ids: "List of component_ids affected by this incident".
  if (components !== undefined) {
    if (!isObject(components)) return "Components must be a map of component id to status";
    for (const [id, value] of Object.entries(components)) {
      if (!page.components.has(id)) return `Component ${id} could not be found`;
      if (typeof value !== "string" || !COMPONENT_STATUSES.includes(value)) return `Component status ${String(value)} is not included in the list`;
    }
  }
  if (componentIds !== undefined) {
    if (!Array.isArray(componentIds) || !componentIds.every((c) => typeof c === "string")) return "Component ids must be a list of component ids";
    const unknown = componentIds.find((c) => !page.components.has(c as string));
    if (unknown !== undefined) return `Component ${String(unknown)} could not be found`;
  }
  return undefined;
}

function createIncident(ctx: RouteContext, page: EmulatedPage, body: Body): Reply {
  if (!isObject(body.incident)) return errorReply(400, "incident is missing");
  const fields = body.incident;
  const problem = validateFields(page, fields, true);
  if (problem) return errorReply(422, problem);
  const now = ctx.now();
  const incident: EmulatedIncident = {
    id: newId(),
    name: fields.name as string,
    status: (fields.status as string | undefined) ?? "investigating",
    impact: "none",
    metadata: (fields.metadata as EmulatedIncident["metadata"] | undefined) ?? {},
    componentIds: [],
    createdAt: now,
    updatedAt: now,
    monitoringAt: null,
    resolvedAt: null,
    updates: [],
  };
  page.incidents.push(incident);
  applyChange(ctx, page, incident, fields, true);
  return { status: 201, body: incidentJson(ctx, page, incident) };
}

function updateIncident(ctx: RouteContext, page: EmulatedPage, incident: EmulatedIncident, body: Body): Reply {
  if (!isObject(body.incident)) return errorReply(400, "incident is missing");
  const problem = validateFields(page, body.incident, false);
  if (problem) return errorReply(422, problem);
  applyChange(ctx, page, incident, body.incident, false);
  return { status: 200, body: incidentJson(ctx, page, incident) };
}

/** Status, body and component changes; a new status or body adds an incident update, as the dashboard does. */
function applyChange(ctx: RouteContext, page: EmulatedPage, incident: EmulatedIncident, fields: Body, creating: boolean): void {
  const now = ctx.now();
  const affected: EmulatedIncidentUpdate["affectedComponents"] = [];
  const statuses = (fields.components ?? {}) as Record<string, string>;
  for (const id of new Set([...((fields.component_ids as string[] | undefined) ?? []), ...Object.keys(statuses)])) {
    const component = page.components.get(id)!;
    if (!incident.componentIds.includes(id)) incident.componentIds.push(id);
    const next = statuses[id];
    if (next === undefined || next === component.status) continue;
    affected.push({ code: id, name: component.name, old_status: component.status, new_status: next });
    component.status = next;
    component.updatedAt = now;
  }
  if (typeof fields.name === "string") incident.name = fields.name;
  if (isObject(fields.metadata)) incident.metadata = fields.metadata as EmulatedIncident["metadata"];
  const status = typeof fields.status === "string" ? fields.status : undefined;
  if (status) incident.status = status;
  if (status === "monitoring") incident.monitoringAt ??= now;
  if (status === "resolved") incident.resolvedAt ??= now;
  const worst = Math.max(0, ...incident.componentIds.map((id) => SEVERITY[page.components.get(id)!.status] ?? 0));
  if (incident.status !== "resolved") incident.impact = IMPACTS[worst + 1] ?? "none";
  if (creating || status !== undefined || typeof fields.body === "string") {
    incident.updates.push({ id: newId(), status: incident.status, body: typeof fields.body === "string" ? fields.body : "", createdAt: now, affectedComponents: affected });
  }
  incident.updatedAt = now;
}

function pageJson(ctx: RouteContext, page: EmulatedPage) {
  return {
    id: page.id, name: page.name, created_at: page.createdAt, updated_at: page.createdAt, subdomain: page.id,
    url: `${ctx.webUrl}/${page.id}`, time_zone: "Etc/UTC", page_description: null, headline: null, branding: "basic",
  };
}

function componentJson(page: EmulatedPage, c: EmulatedComponent) {
  return {
    id: c.id, page_id: page.id, group_id: null, name: c.name, description: null, position: c.position, status: c.status,
    showcase: true, only_show_if_degraded: false, automation_email: `component+${c.id}@notifications.statuspage.io`,
    start_date: null, created_at: c.createdAt, updated_at: c.updatedAt, group: false,
  };
}

function incidentJson(ctx: RouteContext, page: EmulatedPage, i: EmulatedIncident) {
  return {
    id: i.id, page_id: page.id, name: i.name, status: i.status, impact: i.impact, impact_override: null,
    created_at: i.createdAt, updated_at: i.updatedAt, started_at: i.createdAt, monitoring_at: i.monitoringAt, resolved_at: i.resolvedAt,
    shortlink: `${ctx.webUrl}/incidents/${i.id}`, metadata: i.metadata, postmortem_body: null,
    components: i.componentIds.map((id) => componentJson(page, page.components.get(id)!)),
    // Newest first, as Statuspage lists an incident's updates.
    incident_updates: [...i.updates].reverse().map((u) => ({
      id: u.id, incident_id: i.id, status: u.status, body: u.body, created_at: u.createdAt, updated_at: u.createdAt, display_at: u.createdAt,
      affected_components: u.affectedComponents, deliver_notifications: true, custom_tweet: null, tweet_id: null,
    })),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
