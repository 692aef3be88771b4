// Is the bot token good, and does it carry the scopes the manifest asks for? Asked once at start so
// that a revoked or mistyped token is loud in the log and in /metrics, instead of showing up as
// silence when the first person types `/incident`.
import type { WebClient } from "@slack/web-api";
import { botScopes } from "../views/slack/slack-surface.js";

export type SlackAuthCheck =
  | { state: "ok"; team?: string; user?: string }
  | { state: "refused"; problem: string }
  /** Slack could not be asked (network, 5xx, rate limit): ask again later. */
  | { state: "unknown"; problem: string };

/** Slack's answers that mean the token itself is wrong: https://docs.slack.dev/reference/methods/auth.test */
const TOKEN_ERRORS: Record<string, string> = {
  invalid_auth: "Slack does not recognise SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page",
  not_authed: "no token reached Slack (not_authed): set SLACK_BOT_TOKEN",
  account_inactive: "the token's app was uninstalled or its user deactivated (account_inactive): reinstall the app and set the new SLACK_BOT_TOKEN",
  token_revoked: "SLACK_BOT_TOKEN was revoked (token_revoked): reinstall the app and set the new token",
  token_expired: "SLACK_BOT_TOKEN has expired (token_expired): turn off token rotation or set a fresh token",
  no_permission: "the token may not call auth.test (no_permission): reinstall the app",
  missing_scope: "the token lacks a scope (missing_scope): reinstall the app from `firebreak manifest`",
};

export async function checkSlackAuth(client: WebClient, needed: readonly string[] = botScopes()): Promise<SlackAuthCheck> {
  let answer: Awaited<ReturnType<WebClient["auth"]["test"]>>;
  try {
    answer = await client.auth.test();
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code && TOKEN_ERRORS[code]) return { state: "refused", problem: TOKEN_ERRORS[code] };
    if (code) return { state: "refused", problem: `Slack refused auth.test (${code})` };
    return { state: "unknown", problem: `Slack could not be reached to check the token: ${(error as Error).message}` };
  }
  // Slack lists the token's scopes in X-OAuth-Scopes; the client surfaces them here when present.
  const granted = answer.response_metadata?.scopes;
  if (granted) {
    const missing = needed.filter((scope) => !granted.includes(scope));
    if (missing.length > 0) {
      return { state: "refused", problem: `the bot token lacks the scope${missing.length === 1 ? "" : "s"} ${missing.join(", ")}: add ${missing.length === 1 ? "it" : "them"} (or paste \`firebreak manifest\` into the app's settings) and reinstall the app` };
    }
  }
  return { state: "ok", ...(answer.team && { team: answer.team }), ...(answer.user && { user: answer.user }) };
}
