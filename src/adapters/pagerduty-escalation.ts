// The escalation port over PagerDuty's REST API: search whom to page, responder requests, and
// incidents created from Slack. Errors come from createPagerdutyRequest (VendorError http_<status>).
import { z } from "zod";
import type { Config } from "../kernel/config.js";
import type { EscalationPort, EscalationTarget, EscalationTargetKind, PagingIncidentRef } from "../ports/paging.js";
import { VendorError } from "../ports/vendor-error.js";
import { createPagerdutyRequest, type PagerdutyRequest } from "./pagerduty.js";

type PagerdutyConfig = NonNullable<Config["pagerduty"]>;

const named = z.object({ id: z.string(), name: z.string().nullish(), summary: z.string().nullish(), email: z.string().nullish() });
const serviceSchema = named.extend({ escalation_policy: z.object({ id: z.string() }).nullish() });
const incidentRef = z.object({ id: z.string(), html_url: z.string().nullish() });
const respondersSchema = z.object({
  incident: z.object({ incidents_responders: z.array(z.object({ message: z.string().nullish(), requested_at: z.string().nullish() })).nullish() }),
});

// A few of each kind: the menu shows at most 100 options, and a person types more to narrow it.
const PER_KIND = 10;

const paths: Record<EscalationTargetKind, { list: string; one: string; key: "escalation_policies" | "services" | "users"; single: "escalation_policy" | "service" | "user" }> = {
  escalation_policy: { list: "/escalation_policies", one: "/escalation_policies/", key: "escalation_policies", single: "escalation_policy" },
  service: { list: "/services", one: "/services/", key: "services", single: "service" },
  user: { list: "/users", one: "/users/", key: "users", single: "user" },
};

function toTarget(kind: EscalationTargetKind, raw: unknown): EscalationTarget {
  const item = serviceSchema.parse(raw);
  const name = item.name ?? item.summary ?? item.id;
  return { kind, id: item.id, name: kind === "user" && item.email ? `${name} (${item.email})` : name, ...(item.escalation_policy && { escalationPolicyId: item.escalation_policy.id }) };
}

const toRef = (raw: unknown): PagingIncidentRef => {
  const incident = incidentRef.parse(raw);
  return { id: incident.id, htmlUrl: incident.html_url ?? null };
};

export function createPagerdutyEscalation(config: PagerdutyConfig, options: { timeoutMs?: number; request?: PagerdutyRequest } = {}): EscalationPort {
  const request = options.request ?? createPagerdutyRequest(config, options);
  let requesterId: Promise<string> | undefined;

  // A responder request names its requester by id in the body (the fixture README: no From
  // header is declared for it), so the From user's id is looked up once.
  function fromUserId(): Promise<string> {
    requesterId ??= (async () => {
      const page = z.object({ users: z.array(named) }).parse(await request("GET", "/users", { query: { query: config.fromEmail } }));
      const user = page.users.find((u) => u.email?.toLowerCase() === config.fromEmail.toLowerCase());
      if (!user) throw new VendorError("pagerduty", "requester_not_found", `PagerDuty has no user with the email ${config.fromEmail} (PAGERDUTY_FROM_EMAIL)`);
      return user.id;
    })().catch((error: unknown) => {
      requesterId = undefined;
      throw error;
    });
    return requesterId;
  }

  return {
    async searchTargets(query) {
      const kinds: EscalationTargetKind[] = ["escalation_policy", "service", "user"];
      const pages = await Promise.all(kinds.map(async (kind) => {
        const data = (await request("GET", paths[kind].list, { query: { query, limit: String(PER_KIND) } })) as Record<string, unknown>;
        return z.array(z.unknown()).parse(data[paths[kind].key]).map((item) => toTarget(kind, item));
      }));
      return pages.flat();
    },
    async target(kind, id) {
      try {
        const data = (await request("GET", `${paths[kind].one}${encodeURIComponent(id)}`)) as Record<string, unknown>;
        return toTarget(kind, data[paths[kind].single]);
      } catch (error) {
        if (error instanceof VendorError && error.code === "http_404") return undefined;
        throw error;
      }
    },
    async requestResponders(pagerdutyIncidentId, { message, target }) {
      const type = target.kind === "user" ? "user_reference" : "escalation_policy_reference";
      await request("POST", `/incidents/${encodeURIComponent(pagerdutyIncidentId)}/responder_requests`, {
        data: { requester_id: await fromUserId(), message, responder_request_targets: [{ responder_request_target: { id: target.id, type } }] },
      });
    },
    async responderRequests(pagerdutyIncidentId) {
      const data = respondersSchema.parse(await request("GET", `/incidents/${encodeURIComponent(pagerdutyIncidentId)}`));
      return (data.incident.incidents_responders ?? []).flatMap((r) => (r.message && r.requested_at ? [{ message: r.message, requestedAt: new Date(r.requested_at) }] : []));
    },
    async createIncident({ title, serviceId, incidentKey, details }) {
      const data = z.object({ incident: z.unknown() }).parse(await request("POST", "/incidents", {
        data: { incident: { type: "incident", title, service: { id: serviceId, type: "service_reference" }, incident_key: incidentKey, body: { type: "incident_body", details } } },
      }));
      return toRef(data.incident);
    },
    async userEmail(userId) {
      try {
        const data = z.object({ user: named }).parse(await request("GET", `/users/${encodeURIComponent(userId)}`));
        return data.user.email ?? undefined;
      } catch (error) {
        if (error instanceof VendorError && error.code === "http_404") return undefined;
        throw error;
      }
    },
    async incidentByKey(incidentKey) {
      const data = z.object({ incidents: z.array(z.unknown()) }).parse(await request("GET", "/incidents", { query: { incident_key: incidentKey } }));
      return data.incidents[0] === undefined ? undefined : toRef(data.incidents[0]);
    },
  };
}
