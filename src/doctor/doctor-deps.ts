// The real clients `firebreak doctor` checks with: the same adapters `serve` uses, quiet (the
// report is the output) and with no retries (a check reports what happened on the first try).
import { LogLevel, WebClient } from "@slack/web-api";
import { createKubernetesTargets } from "../adapters/kubernetes.js";
import { createPostgresTargets } from "../adapters/postgres-target.js";
import type { Config } from "../kernel/config.js";
import type { DoctorDeps } from "./run-doctor.js";

export function doctorDeps(config: Config): DoctorDeps {
  return {
    config,
    fetch,
    slackClient: (token, apiUrl) => new WebClient(token, { slackApiUrl: apiUrl, timeout: 10_000, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR }),
    kubernetes: () => createKubernetesTargets(config.file.targets.kubernetes),
    postgres: () => createPostgresTargets(config.targetSecrets.postgres),
  };
}
