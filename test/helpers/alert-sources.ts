// Deliveries exactly as Alertmanager, Grafana and a generic sender make them: Alertmanager's
// http_config puts the token in Authorization (Bearer, or basic auth's password); Grafana adds
// its HMAC headers; the generic schema is signed t=<unix>,v1=<hex>.
import { readFileSync } from "node:fs";
import { signGenericBody } from "../../src/http/generic-signature.js";
import { signGrafanaBody } from "../../src/http/grafana-signature.js";

export const AM_TOKEN = "am-webhook-token-0123456789abcdef";
export const GRAFANA_TOKEN = "grafana-webhook-token-0123456789";
export const GRAFANA_SECRET = "grafana-hmac-secret-0123456789ab";
export const GRAFANA_TIMESTAMP_HEADER = "X-Grafana-Alerting-Timestamp";
export const GENERIC_SECRETS = ["generic-secret-old-0123456789ab", "generic-secret-new-0123456789ab"];

/** The environment that turns the three sources on. */
export const alertSourcesEnv = {
  ALERTMANAGER_WEBHOOK_TOKEN: AM_TOKEN,
  GRAFANA_WEBHOOK_TOKEN: GRAFANA_TOKEN,
  GRAFANA_WEBHOOK_SECRET: GRAFANA_SECRET,
  GENERIC_WEBHOOK_SECRETS: GENERIC_SECRETS.join(","),
};

export const fixture = (path: string): Record<string, unknown> => JSON.parse(readFileSync(`test/fixtures/${path}`, "utf8"));

const json = { "content-type": "application/json" };

export function alertmanagerDelivery(body: unknown, auth: { bearer: string } | { user: string; password: string } = { bearer: AM_TOKEN }): RequestInit {
  const authorization = "bearer" in auth ? `Bearer ${auth.bearer}` : `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;
  return { method: "POST", body: raw(body), headers: { ...json, authorization, "user-agent": "Alertmanager/0.28.1" } };
}

export function grafanaDelivery(body: unknown, options: { token?: string; secret?: string; timestamp?: number; method?: string } = {}): RequestInit {
  const text = raw(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    method: options.method ?? "POST",
    body: text,
    headers: {
      ...json,
      "user-agent": "Grafana",
      authorization: `Bearer ${options.token ?? GRAFANA_TOKEN}`,
      "x-grafana-alerting-signature": signGrafanaBody(text, options.secret ?? GRAFANA_SECRET, timestamp),
      [GRAFANA_TIMESTAMP_HEADER]: String(timestamp),
    },
  };
}

export function genericDelivery(body: unknown, options: { secret?: string; timestamp?: number; signature?: string } = {}): RequestInit {
  const text = raw(body);
  const signature = options.signature ?? signGenericBody(text, options.secret ?? GENERIC_SECRETS[0]!, options.timestamp ?? Math.floor(Date.now() / 1000));
  return { method: "POST", body: text, headers: { ...json, "x-firebreak-signature": signature } };
}

const raw = (body: unknown) => (typeof body === "string" ? body : JSON.stringify(body));
