// Datadog webhooks are not signed (https://docs.datadoghq.com/integrations/webhooks/), so the only
// proof a request came from our Datadog organisation is a shared secret that Datadog sends back:
// either a custom header or the password of basic auth in the webhook URL
// (https://firebreak:<secret>@host/webhooks/datadog). Pure: the headers and secret are passed in.
import { CodedError } from "../kernel/errors.js";
import { basicPassword, headerValue, sameSecret, type HeaderBag } from "./header-credentials.js";

export const DATADOG_TOKEN_HEADER = "X-Firebreak-Token";

export type { HeaderBag };

export interface DatadogAuthInput {
  headers: HeaderBag;
  secret: string;
}

/** Throws a CodedError (401) unless the request carries the shared secret in X-Firebreak-Token or as a basic-auth password. */
export function verifyDatadogSecret(input: DatadogAuthInput): void {
  const candidates = [headerValue(input.headers, DATADOG_TOKEN_HEADER), basicPassword(headerValue(input.headers, "authorization"))];
  let valid = false;
  for (const candidate of candidates) {
    if (candidate !== undefined && input.secret.length > 0) valid = sameSecret(candidate, input.secret) || valid;
  }
  if (!valid) {
    throw new CodedError(
      "unauthorized",
      `The Datadog webhook did not carry DATADOG_WEBHOOK_SECRET; send it in the ${DATADOG_TOKEN_HEADER} custom header ` +
        "or as the basic-auth password in the webhook URL.",
    );
  }
}
