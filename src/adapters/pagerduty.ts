// The paging port over @pagerduty/pdjs. pdjs resolves non-2xx responses instead of rejecting,
// so every status is checked here; changes carry the From header PagerDuty requires.
import { loadOnce } from "../kernel/load-once.js";
import { z } from "zod";
import type { Config } from "../kernel/config.js";
import type { PagingPort } from "../ports/paging.js";
import { VendorError } from "../ports/vendor-error.js";

type PagerdutyConfig = NonNullable<Config["pagerduty"]>;

const notesSchema = z.object({ notes: z.array(z.object({ content: z.string(), created_at: z.string() })) });

// One page of GET /oncalls. `user` is a full user (with email) when include[]=users is honoured,
// and a user_reference (id, no email) as in the API's own example otherwise.
const oncallsPageSchema = z.object({
  oncalls: z.array(z.object({ user: z.object({ id: z.string(), email: z.string().optional() }).nullish() })),
  more: z.boolean().nullish(),
});
const userSchema = z.object({ user: z.object({ id: z.string(), email: z.string().optional() }) });

// Classic pagination (https://developer.pagerduty.com/docs/pagination): ask again with a larger
// offset while `more` is true; offset + limit may not pass 10,000.
const MAX_OFFSET = 10_000;

interface PdResponse {
  data?: unknown;
  response?: { status: number; ok: boolean };
}

// Loaded on first use: start-up (readiness) never calls PagerDuty.
const pdjs = loadOnce(() => import("@pagerduty/pdjs"));

export type PagerdutyRequest = (method: "GET" | "POST" | "PUT", path: string, options?: { data?: unknown; query?: Record<string, string | string[]> }) => Promise<unknown>;

/** One REST call: the From header on every call, a timeout, and any non-2xx thrown as VendorError("pagerduty", "http_<status>"). */
export function createPagerdutyRequest(config: PagerdutyConfig, options: { timeoutMs?: number } = {}): PagerdutyRequest {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (method, path, options = {}) => {
    let result: PdResponse;
    try {
      result = (await (await pdjs()).api({
        token: config.token,
        // pdjs builds https://<server>/<endpoint>; a full url lets tests and proxies use any base.
        url: `${config.apiUrl}${path}`,
        method,
        headers: { From: config.fromEmail },
        retryTimeout: 2_000,
        // pdjs's own requestTimeout aborts nothing; without a signal a lost answer hangs the job.
        signal: AbortSignal.timeout(timeoutMs),
        ...(options.data !== undefined && { data: options.data }),
        ...(options.query && { queryParameters: options.query }),
      } as never)) as PdResponse;
    } catch (error) {
      const status = (error as PdResponse).response?.status;
      throw new VendorError("pagerduty", status ? `http_${status}` : "request_failed", `PagerDuty ${method} ${path} failed${status ? ` (${status})` : ""}`, { cause: error });
    }
    const status = result.response?.status ?? 0;
    if (status < 200 || status >= 300) {
      const detail = (result.data as { error?: { message?: string } } | undefined)?.error?.message;
      throw new VendorError("pagerduty", `http_${status}`, `PagerDuty ${method} ${path} answered ${status}${detail ? `: ${detail}` : ""}`);
    }
    return result.data;
  };
}

export function createPagerdutyPaging(config: PagerdutyConfig, options: { timeoutMs?: number } = {}): PagingPort {
  const request = createPagerdutyRequest(config, options);
  return {
    async oncallEmails(escalationPolicyId) {
      const emails = new Map<string, string | undefined>(); // user id → email, once per person across levels and pages
      for (let offset = 0; offset < MAX_OFFSET; ) {
        const page = oncallsPageSchema.parse(
          await request("GET", "/oncalls", {
            query: { "escalation_policy_ids[]": [escalationPolicyId], "include[]": ["users"], earliest: "true", offset: String(offset) },
          }),
        );
        for (const { user } of page.oncalls) if (user && (!emails.has(user.id) || user.email)) emails.set(user.id, user.email ?? emails.get(user.id));
        if (!page.more || page.oncalls.length === 0) break;
        offset += page.oncalls.length;
      }
      // A reference without an email is looked up by id.
      for (const [id, email] of emails) {
        if (email) continue;
        const found = userSchema.parse(await request("GET", `/users/${encodeURIComponent(id)}`));
        emails.set(id, found.user.email);
      }
      return [...new Set([...emails.values()].filter((e): e is string => Boolean(e)))];
    },
    async setStatus(pagerdutyIncidentId, status) {
      await request("PUT", `/incidents/${encodeURIComponent(pagerdutyIncidentId)}`, { data: { incident: { type: "incident_reference", status } } });
    },
    async addNote(pagerdutyIncidentId, content) {
      await request("POST", `/incidents/${encodeURIComponent(pagerdutyIncidentId)}/notes`, { data: { note: { content } } });
    },
    async notes(pagerdutyIncidentId) {
      const data = notesSchema.parse(await request("GET", `/incidents/${encodeURIComponent(pagerdutyIncidentId)}/notes`));
      return data.notes.map((note) => ({ content: note.content, createdAt: new Date(note.created_at) }));
    },
  };
}
