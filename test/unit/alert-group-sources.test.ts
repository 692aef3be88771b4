// The senders' published examples, parsed and mapped to an alert group, and what the group says
// about its incident (title, severity, services, description).
import { describe, expect, it } from "vitest";
import { loadConfigFile } from "../../src/kernel/config-file.js";
import type { CodedError } from "../../src/kernel/errors.js";
import { groupDescription, groupSeverity, groupServices, groupTitle } from "../../src/incidents/alert-group-summary.js";
import { alertmanagerToGroup, parseAlertmanagerBody } from "../../src/sources/alertmanager.js";
import { genericToGroup, parseGenericBody } from "../../src/sources/generic.js";
import { grafanaToGroup, parseGrafanaBody } from "../../src/sources/grafana.js";
import { fixture } from "../helpers/alert-sources.js";

const at = new Date("2026-03-08T10:00:00Z");
const settings = loadConfigFile(undefined).sources.alertmanager;
const json = (value: unknown) => JSON.stringify(value);

describe("Alertmanager v4", () => {
  it("reads a firing alert's zero endsAt as no end, and keys each transition on fingerprint, status and startsAt", () => {
    const group = alertmanagerToGroup(parseAlertmanagerBody(json(fixture("alertmanager/firing.v4.json"))), at);
    expect(group).toMatchObject({ source: "alertmanager", groupKey: '{}:{alertname="test1"}', status: "firing", truncatedAlerts: 0, links: [{ title: "Alertmanager", url: "http://alertmanager.example.com:9093" }] });
    expect(group.alerts).toEqual([
      expect.objectContaining({ status: "firing", fingerprint: "9a2b1c0d3e4f5a6b", transitionKey: "9a2b1c0d3e4f5a6b:firing:2020-01-01T00:00:00Z", startsAt: new Date("2020-01-01T00:00:00Z"), endsAt: null }),
    ]);
    const resolved = alertmanagerToGroup(parseAlertmanagerBody(json(fixture("alertmanager/resolved.v4.json"))), at);
    expect(resolved.alerts[0]).toMatchObject({ status: "resolved", endsAt: new Date("2020-01-01T00:10:00Z"), transitionKey: "9a2b1c0d3e4f5a6b:resolved:2020-01-01T00:00:00Z" });
  });

  it("refuses another version, a missing groupKey or a label that is not a string, naming the field", () => {
    const firing = fixture("alertmanager/firing.v4.json");
    const refusal = (body: unknown) => {
      try {
        parseAlertmanagerBody(json(body));
        return "parsed";
      } catch (error) {
        return `${(error as CodedError).code}: ${(error as CodedError).message}`;
      }
    };
    expect(refusal({ ...firing, version: 4 })).toMatch(/^invalid_payload: .*version: expected "4"/);
    expect(refusal({ ...firing, groupKey: undefined })).toMatch(/^invalid_payload: .*groupKey/);
    expect(refusal({ ...firing, alerts: [{ ...(firing.alerts as object[])[0], labels: { n: 1 } }] })).toMatch(/^invalid_payload: .*alerts\.0\.labels\.n/);
  });
});

describe("Grafana", () => {
  it("keeps the per-alert links Grafana fills in, drops its empty ones, and accepts values and null values", () => {
    const docs = grafanaToGroup(parseGrafanaBody(json(fixture("grafana/webhook.default-payload.docs.json"))), at);
    expect(docs.alerts.map((a) => a.links.map((l) => l.title))).toEqual([["Source", "Silence"], ["Source", "Silence"]]);
    expect(docs.title).toBe("[FIRING:2]  (blue)");
    const template = grafanaToGroup(parseGrafanaBody(json(fixture("grafana/webhook.default-payload-template.alerting-test.json"))), at);
    expect(template.alerts[0]).toMatchObject({ startsAt: null, labels: { alertname: "alert1", lbl1: "val1" } });
  });
});

describe("generic", () => {
  it("needs only title and dedupe_key; triggered is a firing group of one", () => {
    const group = genericToGroup(parseGenericBody(json({ title: "Disk full", dedupe_key: "disk-1" })), at);
    expect(group).toMatchObject({ source: "generic", groupKey: "disk-1", status: "firing", severity: null, service: null, title: "Disk full" });
    expect(group.alerts).toEqual([expect.objectContaining({ status: "firing", startsAt: at, transitionKey: `disk-1:firing:${at.toISOString()}` })]);
  });

  it("refuses unknown keys, a non-http link and another version", () => {
    for (const body of [{ title: "x", dedupe_key: "k", sevrity: "SEV1" }, { title: "x", dedupe_key: "k", links: [{ title: "l", url: "javascript:alert(1)" }] }, { title: "x", dedupe_key: "k", version: "2" }]) {
      expect(() => parseGenericBody(json(body))).toThrow(/generic webhook is not a payload Firebreak understands/);
    }
  });
});

describe("what a group says about its incident", () => {
  const group = (alerts: { name: string; severity?: string; service?: string }[]) =>
    alertmanagerToGroup(
      parseAlertmanagerBody(
        json({
          ...fixture("alertmanager/firing.v4.json"),
          commonLabels: {},
          alerts: alerts.map((a, i) => ({ status: "firing", labels: { alertname: a.name, ...(a.severity && { severity: a.severity }), ...(a.service && { service: a.service }) }, annotations: {}, startsAt: "2026-03-08T09:00:00Z", endsAt: "0001-01-01T00:00:00Z", fingerprint: `fp${i}` })),
        }),
      ),
      at,
    );

  it("takes the most severe firing alert's mapped severity, and default_severity for unmapped labels", () => {
    expect(groupSeverity(group([{ name: "A", severity: "warning" }, { name: "B", severity: "critical" }]), settings)).toBe("SEV2");
    expect(groupSeverity(group([{ name: "A", severity: "whatever" }]), settings)).toBe("SEV3");
    expect(groupSeverity(group([{ name: "A", severity: "info" }]), settings)).toBe("SEV4");
  });

  it("names up to three alerts in the title, and lists each service once", () => {
    const many = group(["A", "B", "C", "D", "E"].map((name) => ({ name, service: name === "A" ? "api" : "db" })));
    expect(groupTitle(many)).toBe("A, B, C and 2 more");
    expect(groupServices(many, settings)).toEqual(["api", "db"]);
  });

  it("always ends the alert list with the count of those it could not show", () => {
    const description = groupDescription(group(Array.from({ length: 50 }, (_, i) => ({ name: `Alert ${i} ${"&".repeat(120)}` }))));
    expect(description.split("\n")[0]).toBe("50 alerts firing.");
    expect(description).toMatch(/\n…and \d+ more; all are on the timeline\./);
  });
});
