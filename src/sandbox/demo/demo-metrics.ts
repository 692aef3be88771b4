// What the sandbox's Datadog says. The story is the outage that shaped Firebreak: the shared
// database is the cause, so database CPU and the API's error rate stay high whatever is done to
// the API's pods or traffic — failing over to the backup cluster does not help, because the
// backup uses the same database — and both come down once the invalid index is rebuilt.
import type { MetricScript } from "../emulators/datadog/datadog-emulator.js";
import type { MetricGateOptions } from "../../playbooks/actions/datadog-metric-gate.js";

export const DEMO_METRICS = {
  cpuQuery: "avg:postgresql.cpu{db:orders}",
  errorRateQuery: "sum:trace.http.request.errors{service:api}.as_rate()",
} as const;

export function createDemoMetrics() {
  let indexValid = false;
  const script: MetricScript = (query, _from, to) => {
    const errors = /error/i.test(query);
    const value = errors ? (indexValid ? 0.4 : 38.2) : indexValid ? 31.4 : 99.3;
    return [[to * 1000, value]];
  };
  return { script, setIndexValid: (valid: boolean) => void (indexValid = valid) };
}

/**
 * Metric gates in the sandbox wait a second where the playbook says a minute: their own clock
 * runs ahead by whatever they skipped, so a 10-minute gate is decided in about 10 seconds, with
 * the minutes it reports ("9m left") as the playbook has them. Only the gates: every other clock
 * in Firebreak (timeline, approvals, leases) stays real.
 */
export function fastForwardGates(delay: (ms: number, value: undefined, options: { signal: AbortSignal }) => Promise<unknown>): MetricGateOptions {
  let skipped = 0;
  return {
    now: () => new Date(Date.now() + skipped),
    sleep: async (ms, signal) => {
      const real = Math.min(ms, Math.ceil(ms / 60));
      await delay(real, undefined, { signal });
      skipped += ms - real;
    },
  };
}
