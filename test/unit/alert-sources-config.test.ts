// Settings of the Alertmanager, Grafana and generic webhooks: validated at start, named when wrong.
import { describe, expect, it } from "vitest";
import { ConfigError, describeIntegrations, loadConfig } from "../../src/kernel/config.js";
import { loadConfigFile } from "../../src/kernel/config-file.js";
import { alertWebhookRoutes } from "../../src/http/alert-webhook-routes.js";
import type { CodedError } from "../../src/kernel/errors.js";

const slack = { SLACK_BOT_TOKEN: "xoxb-1-abc", SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5" };
const load = (env: Record<string, string>) => loadConfig({ ...slack, ...env }, { require: ["slack"] });

function messages(env: Record<string, string>): string[] {
  try {
    load(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.message);
    throw error;
  }
}

describe("alert source settings", () => {
  it("turns each source on with its own setting; Grafana with a token, an HMAC secret or both", () => {
    const config = load({ ALERTMANAGER_WEBHOOK_TOKEN: "a".repeat(16), GRAFANA_WEBHOOK_SECRET: "g".repeat(16), GENERIC_WEBHOOK_SECRETS: ` ${"x".repeat(16)} , ${"y".repeat(20)} ` });
    expect(config.alertmanager).toEqual({ webhookToken: "a".repeat(16) });
    expect(config.grafana).toEqual({ webhookSecret: "g".repeat(16) });
    expect(config.generic).toEqual({ webhookSecrets: ["x".repeat(16), "y".repeat(20)] });
    expect(config.secrets).toEqual(expect.arrayContaining(["a".repeat(16), "g".repeat(16), "x".repeat(16), "y".repeat(20)]));
    const off = describeIntegrations(load({}));
    expect(off.find((i) => i.name === "grafana")).toEqual({ name: "grafana", enabled: false, hint: "set GRAFANA_WEBHOOK_TOKEN or GRAFANA_WEBHOOK_SECRET to turn it on" });
  });

  it("refuses short or spaced secrets at start, naming the setting and hiding the value", () => {
    const problems = messages({ ALERTMANAGER_WEBHOOK_TOKEN: "short", GRAFANA_WEBHOOK_TOKEN: "has a space in it 12345", GENERIC_WEBHOOK_SECRETS: `${"x".repeat(16)},tiny` });
    expect(problems).toEqual([
      expect.stringMatching(/^ALERTMANAGER_WEBHOOK_TOKEN=\(hidden\) must be at least 16 characters/),
      expect.stringMatching(/^GRAFANA_WEBHOOK_TOKEN=\(hidden\) must be at least 16 characters/),
      expect.stringMatching(/^GENERIC_WEBHOOK_SECRETS=\(hidden\) must be secrets of at least 16 characters/),
    ]);
    expect(problems.join("\n")).not.toContain("tiny");
  });

  it("reads firebreak.yaml sources with defaults, and refuses a severity that is not SEV1..SEV4", () => {
    const defaults = loadConfigFile(undefined).sources;
    expect(defaults.alertmanager).toEqual({ service_label: "service", severity_label: "severity", severity_map: { critical: "SEV2", error: "SEV3", warning: "SEV3", info: "SEV4" }, default_severity: "SEV3", resolve_suggestion: false });
    expect(defaults.grafana.signature_header).toBe("X-Grafana-Alerting-Signature");
    expect(() => loadConfigFile("firebreak.yaml", () => "sources:\n  alertmanager:\n    service_label: app\n    severity_map:\n      critical: P1\n")).toThrow(
      'firebreak.yaml:5:7: sources.alertmanager.severity_map.critical: Invalid option: expected one of "SEV1"|"SEV2"|"SEV3"|"SEV4"',
    );
  });
});

describe("an alert source that is not configured", () => {
  it("answers integration_off (404), like PagerDuty and Datadog when off, naming what turns it on", async () => {
    const routes = alertWebhookRoutes({ config: { file: loadConfigFile(undefined) }, store: () => undefined, now: () => new Date(), nudge: () => undefined });
    for (const [path, setting] of [["/webhooks/alertmanager", "ALERTMANAGER_WEBHOOK_TOKEN"], ["/webhooks/grafana", "GRAFANA_WEBHOOK_TOKEN or GRAFANA_WEBHOOK_SECRET"], ["/webhooks/generic", "GENERIC_WEBHOOK_SECRETS"]] as const) {
      const error = (await routes[path]!.POST!({} as never).catch((e: unknown) => e)) as CodedError;
      expect([error.code, error.status, error.message]).toEqual(["integration_off", 404, expect.stringContaining(setting)]);
    }
  });
});
