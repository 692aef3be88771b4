import { describe, expect, it } from "vitest";
import { incidentChannelName, MAX_CHANNEL_NAME } from "../../src/domain/channel-name.js";
import { severityFromDatadogPriority, severityFromPriority } from "../../src/domain/severity.js";

const at = new Date("2026-03-08T07:30:00Z");

describe("incident channel names", () => {
  it("follow inc-<yyyymmdd>-<slug> in the team's time zone", () => {
    expect(incidentChannelName("API is degraded — DB CPU at 100%", at, "UTC")).toBe("inc-20260308-api-is-degraded-db-cpu-at-100");
    expect(incidentChannelName("API is degraded", at, "America/Los_Angeles")).toBe("inc-20260307-api-is-degraded");
  });

  it("keep only what Slack allows, and add a suffix after a clash", () => {
    expect(incidentChannelName("Ünïcödé & Émoji 🔥 / Prod_EU", at, "UTC")).toBe("inc-20260308-unicode-emoji-prod-eu");
    expect(incidentChannelName("!!!", at, "UTC")).toBe("inc-20260308");
    expect(incidentChannelName("checkout", at, "UTC", 3)).toBe("inc-20260308-checkout-3");
    const long = incidentChannelName("word ".repeat(40), at, "UTC", 12);
    expect(long.length).toBeLessThanOrEqual(MAX_CHANNEL_NAME);
    expect(long).toMatch(/^inc-20260308-word(-word)*-12$/);
    expect(long).toMatch(/^[a-z0-9_-]+$/);
  });
});

describe("severity from vendor priorities", () => {
  it("maps P1–P5 onto SEV1–SEV4 and leaves unknown schemes alone", () => {
    expect(["P1", "P2", "P3", "P4", "P5"].map(severityFromPriority)).toEqual(["SEV1", "SEV2", "SEV3", "SEV4", "SEV4"]);
    expect(severityFromPriority("Critical")).toBeUndefined();
    expect(severityFromPriority(null)).toBeUndefined();
    expect(["1", "P2", "5", "", "high"].map(severityFromDatadogPriority)).toEqual(["SEV1", "SEV2", "SEV4", undefined, undefined]);
  });
});
