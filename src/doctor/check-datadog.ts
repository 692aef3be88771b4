// Datadog: is the API key valid? GET /api/v1/validate answers {"valid": true} for a good key
// and 403 otherwise (https://docs.datadoghq.com/api/latest/authentication/#validate-api-key).
import type { Config } from "../kernel/config.js";
import { describeAnswer, failed, getJson, passed, type CheckLine, type Fetch } from "./doctor-check.js";

type DatadogConfig = NonNullable<Config["datadog"]>;

export async function checkDatadog(config: DatadogConfig, fetchFn: Fetch = fetch): Promise<CheckLine> {
  const url = `${config.apiUrl}/api/v1/validate`;
  const answer = await getJson(fetchFn, url, { "DD-API-KEY": config.apiKey });
  if (answer.status === 200 && (answer.body as { valid?: unknown }).valid === true) return passed(`Datadog accepted DATADOG_API_KEY (${config.site})`);
  if (answer.status === 403 || answer.status === 401) {
    return failed(`Datadog refused DATADOG_API_KEY at ${config.apiUrl}`, `copy an API key from Organization Settings → API Keys of the ${config.site} organization; a key from another site (e.g. datadoghq.eu) needs DATADOG_SITE set to it`);
  }
  return failed(`Datadog could not validate the key: ${describeAnswer(answer, url)}`, "check DATADOG_SITE / DATADOG_API_URL and the network path to Datadog");
}
