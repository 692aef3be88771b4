// traffic.shift: moves traffic between backends through a switch named in firebreak.yaml
// (`targets.traffic`). A "gateway" switch is a Gateway API HTTPRoute: the backendRefs weights of
// every rule that routes to the named backends are rewritten, with the route's resourceVersion as
// a precondition so a concurrent edit is not silently overwritten.
// https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref
// An "http" switch is a traffic manager's endpoint: one JSON request to an allow-listed host.
import { z } from "zod";
import { httpRoutePath, KubernetesApiError, type KubernetesTargets } from "../../ports/kubernetes.js";
import type { ConfigFile } from "../../kernel/config-file.js";
import { defineAction, type ActionDefinition } from "../action-registry.js";
import { type ActionPlan } from "../../domain/action-plan.js";
import { targetNameSchema } from "./kubernetes-rollout-restart.js";

export type TrafficTargets = ConfigFile["targets"]["traffic"];
type GatewayTarget = Extract<TrafficTargets[string], { kind: "gateway" }>;
type HttpTarget = Extract<TrafficTargets[string], { kind: "http" }>;
export type Weights = Record<string, number>;

export interface TrafficShiftDeps {
  kubernetes: KubernetesTargets;
  trafficTargets: TrafficTargets;
  /** Bearer tokens of http switches, by target name (config.targetSecrets.trafficTokens). */
  trafficTokens: Readonly<Record<string, string>>;
  fetch?: typeof fetch;
}

export const HTTP_TIMEOUT_MS = 15_000;
// A route read between our read and our write makes the precondition fail; re-reading is safe.
const CONFLICT_ATTEMPTS = 3;

const backendRef = z.looseObject({ name: z.string(), weight: z.number().optional() });
const routeSchema = z.looseObject({
  metadata: z.looseObject({ resourceVersion: z.string() }),
  spec: z.looseObject({ rules: z.array(z.looseObject({ backendRefs: z.array(backendRef).optional() })).default([]) }),
});
type Route = z.infer<typeof routeSchema>;

export interface RouteShift {
  rules: Route["spec"]["rules"];
  previous: Weights;
  lines: string[];
  changed: boolean;
  /** Percentage points of traffic moved, in the rule that moves most. */
  moved: number;
}

/** The route's rules with `weights` applied, or why they cannot be. Backends left unnamed keep a weight of their own, so a rule must name all or none. */
export function shiftRoute(route: Route, weights: Weights, label: string): RouteShift | { refusal: string } {
  const previous: Weights = {};
  // A backendRef without a weight has weight 1 (the Gateway API default).
  for (const rule of route.spec.rules) for (const ref of rule.backendRefs ?? []) previous[ref.name] ??= ref.weight ?? 1;
  const missing = Object.keys(weights).filter((name) => !(name in previous));
  if (missing.length > 0) return { refusal: `${label} has no backend ${missing.map((m) => `"${m}"`).join(", ")} (it routes to ${Object.keys(previous).join(", ") || "nothing"})` };
  const lines: string[] = [];
  let changed = false;
  let moved = 0;
  const rules: Route["spec"]["rules"] = [];
  for (const [index, rule] of route.spec.rules.entries()) {
    const refs = rule.backendRefs ?? [];
    const unnamed = refs.filter((ref) => !(ref.name in weights)).map((ref) => ref.name);
    if (unnamed.length === refs.length) {
      lines.push(`rule ${index}: routes to ${unnamed.join(", ") || "no backends"}; unchanged`);
      rules.push(rule);
      continue;
    }
    if (unnamed.length > 0) return { refusal: `rule ${index} of ${label} also routes to ${unnamed.join(", ")}, which the weights do not name` };
    const total = refs.reduce((sum, ref) => sum + (ref.weight ?? 1), 0);
    const share = (ref: (typeof refs)[number]) => (total === 0 ? 0 : ((ref.weight ?? 1) * 100) / total);
    moved = Math.max(moved, Math.round(refs.reduce((sum, ref) => sum + Math.max(0, (weights[ref.name] ?? 0) - share(ref)), 0)));
    lines.push(`rule ${index}: ${refs.map((ref) => `${ref.name} ${ref.weight ?? 1} → ${weights[ref.name]}`).join(", ")}`);
    changed ||= refs.some((ref) => (ref.weight ?? 1) !== weights[ref.name]);
    rules.push({ ...rule, backendRefs: refs.map((ref) => ({ ...ref, weight: weights[ref.name] ?? 0 })) });
  }
  return { rules, previous, lines, changed, moved };
}

/** A host is allowed when allowed_hosts lists its name, or its name:port. */
export function hostAllowed(url: string, allowedHosts: readonly string[]): boolean {
  const { hostname, host } = new URL(url);
  return allowedHosts.some((allowed) => [hostname, host].includes(allowed.toLowerCase()));
}

function httpRequest(target: HttpTarget, input: { weights: Weights; body?: Record<string, unknown> | undefined }) {
  return { method: target.method, url: target.url, body: input.body ?? { weights: input.weights } };
}

export function trafficShiftAction(deps: TrafficShiftDeps): ActionDefinition {
  const fetchImpl = deps.fetch ?? fetch;
  const input = z.strictObject({
    switch: targetNameSchema(Object.keys(deps.trafficTargets), "targets.traffic"),
    weights: z
      .record(z.string().min(1), z.int().min(0).max(100))
      .refine((w) => Object.values(w).reduce((a, b) => a + b, 0) === 100, { error: "the weights must add up to 100" }),
    /** For http switches: the JSON body to send, when the traffic manager wants its own shape (default { weights }). */
    body: z.record(z.string(), z.unknown()).optional(),
  });
  type Input = z.infer<typeof input>;

  const targetOf = (name: string) => {
    const target = deps.trafficTargets[name];
    if (!target) throw new Error(`unknown traffic target "${name}"`);
    return target;
  };

  async function readRoute(target: GatewayTarget, signal: AbortSignal) {
    const ref = { cluster: target.cluster, namespace: target.namespace, name: target.route };
    const parsed = routeSchema.safeParse(await deps.kubernetes.readHttpRoute(ref, signal));
    if (!parsed.success) throw new Error(`httproute ${target.namespace}/${target.route} does not look like a Gateway API HTTPRoute: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    return { ref, route: parsed.data, label: `httproute ${target.namespace}/${target.route}` };
  }

  async function planGateway(target: GatewayTarget, weights: Weights, signal: AbortSignal): Promise<ActionPlan> {
    const { route, label } = await readRoute(target, signal);
    const shift = shiftRoute(route, weights, label);
    if ("refusal" in shift) return { summary: `Refused: ${shift.refusal}`, details: [], risk: { irreversible: false } };
    const patch = { metadata: { resourceVersion: route.metadata.resourceVersion }, spec: { rules: shift.rules } };
    return {
      summary: `Shift traffic on ${label} (${target.cluster}): ${Object.entries(weights).map(([n, w]) => `${n} ${w}%`).join(", ")}`,
      ...(shift.changed && { change: `${label}: ${Object.entries(weights).map(([n, w]) => `${n} ${shift.previous[n] ?? 0}%→${w}%`).join(", ")}` }),
      details: [
        { kind: "kubernetes", text: shift.lines.join("\n") },
        { kind: "kubernetes", text: `PATCH ${httpRoutePath({ namespace: target.namespace, name: target.route })}\nContent-Type: application/merge-patch+json\n\n${JSON.stringify(patch, null, 2)}` },
      ],
      risk: { irreversible: false, blastRadius: { unit: "percent of traffic", count: shift.moved } },
      ...(shift.changed ? {} : { noop: `${label} already has these weights` }),
    };
  }

  async function runGateway(target: GatewayTarget, weights: Weights, signal: AbortSignal): Promise<{ previous: Weights; current: Weights }> {
    for (let attempt = 1; ; attempt++) {
      const { ref, route, label } = await readRoute(target, signal);
      const shift = shiftRoute(route, weights, label);
      if ("refusal" in shift) throw new Error(shift.refusal);
      if (!shift.changed) return { previous: shift.previous, current: weights };
      const patch = { metadata: { resourceVersion: route.metadata.resourceVersion }, spec: { rules: shift.rules } };
      try {
        await deps.kubernetes.patchHttpRoute(ref, patch, "merge", signal);
        return { previous: shift.previous, current: weights };
      } catch (error) {
        if (!(error instanceof KubernetesApiError && error.code === 409) || attempt >= CONFLICT_ATTEMPTS) throw error;
      }
    }
  }

  function planHttp(name: string, target: HttpTarget, input: Input): ActionPlan {
    const request = httpRequest(target, input);
    const headers = ["Content-Type: application/json", ...(deps.trafficTokens[name] ? ["Authorization: Bearer [redacted]"] : [])];
    const allowed = hostAllowed(request.url, target.allowed_hosts);
    return {
      summary: allowed
        ? `Shift traffic with switch ${name}: ${Object.entries(input.weights).map(([n, w]) => `${n} ${w}%`).join(", ")}`
        : `Refused: ${new URL(request.url).host} is not in allowed_hosts of traffic target "${name}"`,
      ...(allowed && { change: `${request.method} ${request.url}` }),
      details: [{ kind: "http", text: `${request.method} ${request.url}\n${headers.join("\n")}\n\n${JSON.stringify(request.body, null, 2)}` }],
      risk: { irreversible: false },
    };
  }

  async function runHttp(name: string, target: HttpTarget, input: Input, signal: AbortSignal): Promise<void> {
    const request = httpRequest(target, input);
    // Checked at run time too: the plan may be stale, and the URL is the one thing that leaves the network.
    if (!hostAllowed(request.url, target.allowed_hosts)) throw new Error(`${new URL(request.url).host} is not in allowed_hosts of traffic target "${name}"`);
    const token = deps.trafficTokens[name];
    const timeout = AbortSignal.timeout(HTTP_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetchImpl(request.url, {
        method: request.method,
        headers: { "content-type": "application/json", accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(request.body),
        signal: AbortSignal.any([signal, timeout]),
        // A redirect could lead off the allow-list; it counts as a failure instead.
        redirect: "manual",
      });
    } catch (error) {
      if (signal.aborted) throw error;
      if (timeout.aborted) throw new Error(`traffic switch "${name}" did not answer within ${HTTP_TIMEOUT_MS / 1000}s`, { cause: error });
      const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
      throw new Error(`cannot reach traffic switch "${name}" at ${new URL(request.url).host} (${cause?.code ?? (error as Error).message})`, { cause: error });
    }
    const text = await response.text().catch(() => "");
    if (!response.ok) throw new Error(`traffic switch "${name}" answered ${response.status} ${response.statusText}: ${text.slice(0, 200)}`);
  }

  return defineAction({
    name: "traffic.shift",
    description: "Set the share of traffic each backend gets, through a traffic switch from firebreak.yaml: a Gateway API HTTPRoute or a traffic manager's HTTP endpoint.",
    input,
    outputs: ["previous", "current"],
    plan: async (shift, ctx) => {
      const target = targetOf(shift.switch);
      return target.kind === "gateway" ? planGateway(target, shift.weights, ctx.signal) : planHttp(shift.switch, target, shift);
    },
    run: async (shift, ctx) => {
      const target = targetOf(shift.switch);
      if (target.kind === "gateway") {
        const result = await runGateway(target, shift.weights, ctx.signal);
        ctx.log.info({ switch: shift.switch, previous: result.previous, current: result.current }, "traffic shifted");
        return result;
      }
      await runHttp(shift.switch, target, shift, ctx.signal);
      ctx.log.info({ switch: shift.switch, current: shift.weights }, "traffic shifted");
      // An http switch is write-only: what it routed before is not known here.
      return { previous: null, current: shift.weights };
    },
    summarize: ({ previous, current }, shift) => `Shifted traffic on ${shift.switch}: ${describeWeights(previous, current)}`,
  });
}

/** "primary 100→0, backup 0→100", or "primary 0, backup 100" when the switch cannot say what it routed before. */
function describeWeights(previous: Weights | null, current: Weights): string {
  return Object.entries(current)
    .map(([backend, weight]) => (previous ? `${backend} ${previous[backend] ?? 0}→${weight}` : `${backend} ${weight}`))
    .join(", ");
}
