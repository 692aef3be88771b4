// What approvers are shown before a Datadog action runs, what its input accepts, and the markers
// posted for incidents and steps: golden files, so a change in wording is a reviewed change.
import { describe, expect, it } from "vitest";
import type { DatadogPort } from "../../src/ports/metrics-events.js";
import { incidentEventMarker, stepEventMarker } from "../../src/markers/datadog-markers.js";
import { createActionRegistry, type ActionContext } from "../../src/playbooks/action-registry.js";
import { datadogActions } from "../../src/playbooks/actions/datadog-actions.js";
import { formatDuration, formatValue } from "../../src/playbooks/actions/datadog-metric-gate.js";

const never = async (): Promise<never> => {
  throw new Error("planning never calls Datadog");
};
const datadog: DatadogPort = { queryMetric: never, postEvent: never };
const registry = createActionRegistry(datadogActions(datadog));
const gate = registry.get("datadog.metric_gate")!;
const event = registry.get("datadog.event")!;
const ctx: ActionContext = { log: undefined as never, signal: new AbortController().signal, now: () => new Date(0), progress: () => {} };

const issues = (schema: typeof gate.input, value: unknown) => schema.safeParse(value).error?.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`);

describe("datadog.metric_gate", () => {
  it("plans a wait below a threshold with the defaults", async () => {
    const plan = await gate.plan(gate.input.parse({ query: "avg:postgresql.cpu{db:orders}", below: 80, within: "10m" }), ctx);
    expect(plan.summary).toBe("Wait until avg:postgresql.cpu{db:orders} is below 80 (up to 10m, every 30s)");
    expect(plan).toMatchSnapshot();
  });

  it("plans a wait above a threshold with its own interval and window", async () => {
    const input = gate.input.parse({ query: "sum:checkout.success{env:prod}.as_rate()", above: 0.95, within: "1h", every: "1m", window: "15m" });
    expect(await gate.plan(input, ctx)).toMatchSnapshot();
  });

  it("needs exactly one threshold and sane durations", () => {
    const base = { query: "avg:postgresql.cpu{db:orders}", within: "10m" };
    expect(issues(gate.input, base)).toEqual(['(input): give "below" (pass when the value drops under it) or "above" (pass when it rises over it)']);
    expect(issues(gate.input, { ...base, below: 80, above: 20 })).toEqual(['above: give "below" or "above", not both']);
    expect(issues(gate.input, { ...base, below: 80, within: "2h" })).toEqual(["within: at most 1h"]);
    expect(issues(gate.input, { ...base, below: 80, every: "1s" })).toEqual(["every: at least 5s: Datadog metrics do not change faster, and queries are rate limited"]);
    expect(issues(gate.input, { ...base, below: 80, window: "30s" })).toEqual(["window: at least 1m"]);
    expect(issues(gate.input, { ...base, below: 80, window: "2h" })).toEqual(["window: at most 1h"]);
    expect(issues(gate.input, { ...base, below: 80, within: "1m", every: "5m" })).toEqual(["every: checking every 5m within 1m would check only once"]);
    expect(issues(gate.input, { ...base, below: "80" })?.[0]).toMatch(/^below: /);
    expect(issues(gate.input, { ...base, below: 80, within: "10 minutes" })?.[0]).toMatch(/^within: expected a duration/);
    expect(issues(gate.input, { ...base, below: 80, treshold: 1 })?.[0]).toMatch(/^\(input\): Unrecognized key/);
  });

  it("formats values and times the way progress reads them", () => {
    expect([97.2345, 72.5, 0.95, 0.0012345, 123456.78, 0, -3.14159].map(formatValue)).toEqual(["97.2", "72.5", "0.95", "0.00123", "123456.8", "0", "-3.14"]);
    expect([0, 400, 30_000, 90_000, 600_000, 3_900_000].map(formatDuration)).toEqual(["0s", "0s", "30s", "1m30s", "10m", "1h5m"]);
  });
});

describe("datadog.event", () => {
  it("plans the exact request body, with the source tag added", async () => {
    const input = event.input.parse({
      title: "Traffic moved to the backup cluster",
      text: "%%% \nRequested by **INC-42**.\n %%%",
      tags: ["incident:inc-42", "service:api"],
      alert_type: "warning",
    });
    const plan = await event.plan(input, ctx);
    expect(plan.summary).toBe('Post the Datadog event "Traffic moved to the backup cluster"');
    expect(plan).toMatchSnapshot();
  });

  it("defaults to an info event and does not repeat the source tag", async () => {
    const plan = await event.plan(event.input.parse({ title: "Deploy frozen", text: "", tags: ["source:firebreak"] }), ctx);
    expect(plan.details[0]?.text).toBe(
      `POST /api/v1/events\n${JSON.stringify({ alert_type: "info", tags: ["source:firebreak"], text: "", title: "Deploy frozen" }, null, 2)}`,
    );
    expect(issues(event.input, { title: " ", text: "x".repeat(4001), alert_type: "critical" })).toEqual([
      "title: Too small: expected string to have >=1 characters",
      "text: Too big: expected string to have <=4000 characters",
      'alert_type: Invalid option: expected one of "info"|"success"|"warning"|"error"',
    ]);
  });
});

describe("Datadog markers", () => {
  const at = new Date("2026-03-08T09:41:07Z");

  it("marks a step that succeeded after two approvals", () => {
    expect(
      stepEventMarker({
        incidentHumanId: "INC-42", playbookTitle: "Orders DB CPU runaway", stepTitle: "Fail over to the backup cluster",
        action: "traffic.shift", outcome: "succeeded", approvedBy: ["Ana Lima", "Bo Chen"], at, services: ["api", "orders-db"],
      }),
    ).toMatchSnapshot();
  });

  it("marks a step that failed without needing approval, escaping markdown in names", () => {
    expect(
      stepEventMarker({
        incidentHumanId: "INC-7", playbookTitle: "Rebuild *invalid* indexes", stepTitle: "Rebuild orders_pkey",
        action: "postgres.rebuild_index", outcome: "failed", approvedBy: [], at, services: [],
      }),
    ).toMatchSnapshot();
  });

  it("marks an incident declared, its severity changed, and resolved", () => {
    const incident = { incidentHumanId: "INC-42", title: "API is degraded <checkout>", services: ["api", "Orders DB"], at };
    expect(incidentEventMarker({ ...incident, severity: "SEV1", kind: "declared" })).toMatchSnapshot();
    expect(incidentEventMarker({ ...incident, severity: "SEV3", kind: "severity" })).toMatchSnapshot();
    expect(incidentEventMarker({ ...incident, severity: "SEV3", kind: "resolved" })).toMatchSnapshot();
  });

  it("leaves a private incident's title out of its markers: Datadog's event stream is the whole organisation's", () => {
    const marker = incidentEventMarker({ incidentHumanId: "INC-7", title: "Leaked credentials", severity: "SEV1", kind: "declared", services: ["vault"], at, private: true });
    expect(marker.title).toBe("INC-7 declared (SEV1): private incident");
    expect(marker.text).toContain("A private incident: its title and details are in its Slack channel.");
    expect(JSON.stringify(marker)).not.toContain("Leaked credentials");
  });

  it("groups every marker of an incident under one key and tags it for dashboard overlays", () => {
    const declared = incidentEventMarker({ incidentHumanId: "INC-42", title: "t", severity: "SEV2", kind: "declared", services: ["api"], at });
    const step = stepEventMarker({
      incidentHumanId: "INC-42", playbookTitle: "p", stepTitle: "s", action: "wait", outcome: "succeeded", approvedBy: [], at, services: ["api"],
    });
    expect(declared.aggregationKey).toBe(step.aggregationKey);
    expect(declared.tags).toEqual(["incident:inc-42", "service:api", "severity:sev2", "source:firebreak"]);
    expect(step.tags).toEqual(["incident:inc-42", "service:api", "action:wait", "source:firebreak"]);
    expect(step.dateHappened).toBe(at);
  });

  it("keeps a long title and text within Datadog's limits", () => {
    const marker = incidentEventMarker({ incidentHumanId: "INC-1", title: "x".repeat(5000), severity: "SEV4", kind: "declared", services: [], at });
    expect(marker.title.length).toBeLessThanOrEqual(200);
    expect(marker.text.length).toBeLessThanOrEqual(4000);
    expect(marker.text.startsWith("%%% \n") && marker.text.endsWith("\n %%%")).toBe(true);
  });
});
