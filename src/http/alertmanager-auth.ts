// Alertmanager's webhooks are not signed (prometheus/alertmanager notify/webhook/webhook.go sets
// only Content-Type and User-Agent); what proves the sender is the credential its http_config
// adds: `authorization: { credentials: <token> }` sends "Authorization: Bearer <token>", and
// `basic_auth` sends "Authorization: Basic base64(user:password)" (prometheus/common
// config/http_config.go; test/fixtures/alertmanager/README.md). Grafana's contact point sends the
// same two forms. Either is accepted: the bearer credentials, or a basic-auth password (the
// username is not checked), equal to the configured token. Pure: headers and token passed in.
import { CodedError } from "../kernel/errors.js";
import { bearerOrBasic, headerValue, sameSecret, type HeaderBag } from "./header-credentials.js";

export interface WebhookTokenInput {
  headers: HeaderBag;
  token: string;
  /** Names the sender and the setting in the refusal, e.g. "Alertmanager", "ALERTMANAGER_WEBHOOK_TOKEN". */
  vendor: string;
  setting: string;
}

/** Throws a CodedError (401) unless Authorization carries the token as Bearer credentials or a basic-auth password. */
export function verifyWebhookToken(input: WebhookTokenInput): void {
  const given = bearerOrBasic(headerValue(input.headers, "authorization"));
  const valid = given !== undefined && sameSecret(given, input.token);
  if (!valid) {
    throw new CodedError(
      "unauthorized",
      `The ${input.vendor} webhook did not carry ${input.setting}; send it as "Authorization: Bearer <token>" or as the basic-auth password.`,
    );
  }
}
