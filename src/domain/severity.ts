import { severities, type Severity } from "./incident.js";

/** PagerDuty priorities are named per account; the common P1–P5 scheme maps onto SEV1–SEV4. */
export function severityFromPriority(priority: string | null | undefined): Severity | undefined {
  const match = /^P(\d)\b/i.exec(priority?.trim() ?? "");
  if (!match) return undefined;
  return severities[Math.min(Number(match[1]), 4) - 1];
}

/** Datadog monitor priorities are "1".."5" (or "P1".."P5"). */
export function severityFromDatadogPriority(priority: string | null | undefined): Severity | undefined {
  const digit = /^P?([1-5])$/i.exec(priority?.trim() ?? "")?.[1];
  return digit ? severities[Math.min(Number(digit), 4) - 1] : undefined;
}
