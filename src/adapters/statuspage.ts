// The status-sync port over Atlassian Statuspage's REST API v1 (https://developer.statuspage.io),
// with fetch. Requests carry `Authorization: OAuth <key>` (the documented scheme; Bearer is
// refused) and JSON bodies under the root key `incident`. The incident Firebreak creates carries
// its marker in `metadata` ("Attach a json object to the incident. All top-level values in the
// object must also be objects"), which the API returns with the incident, so a create whose
// answer was lost can be found again. Nothing here retries: a write is retried by its job, which
// looks before it writes again. Every failure is a VendorError("statuspage", code) whose message
// names the setting to fix.
import { z } from "zod";
import type { Config } from "../kernel/config.js";
import type { StatusIncident, StatusSyncPort } from "../ports/status-sync.js";
import { VendorError } from "../ports/vendor-error.js";

type StatuspageConfig = NonNullable<Config["statuspage"]>;

export interface StatuspageOptions {
  fetch?: typeof fetch;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** Waits for a slot of the key's rate limit before each request (the process-wide pacing). */
  pace?: () => Promise<void>;
}

const incidentSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  incident_updates: z.array(z.object({ id: z.string(), status: z.string(), body: z.string().nullish(), created_at: z.string() })).nullish(),
});
type IncidentJson = z.infer<typeof incidentSchema>;

/** The metadata key Firebreak's marker lives under: `{"firebreak": {"incident_id": "…"}}`. */
export const MARKER_KEY = "firebreak";

// "The default and maximum limit is 100"; a page of fewer means the last one.
const PAGE_SIZE = 100;
const MAX_PAGES = 10;

export function createStatuspage(config: StatuspageConfig, options: StatuspageOptions = {}): StatusSyncPort {
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pagePath = `/pages/${encodeURIComponent(config.pageId)}`;

  async function request(method: "GET" | "POST" | "PATCH", path: string, action: string, body?: unknown): Promise<unknown> {
    await options.pace?.();
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(`${config.apiUrl}${pagePath}${path}`, {
        method,
        headers: { authorization: `OAuth ${config.apiKey}`, accept: "application/json", ...(body !== undefined && { "content-type": "application/json" }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const reason = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError") ? "no answer in time" : describeCause(error);
      throw new VendorError("statuspage", "unreachable", `Could not reach Statuspage at ${config.apiUrl} to ${action}: ${reason}. Check STATUSPAGE_API_URL and the network.`, { cause: error });
    }
    if (response.ok) return text === "" ? undefined : JSON.parse(text);
    throw refusal(response, text, action, config);
  }

  const parseIncident = (data: unknown): StatusIncident => toIncident(incidentSchema.parse(data));

  async function listAll(path: (page: number) => string, action: string): Promise<IncidentJson[]> {
    const found: IncidentJson[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const batch = z.array(incidentSchema).parse(await request("GET", path(page), action));
      found.push(...batch);
      if (batch.length < PAGE_SIZE) break;
    }
    return found;
  }

  return {
    async findIncidents(firebreakIncidentId, name) {
      const action = `look for the incident of ${firebreakIncidentId}`;
      // Unresolved first (where a lost create usually is), then a name search: `q` searches
      // "the incidents' name, status, postmortem_body, and incident_updates fields", not metadata.
      const open = await listAll((page) => `/incidents/unresolved?per_page=${PAGE_SIZE}&page=${page}`, action);
      const named = await listAll((page) => `/incidents?q=${encodeURIComponent(name)}&limit=${PAGE_SIZE}&page=${page}`, action);
      const byId = new Map([...open, ...named].map((i) => [i.id, toIncident(i)]));
      return [...byId.values()].filter((i) => i.firebreakIncidentId === firebreakIncidentId);
    },
    async getIncident(id) {
      try {
        return parseIncident(await request("GET", `/incidents/${encodeURIComponent(id)}`, `read incident ${id}`));
      } catch (error) {
        if (error instanceof VendorError && error.code === "not_found") return undefined;
        throw error;
      }
    },
    async createIncident({ name, status, body, components, firebreakIncidentId }) {
      const incident = {
        name: name.slice(0, 255),
        status,
        body,
        component_ids: Object.keys(components),
        components,
        metadata: { [MARKER_KEY]: { incident_id: firebreakIncidentId } },
      };
      return parseIncident(await request("POST", "/incidents", `create the incident for ${firebreakIncidentId}`, { incident }));
    },
    async updateIncident(id, { status, body, components }) {
      const incident = { status, body, component_ids: Object.keys(components), components };
      return parseIncident(await request("PATCH", `/incidents/${encodeURIComponent(id)}`, `update incident ${id}`, { incident }));
    },
  };
}

function toIncident(json: IncidentJson): StatusIncident {
  const marker = json.metadata?.[MARKER_KEY] as { incident_id?: unknown } | undefined;
  // Statuspage lists updates newest first; oldest first here. Ties keep the API's order reversed.
  const updates = [...(json.incident_updates ?? [])]
    .reverse()
    .map((u) => ({ id: u.id, status: u.status, body: u.body ?? "", createdAt: new Date(u.created_at) }))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return {
    id: json.id,
    name: json.name,
    status: json.status,
    firebreakIncidentId: typeof marker?.incident_id === "string" ? marker.incident_id : undefined,
    updates,
  };
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function refusal(response: Response, text: string, action: string, config: StatuspageConfig): VendorError {
  let detail = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    detail = String(parsed.message ?? parsed.error ?? detail);
  } catch {
    // A proxy's HTML page: keep the text.
  }
  const status = response.status;
  const make = (code: string, message: string, retryAfterMs?: number) =>
    new VendorError("statuspage", code, message.split(config.apiKey).join("[redacted]"), retryAfterMs === undefined ? {} : { retryAfterMs });
  // "Error codes 420 or 429 indicate that you have exceeded the rate limit"; the limit is
  // "1 request / second as measured on a 60 second rolling window".
  if (status === 420 || status === 429) {
    const seconds = Number(response.headers.get("retry-after"));
    return make("rate_limited", `Statuspage's rate limit stopped Firebreak from trying to ${action} (${status}); it will try again.`, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1_000);
  }
  switch (status) {
    case 401:
      return make("unauthorized", `Statuspage refused STATUSPAGE_API_KEY when Firebreak tried to ${action} (401 ${detail}). Set STATUSPAGE_API_KEY to a key from manage.statuspage.io → API info.`);
    case 403:
      return make("forbidden", `Statuspage did not let Firebreak ${action} (403 ${detail}). The key's user needs access to page ${config.pageId}.`);
    case 404:
      return make("not_found", `Statuspage answered 404 when Firebreak tried to ${action}: page ${config.pageId} or the incident does not exist for this key. Check STATUSPAGE_PAGE_ID.`);
    case 400:
    case 422:
      return make("invalid", `Statuspage refused to ${action} (${status} ${detail}). Check the statuspage_id of each status page component in firebreak.yaml.`);
    default:
      return make(`http_${status}`, `Statuspage answered ${status} when Firebreak tried to ${action}${detail ? ` (${detail})` : ""}; it will try again.`);
  }
}

