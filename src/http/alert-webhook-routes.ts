// Alertmanager, Grafana and generic webhooks, shaped as the PagerDuty and Datadog ones
// (webhook-routes.ts): authenticate on the raw body, parse, record the delivery and its job in
// one statement, answer 202. None of the three senders gives a delivery id, so a delivery is
// named by the SHA-256 of its raw body: a byte-identical retry is a duplicate, while
// Alertmanager's repeats of a group that changed (a new alert, a new annotation value) are
// recorded, and their transitions deduplicated when processed (incidents/record-alert-group.ts).
// Alertmanager retries only 5xx and Grafana none, so a refusal (401, 400, 413) is final.
import { createHash } from "node:crypto";
import type { Config } from "../kernel/config.js";
import type { ConfigFile } from "../kernel/config-file.js";
import { ALERTMANAGER_DELIVERY_JOB, GENERIC_DELIVERY_JOB, GRAFANA_DELIVERY_JOB } from "../incidents/delivery-jobs.js";
import { groupDigest } from "../sources/alert-group.js";
import { parseAlertmanagerBody } from "../sources/alertmanager.js";
import { parseGenericBody } from "../sources/generic.js";
import { parseGrafanaBody } from "../sources/grafana.js";
import { verifyWebhookToken } from "./alertmanager-auth.js";
import { GENERIC_SIGNATURE_HEADER, verifyGenericSignature } from "./generic-signature.js";
import { verifyGrafanaSignature } from "./grafana-signature.js";
import type { HttpRequest, HttpResponse, Routes } from "./server.js";
import { storable } from "./storable.js";
import { accept, header, off, type WebhookDeps } from "./webhook-routes.js";

export interface AlertWebhookDeps extends Omit<WebhookDeps, "config"> {
  config: Pick<Config, "alertmanager" | "grafana" | "generic"> & { file: Pick<ConfigFile, "sources"> };
}

export function alertWebhookRoutes(deps: AlertWebhookDeps): Routes {
  const { alertmanager, grafana, generic } = deps.config;
  const grafanaFile = deps.config.file.sources.grafana;
  const nowSeconds = () => Math.floor(deps.now().getTime() / 1000);
  return {
    "/webhooks/alertmanager": {
      POST: alertmanager
        ? async (req) => {
            verifyWebhookToken({ headers: req.headers, token: alertmanager.webhookToken, vendor: "Alertmanager", setting: "ALERTMANAGER_WEBHOOK_TOKEN" });
            const raw = await req.body();
            const text = raw.toString();
            const payload = storable(parseAlertmanagerBody(text), text);
            return record(deps, req, "alertmanager", ALERTMANAGER_DELIVERY_JOB, raw, payload, payload.groupKey);
          }
        : off("Alertmanager", "ALERTMANAGER_WEBHOOK_TOKEN"),
    },
    "/webhooks/grafana": grafanaRoute(
      grafana
        ? async (req) => {
            if (grafana.webhookToken) verifyWebhookToken({ headers: req.headers, token: grafana.webhookToken, vendor: "Grafana", setting: "GRAFANA_WEBHOOK_TOKEN" });
            const raw = await req.body();
            if (grafana.webhookSecret) {
              verifyGrafanaSignature({ rawBody: raw, headers: req.headers, secret: grafana.webhookSecret, signatureHeader: grafanaFile.signature_header, timestampHeader: grafanaFile.timestamp_header, nowSeconds: nowSeconds() });
            }
            const text = raw.toString();
            const payload = storable(parseGrafanaBody(text), text);
            return record(deps, req, "grafana", GRAFANA_DELIVERY_JOB, raw, payload, payload.groupKey);
          }
        : off("Grafana", "GRAFANA_WEBHOOK_TOKEN or GRAFANA_WEBHOOK_SECRET"),
    ),
    "/webhooks/generic": {
      POST: generic
        ? async (req) => {
            const raw = await req.body();
            verifyGenericSignature({ rawBody: raw, header: header(req, GENERIC_SIGNATURE_HEADER.toLowerCase()), secrets: generic.webhookSecrets, nowSeconds: nowSeconds() });
            const text = raw.toString();
            const payload = storable(parseGenericBody(text), text);
            return record(deps, req, "generic", GENERIC_DELIVERY_JOB, raw, payload, payload.dedupe_key);
          }
        : off("generic webhook", "GENERIC_WEBHOOK_SECRETS"),
    },
  };
}

// Grafana's contact point sends POST, or PUT when its HTTP Method says so.
const grafanaRoute = (handler: Routes[string]["POST"]) => ({ POST: handler, PUT: handler });

function record(deps: AlertWebhookDeps, req: HttpRequest, source: string, kind: string, raw: Buffer, body: unknown, groupKey: string): Promise<HttpResponse> {
  const deliveryId = createHash("sha256").update(raw).digest("hex");
  return accept(deps, req, { source, deliveryId, body, subject: groupDigest(groupKey) }, { kind, dedupeKey: `${source}-delivery:${deliveryId}` });
}
