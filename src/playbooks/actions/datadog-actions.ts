// The Datadog actions: `datadog.metric_gate` and `datadog.event`. They are always registered, so
// playbooks check the same with or without credentials (in CI, say); without Datadog configured
// the port refuses every call, and a step using them fails before it acts, saying what to set.
import type { DatadogPort } from "../../ports/metrics-events.js";
import type { ActionDefinition } from "../action-registry.js";
import { metricGateAction, type MetricGateOptions } from "./datadog-metric-gate.js";
import { postEventAction } from "./datadog-post-event.js";

export function datadogActions(datadog: DatadogPort, options: MetricGateOptions = {}): ActionDefinition[] {
  return [metricGateAction(datadog, options), postEventAction(datadog)];
}
