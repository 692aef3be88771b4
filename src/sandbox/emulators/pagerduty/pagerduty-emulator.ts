// A local PagerDuty REST API v2 (node:http only) for tests and the sandbox: the subset Firebreak
// calls, answering in the shapes of PagerDuty's OpenAPI examples (test/fixtures/pagerduty/rest).
// Like PagerDuty it wants `Authorization: Token token=<key>`, and a `From: <email of a user>`
// header on incident changes and notes; on-call entries carry user references unless the caller
// asks for `include[]=users`, which is the only way to get the on-call engineers' emails.
// Every call is recorded, and failNext() scripts failures (a 429 comes with PagerDuty's
// documented rate-limit headers and body).
//
// @pagerduty/pdjs's `server` option always builds https://<server>/..., so point it here with a
// full `url` per call:  api({ token, url: `${emulator.url}/oncalls`, queryParameters: {...} }).
// Its `resource` shortcut only works for *.com hosts; read `data` instead.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer, parseBody, patternMatcher } from "../http-kit.js";
import { escalationRoutes, type EmulatedEscalationPolicy, type EmulatedResponderRequest, type EmulatedService } from "./escalation-routes.js";

export type { EmulatedEscalationPolicy, EmulatedResponderRequest, EmulatedService } from "./escalation-routes.js";

export interface EmulatedUser {
  id: string;
  name: string;
  email: string;
  timeZone?: string;
}

export interface EmulatedOnCall {
  escalationPolicyId: string;
  userId: string;
  escalationLevel?: number;
  scheduleId?: string | null;
  start?: string | null;
  end?: string | null;
  /**
   * Serve this entry's user as a bare user_reference (id and summary, no email) even when
   * include[]=users is asked, as the API's own listOnCalls example shows it: the caller must then
   * read GET /users/{id} for the email.
   */
  userAsReference?: boolean;
}

export interface EmulatedIncidentSeed {
  id: string;
  number?: number;
  title: string;
  status?: "triggered" | "acknowledged" | "resolved";
  urgency?: "high" | "low";
  serviceId?: string;
  serviceName?: string;
  escalationPolicyId?: string;
  assigneeIds?: string[];
  priority?: string | null;
  /** The dedup key it was created with (POST /incidents `incident_key`), if any. */
  incidentKey?: string | null;
}

export interface EmulatedNote {
  id: string;
  userId: string;
  content: string;
  createdAt: string;
}

export interface EmulatedIncident extends Required<Omit<EmulatedIncidentSeed, "priority">> {
  priority: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  lastChangedBy: string | null;
  acknowledgements: { at: string; userId: string }[];
  notes: EmulatedNote[];
}

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string[]>;
  from: string | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
}

export interface PagerdutyEmulatorOptions {
  token?: string;
  now?: () => Date;
  /** Base of html_url links (default: the subdomain used in PagerDuty's examples). */
  webUrl?: string;
}

export interface PagerdutyEmulator {
  readonly url: string;
  readonly token: string;
  readonly calls: RecordedCall[];
  addUser(user: EmulatedUser): EmulatedUser;
  addOnCall(onCall: EmulatedOnCall): EmulatedOnCall;
  addIncident(seed: EmulatedIncidentSeed): EmulatedIncident;
  addService(service: EmulatedService): EmulatedService;
  addEscalationPolicy(policy: EmulatedEscalationPolicy): EmulatedEscalationPolicy;
  /** Every responder request accepted, oldest first. */
  readonly responderRequests: EmulatedResponderRequest[];
  /** Every incident, seeded or created through POST /incidents. */
  incidents(): EmulatedIncident[];
  incident(id: string): EmulatedIncident | undefined;
  /** The next `times` requests matching `pattern` ("PUT /incidents/*", "/oncalls" or a RegExp over "METHOD /path") fail with `status`. */
  failNext(pattern: string | RegExp, status: number, times?: number, body?: unknown): void;
  /**
   * The next `times` matching requests are carried out, then the answer is lost: the connection
   * drops ("drop", the default), the answer is held until the client gives up ("timeout"), or a
   * 500 is answered instead (a number: that status).
   */
  loseNextAnswer(pattern: string | RegExp, times?: number, how?: "drop" | "timeout" | number): void;
  close(): Promise<void>;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

// From PagerDuty's "REST API Rate Limits" page (test/fixtures/pagerduty/rest/error.429.rate-limited.json).
const RATE_LIMITED: Reply = {
  status: 429,
  headers: { "ratelimit-limit": "960", "ratelimit-remaining": "0", "ratelimit-reset": "20" },
  body: { error: { message: "Rate Limit Exceeded", code: 2020 } },
};

const error = (status: number, code: number, message: string, errors?: string[]): Reply => ({
  status,
  body: { error: { message, code, ...(errors && { errors }) } },
});

// Abilities are feature names; "teams" is the one the "List abilities" reference names as its example.
const ABILITIES = ["teams"];

const stamp = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

export async function startPagerdutyEmulator(options: PagerdutyEmulatorOptions = {}): Promise<PagerdutyEmulator> {
  const token = options.token ?? "pd-emulator-token";
  const now = options.now ?? (() => new Date());
  const webUrl = options.webUrl ?? "https://subdomain.pagerduty.com";
  const users = new Map<string, EmulatedUser>();
  const onCalls: EmulatedOnCall[] = [];
  const incidents = new Map<string, EmulatedIncident>();
  const failures: { match: (call: string) => boolean; reply: Reply; times: number }[] = [];
  const lostAnswers: { match: (call: string) => boolean; times: number; how: "drop" | "timeout" | number }[] = [];
  const calls: RecordedCall[] = [];
  let apiUrl = "";
  let nextId = 1;

  const ref = (type: string, path: string, id: string, summary: string) => ({
    id, type, summary, self: `${apiUrl}/${path}/${id}`, html_url: `${webUrl}/${path}/${id}`,
  });
  const userRef = (id: string) => ref("user_reference", "users", id, users.get(id)?.name ?? id);
  const userJson = (user: EmulatedUser) => ({
    ...ref("user", "users", user.id, user.name),
    name: user.name, email: user.email, time_zone: user.timeZone ?? "Etc/UTC", role: "user", teams: [],
  });

  function incidentJson(i: EmulatedIncident) {
    return {
      ...ref("incident", "incidents", i.id, `[#${i.number}] ${i.title}`),
      incident_number: i.number, title: i.title, created_at: i.createdAt, updated_at: i.updatedAt,
      status: i.status, incident_key: i.incidentKey,
      service: ref("service_reference", "services", i.serviceId, i.serviceName),
      assignments: i.status === "resolved" ? [] : i.assigneeIds.map((id) => ({ at: i.createdAt, assignee: userRef(id) })),
      assigned_via: "escalation_policy", last_status_change_at: i.updatedAt, resolved_at: i.resolvedAt,
      last_status_change_by: i.lastChangedBy ? userRef(i.lastChangedBy) : null,
      acknowledgements: i.acknowledgements.map((a) => ({ at: a.at, acknowledger: userRef(a.userId) })),
      escalation_policy: ref("escalation_policy_reference", "escalation_policies", i.escalationPolicyId, i.escalationPolicyId),
      teams: [], priority: i.priority ? ref("priority_reference", "priorities", i.priority, i.priority) : null,
      urgency: i.urgency, resolve_reason: null,
      // Everyone asked to respond: a user target, or whoever is on call for a policy target.
      incidents_responders: responderRequests.filter((r) => r.incidentId === i.id).flatMap((r) =>
        r.targets.flatMap((t) => (t.type === "user_reference" ? [t.id] : onCalls.filter((o) => o.escalationPolicyId === t.id).map((o) => o.userId))).map((userId) => ({
          state: "pending", user: userRef(userId), incident: ref("incident_reference", "incidents", i.id, i.title),
          updated_at: r.requestedAt, message: r.message, requester: userRef(r.requesterId), requested_at: r.requestedAt,
        })),
      ),
    };
  }

  function listOnCalls(query: Record<string, string[]>): Reply {
    const policies = query["escalation_policy_ids[]"] ?? [];
    const userIds = query["user_ids[]"] ?? [];
    const withUsers = (query["include[]"] ?? []).includes("users");
    // earliest=true keeps one entry per policy, level and user: the first seeded stands for the earliest.
    const seen = new Set<string>();
    const earliest = query.earliest?.[0] === "true";
    const matching = onCalls.filter((o) => {
      const key = `${o.escalationPolicyId}:${o.escalationLevel ?? 1}:${o.userId}`;
      const wanted = (!policies.length || policies.includes(o.escalationPolicyId)) && (!userIds.length || userIds.includes(o.userId));
      return wanted && !(earliest && seen.has(key)) && seen.add(key);
    });
    // Classic pagination (PagerDuty/developer-docs docs/REST-API/09-Pagination.md): limit defaults
    // to 25 and cannot exceed 100; offset + limit may not pass 10,000; `total` is null unless
    // total=true is asked.
    const limit = Math.min(Math.max(Number(query.limit?.[0] ?? 25) || 25, 1), 100);
    const offset = Math.max(Number(query.offset?.[0] ?? 0) || 0, 0);
    if (offset + limit > 10_000) return error(400, 2001, "Invalid Input Provided", ["Offset + limit must not exceed 10000"]);
    const oncalls = matching.slice(offset, offset + limit).map((o) => ({
      user: withUsers && !o.userAsReference && users.has(o.userId) ? userJson(users.get(o.userId)!) : userRef(o.userId),
      schedule: o.scheduleId ? ref("schedule_reference", "schedules", o.scheduleId, o.scheduleId) : null,
      escalation_policy: ref("escalation_policy_reference", "escalation_policies", o.escalationPolicyId, o.escalationPolicyId),
      escalation_level: o.escalationLevel ?? 1,
      start: o.start ?? null,
      end: o.end ?? null,
    }));
    const total = query.total?.[0] === "true" ? matching.length : null;
    return { status: 200, body: { oncalls, limit, offset, more: offset + limit < matching.length, total } };
  }

  // GET /users ("List users", https://developer.pagerduty.com/api-reference/c96e889522dd6-list-users):
  // `query` keeps the users whose name or email contains it, case-insensitively; classic pagination.
  function listUsers(query: Record<string, string[]>): Reply {
    const wanted = (query.query?.[0] ?? "").toLowerCase();
    const matching = [...users.values()].filter((u) => u.name.toLowerCase().includes(wanted) || u.email.toLowerCase().includes(wanted));
    const limit = Math.min(Math.max(Number(query.limit?.[0] ?? 25) || 25, 1), 100);
    const offset = Math.max(Number(query.offset?.[0] ?? 0) || 0, 0);
    if (offset + limit > 10_000) return error(400, 2001, "Invalid Input Provided", ["Offset + limit must not exceed 10000"]);
    const total = query.total?.[0] === "true" ? matching.length : null;
    return { status: 200, body: { users: matching.slice(offset, offset + limit).map(userJson), limit, offset, more: offset + limit < matching.length, total } };
  }

  // PUT /incidents/{id} and POST /incidents/{id}/notes act as the user named in From.
  function requester(from: string | undefined): EmulatedUser | Reply {
    if (!from) return error(400, 2001, "You must specify a user's email address in the \"From\" header to perform this action");
    if (!from.includes("@")) return error(400, 1028, "Malformed \"From\" header");
    const user = [...users.values()].find((u) => u.email.toLowerCase() === from.toLowerCase());
    return user ?? error(400, 1008, "Requester User Not Found");
  }

  const services = new Map<string, EmulatedService>();
  const policies = new Map<string, EmulatedEscalationPolicy>();
  const responderRequests: EmulatedResponderRequest[] = [];
  const escalation = escalationRoutes({
    services, policies, responderRequests, ref, userRef,
    hasUser: (id) => users.has(id),
    userIdByEmail: (email) => [...users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase())?.id,
    now: () => stamp(now()),
    error,
    requester,
    incidents: {
      get: (id) => incidents.get(id),
      list: () => [...incidents.values()],
      create(seed) {
        const id = `Q${String(nextId++).padStart(6, "0")}`;
        return addIncident({ id, title: seed.title, serviceId: seed.serviceId, serviceName: seed.serviceName, escalationPolicyId: seed.escalationPolicyId, incidentKey: seed.incidentKey });
      },
      json: (id) => incidentJson(incidents.get(id)!),
    },
  });

  function addIncident(seed: EmulatedIncidentSeed): EmulatedIncident {
    const at = stamp(now());
    const incident: EmulatedIncident = {
      number: incidents.size + 1, status: "triggered", urgency: "high", serviceId: "PSERVICE", serviceName: "Emulated Service",
      escalationPolicyId: "PPOLICY", assigneeIds: [], ...seed, priority: seed.priority ?? null, incidentKey: seed.incidentKey ?? null,
      createdAt: at, updatedAt: at, resolvedAt: null, lastChangedBy: null, acknowledgements: [], notes: [],
    };
    incidents.set(incident.id, incident);
    return incident;
  }

  function updateIncident(incident: EmulatedIncident, from: string | undefined, body: unknown): Reply {
    const user = requester(from);
    if ("status" in user) return user;
    const status = (body as { incident?: { status?: unknown } } | undefined)?.incident?.status;
    if (status !== "acknowledged" && status !== "resolved") return error(400, 1003, "Invalid Status Provided");
    if (incident.status === "resolved") return error(400, 1001, "Incident Already Resolved");
    const at = stamp(now());
    incident.status = status;
    incident.updatedAt = at;
    incident.lastChangedBy = user.id;
    if (status === "acknowledged") incident.acknowledgements.push({ at, userId: user.id });
    else incident.resolvedAt = at;
    return { status: 200, body: { incident: incidentJson(incident) } };
  }

  function noteJson(note: EmulatedNote) {
    const channel = { summary: "The PagerDuty website or APIs" };
    return { id: note.id, user: userRef(note.userId), channel, content: note.content, created_at: note.createdAt, updated_at: note.createdAt };
  }

  function addNote(incident: EmulatedIncident, from: string | undefined, body: unknown): Reply {
    const user = requester(from);
    if ("status" in user) return user;
    const content = (body as { note?: { content?: unknown } } | undefined)?.note?.content;
    if (typeof content !== "string" || content.trim() === "") return error(400, 2001, "Invalid Input Provided", ["Note content can't be blank"]);
    const note: EmulatedNote = { id: `N${String(nextId++).padStart(6, "0")}`, userId: user.id, content, createdAt: stamp(now()) };
    incident.notes.push(note);
    return { status: 200, body: { note: noteJson(note) } };
  }

  function route(method: string, path: string, query: Record<string, string[]>, from: string | undefined, body: unknown): Reply {
    const escalated = escalation(method, path, query, from, body);
    if (escalated) return escalated;
    if (method === "GET" && path === "/oncalls") return listOnCalls(query);
    if (method === "GET" && path === "/users") return listUsers(query);
    // GET /abilities: the account's abilities, readable with any valid key
    // (https://developer.pagerduty.com/api-reference/ "List abilities").
    if (method === "GET" && path === "/abilities") return { status: 200, body: { abilities: ABILITIES } };
    const userId = /^\/users\/([^/]+)$/.exec(path)?.[1];
    const user = userId ? users.get(decodeURIComponent(userId)) : undefined;
    if (method === "GET" && userId) return user ? { status: 200, body: { user: userJson(user) } } : error(404, 2100, "Not Found");
    const match = /^\/incidents\/([^/]+)(\/notes)?$/.exec(path);
    const incident = match?.[1] ? incidents.get(decodeURIComponent(match[1])) : undefined;
    if (!match) return error(404, 2100, "Not Found");
    if (!incident) return error(404, 5001, "Incident Not Found");
    if (!match[2] && method === "GET") return { status: 200, body: { incident: incidentJson(incident) } };
    if (!match[2] && method === "PUT") return updateIncident(incident, from, body);
    if (match[2] && method === "POST") return addNote(incident, from, body);
    // GET /incidents/{id}/notes: every note, oldest first, in one page.
    if (match[2] && method === "GET") return { status: 200, body: { notes: incident.notes.map(noteJson) } };
    return error(404, 2100, "Not Found");
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", apiUrl);
    const method = req.method ?? "GET";
    const query: Record<string, string[]> = {};
    for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = parseBody(Buffer.concat(chunks).toString("utf8"));
    const from = typeof req.headers.from === "string" ? req.headers.from : undefined;
    const failure = failures.find((f) => f.times > 0 && f.match(`${method} ${url.pathname}`));
    let reply: Reply;
    if (req.headers.authorization !== `Token token=${token}`) reply = error(401, 2006, "Authentication failed");
    else if (failure) {
      failure.times -= 1;
      reply = failure.reply;
    } else reply = route(method, url.pathname, query, from, body);
    calls.push({ method, path: url.pathname, query, from, headers: req.headers, body, status: reply.status });
    const lost = lostAnswers.find((l) => l.times > 0 && l.match(`${method} ${url.pathname}`));
    if (lost) {
      lost.times -= 1;
      if (typeof lost.how === "number") reply = genericError(lost.how);
      else if (lost.how === "drop") return void res.socket?.destroy();
      else return void (await new Promise((resolve) => res.once("close", resolve)));
    }
    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(err), code: 2000 } }));
    });
  });
  // Clients close idle connections first (see src/http/server.ts): no reset under a reused one.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: apiUrl,
    token,
    calls,
    addUser: (user) => (users.set(user.id, user), user),
    addOnCall: (onCall) => (onCalls.push(onCall), onCall),
    addIncident,
    addService: (service) => (services.set(service.id, service), service),
    addEscalationPolicy: (policy) => (policies.set(policy.id, policy), policy),
    responderRequests,
    incidents: () => [...incidents.values()],
    incident: (id) => incidents.get(id),
    failNext(pattern, status, times = 1, body) {
      const match = patternMatcher(pattern);
      const reply: Reply = status === 429 && body === undefined ? RATE_LIMITED : { status, body: body ?? genericError(status).body };
      failures.push({ match, reply, times });
    },
    loseNextAnswer(pattern, times = 1, how = "drop") {
      lostAnswers.push({ match: patternMatcher(pattern), times, how });
    },
    close: () => closeServer(server),
  };
}


const genericError = (status: number) =>
  status >= 500 ? error(status, 2000, "An internal error has occurred. PagerDuty team has been notified.") : error(status, 2002, "Arguments Caused Error");
