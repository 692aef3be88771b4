// Slack: is the bot token good, and does it carry the scopes the manifest asks for? The same
// check `firebreak serve` makes at start (slack/check-slack-auth.ts), answered on the terminal.
import type { WebClient } from "@slack/web-api";
import { checkSlackAuth } from "../slack/check-slack-auth.js";
import { failed, passed, type CheckLine } from "./doctor-check.js";

export async function checkSlack(client: WebClient, apiUrl: string): Promise<CheckLine> {
  const result = await checkSlackAuth(client);
  if (result.state === "ok") {
    const who = [result.team && `workspace ${result.team}`, result.user && `bot @${result.user}`].filter(Boolean).join(", ");
    return passed(`Slack accepted the bot token${who ? ` (${who})` : ""} and it has the scopes the manifest asks for`);
  }
  if (result.state === "unknown") return failed(`Slack at ${apiUrl} did not answer auth.test (${result.problem})`, "check the network path to Slack, or SLACK_API_URL if you set it");
  return failed("Slack refused the bot token", result.problem);
}
