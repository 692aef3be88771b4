// The sandbox's Datadog stand-in gives the post-mortem chart a series that shows the rebuild: the
// database CPU stays high until the index becomes valid and drops at that minute, and the
// sandbox's firebreak.yaml charts it for the demo's service.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { configFileSchema } from "../../src/kernel/config-file.js";
import { demoConfigFile } from "../../src/sandbox/demo/demo-config-file.js";
import { createDemoMetrics, DEMO_METRICS } from "../../src/sandbox/demo/demo-metrics.js";

describe("the sandbox's chart metric", () => {
  it("is high before the rebuild and low from the minute the index became valid", () => {
    let now = Date.parse("2026-12-04T14:30:20Z");
    const metrics = createDemoMetrics(() => now);
    metrics.setIndexValid(false);
    metrics.setIndexValid(true);
    now = Date.parse("2026-12-04T15:00:00Z");
    const points = metrics.script(DEMO_METRICS.cpuQuery, Date.parse("2026-12-04T14:00:00Z") / 1000, now / 1000);
    expect(points.length).toBe(61);
    expect(points.find(([t]) => t === Date.parse("2026-12-04T14:30:00Z"))?.[1]).toBe(99.3);
    expect(points.find(([t]) => t === Date.parse("2026-12-04T14:31:00Z"))?.[1]).toBe(31.4);
    // A metric gate reads the latest point: the value now.
    expect(points.at(-1)).toEqual([now, 31.4]);
  });

  it("is charted for the demo's service, with failed requests as its impact", () => {
    const file = configFileSchema.parse(parse(demoConfigFile({ dbaGroup: "S0DBA", kubeconfigs: {} })));
    expect(file.services["orders-api"]).toMatchObject({ chart: { query: DEMO_METRICS.cpuQuery }, impact: [{ query: DEMO_METRICS.errorCountQuery, label: "failed requests" }] });
  });
});
