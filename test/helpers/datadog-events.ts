// Datadog sends whatever payload template the webhook is configured with, every $VARIABLE
// rendered as a string (test/fixtures/datadog/webhooks/README.md). This renders Firebreak's.
import { DATADOG_WEBHOOK_TEMPLATE } from "../../src/sources/datadog.js";

export function renderDatadogPayload(values: Record<string, string>): string {
  return DATADOG_WEBHOOK_TEMPLATE.replace(/\$([A-Z_]+)/g, (_, name: string) => JSON.stringify(values[name] ?? "").slice(1, -1));
}

export function datadogDelivery(body: string, secret: string): RequestInit {
  return { method: "POST", body, headers: { "content-type": "application/json", "x-firebreak-token": secret } };
}
