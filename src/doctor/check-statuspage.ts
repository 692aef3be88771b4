// Statuspage: does STATUSPAGE_API_KEY open STATUSPAGE_PAGE_ID? GET /pages/{page_id} reads the
// page (https://developer.statuspage.io, "Get a page"); a bad key is a 401, a page the key
// cannot see a 404, and the documented scheme is `Authorization: OAuth <key>`.
import type { Config } from "../kernel/config.js";
import { describeAnswer, failed, getJson, passed, type CheckLine, type Fetch } from "./doctor-check.js";

type StatuspageConfig = NonNullable<Config["statuspage"]>;

export async function checkStatuspage(config: StatuspageConfig, fetchFn: Fetch = fetch): Promise<CheckLine> {
  const url = `${config.apiUrl}/pages/${encodeURIComponent(config.pageId)}`;
  const answer = await getJson(fetchFn, url, { authorization: `OAuth ${config.apiKey}` });
  if (answer.status === 401) return failed("Statuspage refused STATUSPAGE_API_KEY (401)", "set STATUSPAGE_API_KEY to a key from manage.statuspage.io → your avatar → API info");
  if (answer.status === 404) return failed(`Statuspage shows STATUSPAGE_API_KEY no page ${config.pageId} (404)`, "set STATUSPAGE_PAGE_ID to the page id listed under API info, and use a key of a user of that page");
  if (answer.status !== 200) return failed(`Statuspage could not be asked about page ${config.pageId}: ${describeAnswer(answer, url)}`, "check STATUSPAGE_API_URL and the network path to Statuspage");
  const name = (answer.body as { name?: unknown } | undefined)?.name;
  return passed(`Statuspage: STATUSPAGE_API_KEY opens page ${typeof name === "string" ? `"${name}" ` : ""}(${config.pageId})`);
}
