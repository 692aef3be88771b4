// The PagerDuty emulator's routes for paging more people: listing escalation policies, services
// and users by name (what `/incident escalate` offers), responder requests on an incident, and
// creating an incident on a service. Strict as PagerDuty's reference is:
// - POST /incidents/{id}/responder_requests ("Create a responder request for an incident",
//   operationId createIncidentResponderRequest; test/fixtures/pagerduty/rest/README.md) takes
//   `requester_id`, `message` and `responder_request_targets[].responder_request_target`
//   `{id, type}` with type `user_reference` or `escalation_policy_reference`; the requester comes
//   from the body, not from the From header; it answers 200 (not 201) with the request; an unknown
//   incident is 404, a malformed body 400.
// - POST /incidents (PagerDuty/developer-docs docs/REST-API/15-Incident-Creation-API.md): needs
//   From, `type: "incident"`, a `title` and a `service` reference; "If an incident exists on the
//   provided service with the same incident key, a subsequent Incident Create request will be
//   denied with a 400 Bad Request." Answers 201 with the incident.
// - GET /escalation_policies, /services (and /users, in the emulator itself) take `query`, which
//   filters by name, and page classically (docs/REST-API/09-Pagination.md).
// - GET /incidents takes `incident_key` ("List incidents"), how a caller finds the incident an
//   earlier create made.

export interface EmulatedService {
  id: string;
  name: string;
  escalationPolicyId: string;
}

export interface EmulatedEscalationPolicy {
  id: string;
  name: string;
}

export interface EmulatedResponderRequest {
  incidentId: string;
  requesterId: string;
  message: string;
  targets: { id: string; type: "user_reference" | "escalation_policy_reference" }[];
  requestedAt: string;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Ref = (type: string, path: string, id: string, summary: string) => Record<string, unknown>;

/** What the routes need from the emulator that holds them. */
export interface EscalationState {
  services: Map<string, EmulatedService>;
  policies: Map<string, EmulatedEscalationPolicy>;
  responderRequests: EmulatedResponderRequest[];
  ref: Ref;
  userRef: (id: string) => Record<string, unknown>;
  hasUser: (id: string) => boolean;
  userIdByEmail: (email: string) => string | undefined;
  now: () => string;
  error: (status: number, code: number, message: string, errors?: string[]) => Reply;
  incidents: {
    get(id: string): { id: string; title: string; status: string; serviceId: string; incidentKey: string | null } | undefined;
    list(): { id: string; status: string; serviceId: string; incidentKey: string | null }[];
    create(seed: { title: string; serviceId: string; serviceName: string; escalationPolicyId: string; incidentKey: string | null; details: string | null }): { id: string };
    json(id: string): unknown;
  };
  requester(from: string | undefined): { id: string } | Reply;
}

/** Classic pagination over `items`: limit 1..100 (default 25), offset + limit ≤ 10,000. */
export function classicPage<T>(state: Pick<EscalationState, "error">, query: Record<string, string[]>, items: T[], key: string, toJson: (item: T) => unknown): Reply {
  const limit = Math.min(Math.max(Number(query.limit?.[0] ?? 25) || 25, 1), 100);
  const offset = Math.max(Number(query.offset?.[0] ?? 0) || 0, 0);
  if (offset + limit > 10_000) return state.error(400, 2001, "Invalid Input Provided", ["Offset + limit must not exceed 10000"]);
  const total = query.total?.[0] === "true" ? items.length : null;
  return { status: 200, body: { [key]: items.slice(offset, offset + limit).map(toJson), limit, offset, more: offset + limit < items.length, total } };
}

const nameMatches = (query: Record<string, string[]>) => {
  const wanted = (query.query?.[0] ?? "").toLowerCase();
  return (name: string) => name.toLowerCase().includes(wanted);
};

const TARGET_TYPES = ["user_reference", "escalation_policy_reference"] as const;

export function escalationRoutes(state: EscalationState) {
  const policyJson = (p: EmulatedEscalationPolicy) => ({ ...state.ref("escalation_policy", "escalation_policies", p.id, p.name), name: p.name, escalation_rules: [], services: [], teams: [] });
  const serviceJson = (s: EmulatedService) => ({
    ...state.ref("service", "services", s.id, s.name),
    name: s.name,
    status: "active",
    escalation_policy: state.ref("escalation_policy_reference", "escalation_policies", s.escalationPolicyId, state.policies.get(s.escalationPolicyId)?.name ?? s.escalationPolicyId),
  });

  function responderRequest(incidentId: string, body: unknown): Reply {
    const incident = state.incidents.get(incidentId);
    if (!incident) return state.error(404, 5001, "Incident Not Found");
    const input = (body ?? {}) as { requester_id?: unknown; message?: unknown; responder_request_targets?: unknown };
    const problems: string[] = [];
    if (typeof input.requester_id !== "string" || input.requester_id === "") problems.push("requester_id is required");
    else if (!state.hasUser(input.requester_id)) problems.push("Requester User Not Found");
    if (typeof input.message !== "string" || input.message.trim() === "") problems.push("message is required");
    const targets: EmulatedResponderRequest["targets"] = [];
    if (!Array.isArray(input.responder_request_targets) || input.responder_request_targets.length === 0) problems.push("responder_request_targets must be a non-empty array");
    else {
      for (const [i, wrapper] of input.responder_request_targets.entries()) {
        const target = (wrapper as { responder_request_target?: { id?: unknown; type?: unknown } } | null)?.responder_request_target;
        if (typeof target?.id !== "string" || !TARGET_TYPES.includes(target.type as never)) {
          problems.push(`responder_request_targets[${i}].responder_request_target must be {id, type: user_reference|escalation_policy_reference}`);
          continue;
        }
        const known = target.type === "user_reference" ? state.hasUser(target.id) : state.policies.has(target.id);
        if (!known) problems.push(`responder_request_targets[${i}]: ${target.type === "user_reference" ? "User" : "Escalation Policy"} ${target.id} Not Found`);
        else targets.push({ id: target.id, type: target.type as EmulatedResponderRequest["targets"][number]["type"] });
      }
    }
    if (problems.length > 0) return state.error(400, 2001, "Invalid Input Provided", problems);
    const request: EmulatedResponderRequest = { incidentId, requesterId: input.requester_id as string, message: input.message as string, targets, requestedAt: state.now() };
    state.responderRequests.push(request);
    const incidentRef = state.ref("incident_reference", "incidents", incident.id, incident.title);
    return {
      status: 200,
      body: {
        responder_request: {
          incident: incidentRef,
          requester: state.userRef(request.requesterId),
          requested_at: request.requestedAt,
          message: request.message,
          responder_request_targets: targets.map((t) => ({
            responder_request_target: {
              type: t.type === "user_reference" ? "user" : "escalation_policy",
              id: t.id,
              incidents_responders: t.type === "user_reference"
                ? [{ state: "pending", user: state.userRef(t.id), incident: incidentRef, updated_at: request.requestedAt, message: request.message, requester: state.userRef(request.requesterId), requested_at: request.requestedAt }]
                : [],
            },
          })),
        },
      },
    };
  }

  function createIncident(from: string | undefined, body: unknown): Reply {
    const user = state.requester(from);
    if ("status" in user) return user;
    const input = (body as { incident?: Record<string, unknown> } | undefined)?.incident;
    const problems: string[] = [];
    if (!input) return state.error(400, 2001, "Invalid Input Provided", ["incident is required"]);
    if (input.type !== "incident") problems.push("incident.type must be \"incident\"");
    if (typeof input.title !== "string" || input.title.trim() === "") problems.push("Title can't be blank");
    const serviceRef = input.service as { id?: unknown; type?: unknown } | undefined;
    const service = typeof serviceRef?.id === "string" && serviceRef.type === "service_reference" ? state.services.get(serviceRef.id) : undefined;
    if (!service) problems.push("Service not found");
    const key = input.incident_key === undefined || input.incident_key === null ? null : String(input.incident_key);
    if (problems.length > 0 || !service) return state.error(400, 2001, "Invalid Input Provided", problems);
    if (key !== null && state.incidents.list().some((i) => i.serviceId === service.id && i.incidentKey === key && i.status !== "resolved")) {
      return state.error(400, 2001, "Invalid Input Provided", ["Open incident with matching dedup key already exists on this service"]);
    }
    const details = (input.body as { details?: unknown } | undefined)?.details;
    const created = state.incidents.create({
      title: input.title as string, serviceId: service.id, serviceName: service.name, escalationPolicyId: service.escalationPolicyId,
      incidentKey: key, details: typeof details === "string" ? details : null,
    });
    return { status: 201, body: { incident: state.incidents.json(created.id) } };
  }

  /** The reply for a route of this module, or undefined when the path is not one. */
  return function route(method: string, path: string, query: Record<string, string[]>, from: string | undefined, body: unknown): Reply | undefined {
    if (method === "GET" && path === "/escalation_policies") {
      const matches = nameMatches(query);
      return classicPage(state, query, [...state.policies.values()].filter((p) => matches(p.name)), "escalation_policies", policyJson);
    }
    if (method === "GET" && path === "/services") {
      const matches = nameMatches(query);
      return classicPage(state, query, [...state.services.values()].filter((s) => matches(s.name)), "services", serviceJson);
    }
    const policyId = /^\/escalation_policies\/([^/]+)$/.exec(path)?.[1];
    if (method === "GET" && policyId) {
      const policy = state.policies.get(decodeURIComponent(policyId));
      return policy ? { status: 200, body: { escalation_policy: policyJson(policy) } } : state.error(404, 2100, "Not Found");
    }
    const serviceId = /^\/services\/([^/]+)$/.exec(path)?.[1];
    if (method === "GET" && serviceId) {
      const service = state.services.get(decodeURIComponent(serviceId));
      return service ? { status: 200, body: { service: serviceJson(service) } } : state.error(404, 2100, "Not Found");
    }
    if (method === "GET" && path === "/incidents") {
      const key = query.incident_key?.[0];
      const listed = state.incidents.list().filter((i) => key === undefined || i.incidentKey === key);
      return classicPage(state, query, listed, "incidents", (i) => state.incidents.json(i.id));
    }
    if (method === "POST" && path === "/incidents") return createIncident(from, body);
    const requestFor = /^\/incidents\/([^/]+)\/responder_requests$/.exec(path)?.[1];
    if (requestFor && method === "POST") return responderRequest(decodeURIComponent(requestFor), body);
    return undefined;
  };
}
