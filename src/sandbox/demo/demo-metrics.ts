// What the sandbox's Datadog says. The story is the outage that shaped Firebreak: the shared
// database is the cause, so database CPU and the API's error rate stay high whatever is done to
// the API's pods or traffic — failing over to the backup cluster does not help, because the
// backup uses the same database — and both come down once the invalid index is rebuilt.
import type { MetricScript } from "../emulators/datadog/datadog-emulator.js";
import type { MetricGateOptions } from "../../playbooks/actions/datadog-metric-gate.js";

export const DEMO_METRICS = {
  cpuQuery: "avg:postgresql.cpu{db:orders}",
  errorRateQuery: "sum:trace.http.request.errors{service:api}.as_rate()",
  /** The impact query in the sandbox's firebreak.yaml: failed requests, summed over the incident. */
  errorCountQuery: "sum:trace.http.request.errors{service:orders-api}.as_count()",
} as const;

export function createDemoMetrics(now: () => number = Date.now) {
  // When the index became valid (real time), so a post-mortem's chart shows the drop where it happened.
  let validSince: number | undefined;
  const valueAt = (query: string, valid: boolean) => {
    const errors = /error/i.test(query);
    const value = errors ? (valid ? 0.4 : 38.2) : valid ? 31.4 : 99.3;
    // A count is per point: a rate per second over a one-minute rollup.
    return errors && /\.as_count\(\)/.test(query) ? Math.round(value * 60) : value;
  };
  const script: MetricScript = (query, from, to) => {
    // One point a minute over the range (a chart, an impact sum), then the value now at `to`,
    // which is what a metric gate reads as the latest point.
    const points: [number, number][] = [];
    for (let t = Math.ceil(Math.max(from, to - 86_400) / 60) * 60; t < to; t += 60) points.push([t * 1000, valueAt(query, validSince !== undefined && t * 1000 >= validSince)]);
    points.push([to * 1000, valueAt(query, validSince !== undefined)]);
    return points;
  };
  const setIndexValid = (valid: boolean) => {
    if (!valid) validSince = undefined;
    else validSince ??= now();
  };
  return { script, setIndexValid };
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
