// A metric gate: wait until a Datadog metric crosses a threshold, or fail. It exists because a
// failover once "succeeded" while the cause, the shared database, kept burning: a step is done
// when its effect shows in the metrics, not when its command returns.
// Time comes from ctx.now() and waiting from `sleep`, so tests can run a 10-minute gate at once.
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import type { DatadogPort } from "../../ports/metrics-events.js";
import { VendorError } from "../../ports/vendor-error.js";
import { defineAction, type ActionContext, type ActionDefinition } from "../action-registry.js";
import { durationMs, durationSchema } from "../../domain/playbook-schema.js";

export interface MetricGateOptions {
  /** Waits `ms` or rejects when `signal` aborts; tests pass one that advances a fake clock. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The gate's own clock (default the step's); the sandbox pairs it with `sleep` to fast-forward waits. */
  now?: () => Date;
}

export interface MetricGateOutput {
  passed: true;
  value: number;
  checks: number;
  /** Every value seen, oldest first (at most 1h / 5s + 1 of them). */
  values: number[];
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const LISTED_VALUES = 10;

const atLeast = (min: number, error: string) => durationSchema.refine((d) => durationMs(d) >= min, { error });
const atMost = (max: number, error: string) => durationSchema.refine((d) => durationMs(d) <= max, { error });

export const metricGateInput = z
  .strictObject({
    query: z.string().trim().min(1).max(1000).describe('A Datadog metrics query that returns one series, e.g. "avg:postgresql.cpu{db:orders}".'),
    below: z.number().optional().describe("Pass as soon as the latest value is below this."),
    above: z.number().optional().describe("Pass as soon as the latest value is above this."),
    // Longer belongs to a person watching a dashboard, not to a step holding a run open.
    within: atMost(HOUR, "at most 1h").describe("How long to keep checking before the gate fails."),
    // Datadog rolls points up to 10 s or coarser, and metric queries are rate limited per org.
    every: atLeast(5 * SECOND, "at least 5s: Datadog metrics do not change faster, and queries are rate limited").default("30s"),
    // A window shorter than a rollup interval often holds no point at all.
    window: atLeast(MINUTE, "at least 1m").refine((d) => durationMs(d) <= HOUR, { error: "at most 1h" }).default("5m").describe("How far back each check looks for the latest point."),
  })
  .superRefine((input, ctx) => {
    if (input.below !== undefined && input.above !== undefined) {
      ctx.addIssue({ code: "custom", path: ["above"], message: 'give "below" or "above", not both' });
    } else if (input.below === undefined && input.above === undefined) {
      ctx.addIssue({ code: "custom", path: [], message: 'give "below" (pass when the value drops under it) or "above" (pass when it rises over it)' });
    }
    if (durationMs(input.every) > durationMs(input.within)) {
      ctx.addIssue({ code: "custom", path: ["every"], message: `checking every ${input.every} within ${input.within} would check only once` });
    }
  });

export type MetricGateInput = z.output<typeof metricGateInput>;

export function metricGateAction(datadog: Pick<DatadogPort, "queryMetric">, options: MetricGateOptions = {}): ActionDefinition {
  const sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
  return defineAction({
    name: "datadog.metric_gate",
    description: "Wait until a Datadog metric is below (or above) a threshold; fail if it is not within the time given.",
    input: metricGateInput,
    outputs: ["passed", "value", "checks", "values"],
    plan: async (input) => ({
      summary: `Wait until ${input.query} is ${input.below !== undefined ? `below ${input.below}` : `above ${input.above}`} (up to ${input.within}, every ${input.every})`,
      details: [
        { kind: "text", text: input.query },
        { kind: "text", text: `Each check reads the last ${input.window} and uses the latest point; a check without data counts as not yet.` },
      ],
      risk: { irreversible: false, readOnly: true },
    }),
    run: (input, ctx) => runGate(input, options.now ? { ...ctx, now: options.now } : ctx, datadog, sleep),
    summarize: summarizeGate,
  });
}

/** "avg:postgresql.cpu{db:orders} 30 (< 50): passed after 2 checks". */
export function summarizeGate(output: Pick<MetricGateOutput, "value" | "checks">, input: Pick<MetricGateInput, "query" | "below" | "above">): string {
  const needs = input.below !== undefined ? `< ${input.below}` : `> ${input.above}`;
  return `${input.query} ${formatValue(output.value)} (${needs}): passed after ${plural(output.checks, "check")}`;
}

async function runGate(input: MetricGateInput, ctx: ActionContext, datadog: Pick<DatadogPort, "queryMetric">, sleep: NonNullable<MetricGateOptions["sleep"]>): Promise<MetricGateOutput> {
  const passes = (value: number) => (input.below !== undefined ? value < input.below : value > (input.above as number));
  const needs = input.below !== undefined ? `needs < ${input.below}` : `needs > ${input.above}`;
  const label = input.query.length > 60 ? `${input.query.slice(0, 59)}…` : input.query;
  const windowMs = durationMs(input.window);
  const deadline = ctx.now().getTime() + durationMs(input.within);
  const values: number[] = [];
  let checks = 0;
  let lastValue: number | undefined;
  let lastError: Error | undefined;

  for (;;) {
    ctx.signal.throwIfAborted();
    const nowMs = ctx.now().getTime();
    const [fromSec, toSec] = [Math.floor((nowMs - windowMs) / SECOND), Math.floor(nowMs / SECOND)];
    let seen: string;
    try {
      const result = await datadog.queryMetric(input.query, fromSec, toSec, ctx.signal);
      checks += 1;
      lastError = undefined;
      if (result.series > 1) {
        throw new Error(`metric gate failed: ${input.query} returns ${result.series} series and the gate needs one; aggregate it (drop "by {…}")`);
      }
      lastValue = latestValue(result.points);
      if (lastValue !== undefined) {
        values.push(lastValue);
        if (passes(lastValue)) {
          ctx.progress(`${label}: ${formatValue(lastValue)} (${needs}) — passed after ${plural(checks, "check")}`);
          return { passed: true, value: lastValue, checks, values };
        }
      }
      seen = lastValue === undefined ? "no data yet" : `${formatValue(lastValue)} (${needs})`;
    } catch (error) {
      if (ctx.signal.aborted || !isTransient(error)) throw error;
      checks += 1;
      lastError = error as Error;
      seen = `could not read (${lastError.message})`;
    }
    const left = deadline - ctx.now().getTime();
    ctx.progress(`${label}: ${seen} — ${plural(checks, "check")}, ${formatDuration(Math.max(0, left))} left`);
    if (left <= 0) throw new Error(failureMessage(input, needs, values, checks, lastValue, lastError));
    await sleep(Math.min(durationMs(input.every), left), ctx.signal);
  }
}

function failureMessage(input: MetricGateInput, needs: string, values: number[], checks: number, lastValue: number | undefined, lastError: Error | undefined): string {
  const head = `metric gate failed: ${input.query}`;
  if (values.length === 0) {
    return lastError
      ? `${head} could not be read for ${input.within} (${plural(checks, "check")}): ${lastError.message}`
      : `${head} returned no data for ${input.within} (${plural(checks, "check")}); check the metric name and tags`;
  }
  if (lastValue === undefined) {
    const last = formatValue(values.at(-1) as number);
    return `${head} was last seen at ${last} (${needs}) and had no data at the end of ${input.within}; values seen: ${listValues(values)}`;
  }
  return `${head} stayed at ${formatValue(lastValue)} (${needs}) for ${input.within}${trend(input, values)}; values seen: ${listValues(values)}`;
}

/**
 * Whether the metric moved toward the threshold at all: "no improvement" is what tells a
 * commander the step treated the wrong cause (the failover that could not fix a shared database).
 */
function trend(input: MetricGateInput, values: number[]): string {
  const [first, last] = [values[0] as number, values.at(-1) as number];
  const better = input.below !== undefined ? last < first : last > first;
  if (better) return `, ${input.below !== undefined ? "down" : "up"} from ${formatValue(first)} at the first check`;
  return `, no improvement since the first check (${formatValue(first)})`;
}

/** The first two and the last ones, so a long run shows where it started and where it ended. */
function listValues(values: number[]): string {
  if (values.length <= LISTED_VALUES) return values.map(formatValue).join(", ");
  const shown = [...values.slice(0, 2).map(formatValue), "…", ...values.slice(-(LISTED_VALUES - 2)).map(formatValue)];
  return `${shown.join(", ")} (${values.length} in all)`;
}

function latestValue(points: readonly (readonly [number, number | null])[]): number | undefined {
  for (let i = points.length - 1; i >= 0; i -= 1) {
    const value = points[i]?.[1];
    if (typeof value === "number" && Number.isFinite(value)) return value;
  }
  return undefined;
}

// Rate limits, Datadog's own outages and timeouts pass; a refused key or a bad query does not.
function isTransient(error: unknown): boolean {
  if (!(error instanceof VendorError)) return false;
  return error.code === "timeout" || error.code === "request_failed" || error.code === "http_429" || /^http_5\d\d$/.test(error.code);
}

/** 97.2, 0.00123, 123456.7: one decimal at most for values of 1 or more, 3 significant digits below. */
export function formatValue(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const digits = Math.max(3, Math.floor(Math.log10(Math.abs(value))) + 2);
  return String(Number(value.toPrecision(Math.min(digits, 21))));
}

/** 1m30s, 10m, 45s, 1h5m. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / SECOND);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const parts = [h ? `${h}h` : "", m ? `${m}m` : "", s ? `${s}s` : ""].join("");
  return parts || "0s";
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
