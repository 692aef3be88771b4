// PagerDuty: does the REST key work, and is PAGERDUTY_FROM_EMAIL a user of the account? Changes
// and notes are sent "From" that user, and PagerDuty refuses them when it is not one
// (https://developer.pagerduty.com/docs/rest-api-v2/rest-api/ "From header").
// GET /users/me only works for user-level keys, so the key is tried on GET /abilities, which any
// valid key may read (https://developer.pagerduty.com/api-reference/ "List abilities"), and the
// user is looked up with GET /users?query=<email> ("List users": query matches names and emails).
import type { Config } from "../kernel/config.js";
import { describeAnswer, failed, getJson, passed, type CheckLine, type Fetch } from "./doctor-check.js";

type PagerdutyConfig = NonNullable<Config["pagerduty"]>;

export async function checkPagerduty(config: PagerdutyConfig, fetchFn: Fetch = fetch): Promise<CheckLine[]> {
  const headers = { authorization: `Token token=${config.token}`, accept: "application/vnd.pagerduty+json;version=2" };
  const abilitiesUrl = `${config.apiUrl}/abilities`;
  const abilities = await getJson(fetchFn, abilitiesUrl, headers);
  if (abilities.status === 401) return [failed("PagerDuty refused PAGERDUTY_TOKEN (HTTP 401)", "create a REST API key under Integrations → API Access Keys and set PAGERDUTY_TOKEN to it")];
  if (abilities.status < 200 || abilities.status >= 300) {
    return [failed(`PagerDuty could not be asked about the token: ${describeAnswer(abilities, abilitiesUrl)}`, "check PAGERDUTY_API_URL and the network path to PagerDuty, then run doctor again")];
  }
  const lines = [passed("PagerDuty accepted PAGERDUTY_TOKEN")];

  const usersUrl = `${config.apiUrl}/users?${new URLSearchParams({ query: config.fromEmail, limit: "100" })}`;
  const users = await getJson(fetchFn, usersUrl, headers);
  if (users.status < 200 || users.status >= 300) {
    lines.push(failed(`PagerDuty could not list users to find ${config.fromEmail}: ${describeAnswer(users, usersUrl)}`, "give the key read access to users, or check PAGERDUTY_FROM_EMAIL by hand"));
    return lines;
  }
  const found = ((users.body as { users?: { email?: unknown; name?: unknown }[] }).users ?? []).find(
    (u) => typeof u.email === "string" && u.email.toLowerCase() === config.fromEmail.toLowerCase(),
  );
  lines.push(
    found
      ? passed(`PagerDuty user ${config.fromEmail} exists${typeof found.name === "string" ? ` (${found.name})` : ""}; changes and notes are sent from it`)
      : failed(`PagerDuty has no user with the email ${config.fromEmail}, so incident changes and notes would be refused`, "set PAGERDUTY_FROM_EMAIL to the email of a PagerDuty user (a service account user works)"),
  );
  return lines;
}
