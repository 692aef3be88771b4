// The metrics and events port over Datadog's official client, loaded by ./datadog.ts on first use.
// Only the two v1 API classes are imported: the package root loads every API, about 1.4 s and
// 130 MB at start-up (these two still pull in every model, about 800 modules).
// Requests go through Node's fetch rather than the client's default transport, which writes
// every failed request, a cancelled one included, to the console outside our JSON log. The
// client's retries stay off with it: the metric gate polls anyway, and a sleep between retries
// (X-RateLimit-Reset seconds) could not be cancelled by a step's signal.
import { createConfiguration, type Configuration } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-common/configuration.js";
import { ApiException } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-common/exception.js";
import { ResponseContext, type HttpLibrary } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-common/http/http.js";
import { BaseServerConfiguration } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-common/servers.js";
import { EventsApi } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-v1/apis/EventsApi.js";
import { MetricsApi } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-v1/apis/MetricsApi.js";
import { VendorError } from "../ports/vendor-error.js";
import type { DatadogConfig, DatadogOptions } from "./datadog.js";
import type { DatadogPort, MetricPoint } from "../ports/metrics-events.js";

export function createDatadogClient(config: DatadogConfig, options: DatadogOptions = {}): DatadogPort {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const baseServer = new BaseServerConfiguration(config.apiUrl, {});
  const authMethods = { apiKeyAuth: config.apiKey, appKeyAuth: config.appKey };
  // debug off: the client would otherwise log every request, headers included (keys and all).
  const base = createConfiguration({ baseServer, authMethods, httpApi: fetchTransport, debug: false });
  const metrics = new MetricsApi(base);
  const events = new EventsApi(base);
  const secrets = [config.apiKey, config.appKey].filter((s) => s.length > 0);

  // The client takes its abort signal from a configuration, not a call, so each call gets one.
  const call = async <T>(operation: Operation, signal: AbortSignal | undefined, send: (configuration: Configuration) => Promise<T>): Promise<T> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await send(createConfiguration({ baseServer, authMethods, httpApi: fetchTransport, httpConfig: { signal: combined }, debug: false }));
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toVendorError(operation, error, timeout.aborted ? timeoutMs : undefined, secrets);
    }
  };

  return {
    async queryMetric(query, fromSec, toSec, signal) {
      const response = await call("query", signal, (configuration) => metrics.queryMetrics({ from: fromSec, to: toSec, query }, configuration));
      // A query Datadog cannot evaluate can still come back 200, with status "error".
      if (response.status === "error") {
        throw new VendorError("datadog", "query_error", `Datadog could not run the metric query: ${oneLine(response.error ?? "no reason given", secrets)}`);
      }
      const series = response.series ?? [];
      const points = (series[0]?.pointlist ?? []).map(([time, value]): MetricPoint => [time, typeof value === "number" ? value : null]);
      return { points, series: series.length };
    },
    async postEvent(event, signal) {
      const body = {
        title: event.title,
        text: event.text,
        tags: event.tags,
        ...(event.alertType && { alertType: event.alertType }),
        ...(event.aggregationKey && { aggregationKey: event.aggregationKey }),
        ...(event.dateHappened && { dateHappened: Math.floor(event.dateHappened.getTime() / 1000) }),
      };
      const response = await call("event", signal, (configuration) => events.createEvent({ body }, configuration));
      // `id` is above 2^53 and was rounded by JSON.parse; `id_str` has every digit.
      const id = response.event?.idStr ?? (response.event?.id === undefined ? undefined : String(response.event.id));
      if (id === undefined) throw new VendorError("datadog", "bad_response", "Datadog accepted the event but returned no event id");
      return { id };
    },
  };
}

const fetchTransport: HttpLibrary = {
  async send(request) {
    const response = await fetch(request.getUrl(), {
      method: request.getHttpMethod(),
      headers: request.getHeaders(),
      body: request.getBody() as string | Buffer | undefined,
      signal: request.getHttpConfig().signal as AbortSignal | undefined,
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return new ResponseContext(response.status, headers, { text: () => response.text(), binary: async () => Buffer.from(await response.arrayBuffer()) });
  },
};

type Operation = "query" | "event";

const describe: Record<Operation, string> = { query: "the metric query", event: "the event" };

// What the operator can do about a refusal; Datadog's own text ("Forbidden") does not say.
const hints: Record<Operation, Partial<Record<number, string>>> = {
  query: {
    401: "check DATADOG_API_KEY",
    403: "check DATADOG_API_KEY and DATADOG_APP_KEY (the application key needs the timeseries_query scope)",
    429: "Datadog is rate limiting metric queries; try again shortly",
  },
  event: {
    401: "check DATADOG_API_KEY",
    403: "check DATADOG_API_KEY",
    429: "Datadog is rate limiting events; try again shortly",
  },
};

function toVendorError(operation: Operation, error: unknown, timedOutAfterMs: number | undefined, secrets: string[]): VendorError {
  if (timedOutAfterMs !== undefined) {
    return new VendorError("datadog", "timeout", `Datadog did not answer ${describe[operation]} within ${timedOutAfterMs / 1000}s`);
  }
  if (error instanceof ApiException) {
    const status = error.code;
    const hint = hints[operation][status];
    const reason = oneLine(reasonOf(error.body), secrets);
    return new VendorError("datadog", `http_${status}`, `Datadog answered ${describe[operation]} with ${status}${reason ? ` ${reason}` : ""}${hint ? `: ${hint}` : ""}`);
  }
  // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, ...) is its cause.
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : undefined;
  const message = `${error instanceof Error ? error.message : String(error)}${detail ? ` (${detail})` : ""}`;
  return new VendorError("datadog", "request_failed", `Datadog could not be reached for ${describe[operation]}: ${oneLine(message, secrets)}`, { cause: error });
}

/** Datadog's `{"errors": [...]}`, or the client's "Unknown API Status Code!\nBody: ..." text. */
function reasonOf(body: unknown): string {
  if (typeof body === "object" && body !== null && Array.isArray((body as { errors?: unknown }).errors)) {
    return (body as { errors: unknown[] }).errors.map(String).join("; ");
  }
  if (typeof body !== "string") return "";
  const raw = /Body: "([\s\S]*)"$/.exec(body)?.[1] ?? body;
  try {
    return reasonOf(JSON.parse(raw)) || raw;
  } catch {
    return raw;
  }
}

function oneLine(text: string, secrets: string[]): string {
  let out = text.replace(/\s+/g, " ").trim();
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  return out.length > 200 ? `${out.slice(0, 199)}…` : out;
}
