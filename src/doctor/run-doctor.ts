// `firebreak doctor`: one harmless call per configured integration and target, one line each,
// so an operator learns what is wrong before the first page rather than during it.
import type { WebClient } from "@slack/web-api";
import type { KubernetesTargets } from "../ports/kubernetes.js";
import type { PostgresTargets } from "../ports/postgres-target.js";
import { describeIntegrations, type Config } from "../kernel/config.js";
import { checkDatadog } from "./check-datadog.js";
import { checkGithub } from "./check-github.js";
import { checkPagerduty } from "./check-pagerduty.js";
import { checkSlack } from "./check-slack.js";
import { checkStatuspage } from "./check-statuspage.js";
import { checkKubernetesTarget, checkPostgresTarget } from "./check-targets.js";
import type { CheckLine, Fetch } from "./doctor-check.js";

export interface DoctorDeps {
  config: Config;
  fetch: Fetch;
  slackClient: (botToken: string, apiUrl: string) => WebClient;
  kubernetes: () => KubernetesTargets;
  postgres: () => PostgresTargets;
}

export interface DoctorReport {
  lines: string[];
  failures: number;
}

export async function runDoctor(deps: DoctorDeps): Promise<DoctorReport> {
  const { config } = deps;
  const checks: Promise<CheckLine | CheckLine[]>[] = [];
  if (config.slack) checks.push(checkSlack(deps.slackClient(config.slack.botToken, config.slack.apiUrl), config.slack.apiUrl));
  if (config.pagerduty) checks.push(checkPagerduty(config.pagerduty, deps.fetch));
  if (config.datadog) checks.push(checkDatadog(config.datadog, deps.fetch));
  if (config.github) checks.push(checkGithub(config.github, deps.fetch));
  if (config.statuspage) checks.push(checkStatuspage(config.statuspage, deps.fetch));
  const kubernetes = Object.keys(config.file.targets.kubernetes);
  if (kubernetes.length > 0) {
    const targets = deps.kubernetes();
    for (const name of kubernetes) checks.push(checkKubernetesTarget(targets, name));
  }
  const postgres = Object.entries(config.file.targets.postgres);
  if (postgres.length > 0) {
    const targets = deps.postgres();
    for (const [name, { url_env }] of postgres) checks.push(checkPostgresTarget(targets, name, url_env));
  }
  // Independent calls: run together, report in the order above.
  const results = (await Promise.all(checks)).flat();
  const lines = results.map(formatLine);
  for (const integration of describeIntegrations(config).filter((i) => !i.enabled)) {
    lines.push(`- ${integration.name}: off (${integration.hint})`);
  }
  const failures = results.filter((r) => !r.ok).length;
  if (results.length === 0) lines.push("Nothing to check: no integration or target is configured (see .env.example).");
  else lines.push(failures === 0 ? `All ${results.length} checks passed.` : `${failures} of ${results.length} checks failed.`);
  return { lines, failures };
}

export function formatLine(line: CheckLine): string {
  return line.ok ? `✓ ${line.what}` : `✗ ${line.what} — fix: ${line.fix ?? "see above"}`;
}
