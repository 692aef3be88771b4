// Datadog publishes no rendered webhook: a delivery is the configured template with each "$VAR"
// replaced by its string value. These tests render Firebreak's template the same way.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CodedError } from "../../src/kernel/errors.js";
import { DATADOG_WEBHOOK_TEMPLATE, parseDatadogBody, toAlertEvent } from "../../src/sources/datadog.js";

const dir = "test/fixtures/datadog/webhooks";
const documented = new Set<string>(JSON.parse(readFileSync(`${dir}/variables.json`, "utf8")).variables.map((v: { name: string }) => v.name));
const defaultTemplate = readFileSync(`${dir}/default-payload.template.raw.txt`, "utf8");

// Examples from variables.json where it gives one; the event id is a real one, above 2^53.
const sample: Record<string, string> = {
  $ID: "6327818702635911562",
  $ALERT_ID: "1234",
  $ALERT_CYCLE_KEY: "7053478234517066883",
  $ALERT_TRANSITION: "Triggered",
  $ALERT_STATUS: "system.load.1 over host:my-host was > 0 at least once during the last 1m",
  $ALERT_TITLE: "[Triggered on {host:ip-012345}] Host is Down",
  $ALERT_TYPE: "error",
  $ALERT_PRIORITY: "P1",
  $ALERT_QUERY: "avg(last_1m):avg:system.load.1{*} > 0",
  $ALERT_METRIC: "system.load.1",
  $ALERT_SCOPE: "availability-zone:us-east-1a, role:computing-node",
  $EVENT_TITLE: "[Triggered] [Memory Alert]",
  $EVENT_MSG: "@webhook-firebreak Load is \"high\"\non ip-012345",
  $EVENT_TYPE: "query_alert_monitor",
  $DATE: "1406662672000",
  $LAST_UPDATED: "1406662673000",
  $PRIORITY: "normal",
  $TAGS: "monitor, name:myService, role:computing-node",
  $LINK: "https://app.datadoghq.com/event/jump_to?event_id=6327818702635911562",
  $HOSTNAME: "ip-012345",
  $AGGREG_KEY: "9bd4ac313a4d1e8fae2482df7b77628",
  $ORG_ID: "11023",
  $ORG_NAME: "Datadog",
};

/** Renders a template as Datadog does for JSON payloads: every value is a JSON string. */
function render(template: string, values: Record<string, string>): string {
  return template.replace(/"\$([A-Z_]+)"/g, (_match, name: string) => JSON.stringify(values[`$${name}`] ?? ""));
}

const failure = (body: string) => {
  try {
    parseDatadogBody(Buffer.from(body));
  } catch (error) {
    return { code: (error as CodedError).code, message: (error as CodedError).message };
  }
  throw new Error("expected the body to be refused");
};

describe("Firebreak's Datadog webhook template", () => {
  const variables = [...DATADOG_WEBHOOK_TEMPLATE.matchAll(/\$[A-Z_]+/g)].map((m) => m[0]);

  it("is JSON that uses only documented variables, including the ones Firebreak needs", () => {
    expect(() => JSON.parse(DATADOG_WEBHOOK_TEMPLATE)).not.toThrow();
    for (const name of variables) expect(documented, name).toContain(name);
    const needed = ["$ID", "$ALERT_ID", "$ALERT_TRANSITION", "$ALERT_STATUS", "$ALERT_TITLE", "$EVENT_TITLE", "$EVENT_MSG", "$DATE"];
    needed.push("$LAST_UPDATED", "$PRIORITY", "$TAGS", "$LINK", "$ORG_ID", "$HOSTNAME", "$ALERT_SCOPE", "$AGGREG_KEY");
    for (const name of needed) expect(variables).toContain(name);
  });

  it("renders to an alert event", () => {
    const event = toAlertEvent(parseDatadogBody(Buffer.from(render(DATADOG_WEBHOOK_TEMPLATE, sample))));
    expect(event).toEqual({
      eventId: "6327818702635911562",
      alertId: "1234",
      monitorId: "1234",
      alertCycleKey: "7053478234517066883",
      transition: "Triggered",
      priority: "P1",
      eventPriority: "normal",
      title: "[Triggered on {host:ip-012345}] Host is Down",
      message: "@webhook-firebreak Load is \"high\"\non ip-012345",
      status: "system.load.1 over host:my-host was > 0 at least once during the last 1m",
      eventType: "query_alert_monitor",
      scope: ["availability-zone:us-east-1a", "role:computing-node"],
      tags: ["monitor", "name:myService", "role:computing-node"],
      link: "https://app.datadoghq.com/event/jump_to?event_id=6327818702635911562",
      hostname: "ip-012345",
      orgId: "11023",
      aggregationKey: "9bd4ac313a4d1e8fae2482df7b77628",
      happenedAt: new Date(1406662672000),
      lastUpdatedAt: new Date(1406662673000),
      dedupeKey: "1234:Triggered:1406662672000",
    });
    expect(event.happenedAt.toISOString()).toBe("2014-07-29T19:37:52.000Z");
  });

  it("keeps ids that overflow a JS number exactly, as strings", () => {
    const id = "18446744073709551615";
    expect(String(Number(id))).not.toBe(id);
    const event = toAlertEvent(parseDatadogBody(Buffer.from(render(DATADOG_WEBHOOK_TEMPLATE, { ...sample, $ID: id, $ALERT_CYCLE_KEY: id }))));
    expect(event.eventId).toBe(id);
    expect(event.alertCycleKey).toBe(id);
  });

  it("keeps unknown transitions, and treats variables Datadog left empty as absent", () => {
    const values = { ...sample, $ALERT_TRANSITION: "Re-No Data", $ALERT_TITLE: "", $ALERT_PRIORITY: "", $TAGS: "", $LINK: "", $LAST_UPDATED: "" };
    const event = toAlertEvent(parseDatadogBody(Buffer.from(render(DATADOG_WEBHOOK_TEMPLATE, values))));
    expect(event).toMatchObject({ transition: "Re-No Data", title: "[Triggered] [Memory Alert]", priority: null, tags: [], link: null, lastUpdatedAt: null });
    expect(event.dedupeKey).toBe("1234:Re-No Data:1406662672000");
  });

  it("gives the same dedupe key to a redelivery and a new key to the next transition", () => {
    const body = render(DATADOG_WEBHOOK_TEMPLATE, sample);
    const recovered = render(DATADOG_WEBHOOK_TEMPLATE, { ...sample, $ALERT_TRANSITION: "Recovered", $DATE: "1406662972000" });
    const key = (raw: string) => toAlertEvent(parseDatadogBody(Buffer.from(raw))).dedupeKey;
    expect(key(body)).toBe(key(body));
    expect(key(recovered)).toBe("1234:Recovered:1406662972000");
  });

  it("refuses Datadog's default payload, saying to install Firebreak's template", () => {
    const { code, message } = failure(render(defaultTemplate, sample));
    expect(code).toBe("invalid_payload");
    expect(message).toMatch(/firebreak_template: .*install Firebreak's webhook payload template/);
  });

  it("refuses what it relies on being absent or wrong, naming the field", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ $ALERT_ID: "" }, /alert_id: /],
      [{ $ALERT_TRANSITION: "" }, /alert_transition: /],
      [{ $DATE: "2014-07-29T19:37:52Z" }, /date: expected epoch milliseconds/],
      [{ $ID: "" }, /^.*: id: /],
    ];
    for (const [change, field] of cases) {
      const { code, message } = failure(render(DATADOG_WEBHOOK_TEMPLATE, { ...sample, ...change }));
      expect(code).toBe("invalid_payload");
      expect(message).toMatch(field);
    }
    const numeric = JSON.parse(render(DATADOG_WEBHOOK_TEMPLATE, sample));
    expect(failure(JSON.stringify({ ...numeric, date: 1406662672000 })).message).toMatch(/date: /);
  });

  it("refuses a body that is not JSON (for example one sent with Encode as form) as malformed_body", () => {
    expect(failure("body=%7B%7D").code).toBe("malformed_body");
  });
});
