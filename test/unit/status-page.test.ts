import { describe, expect, it } from "vitest";
import { parseComponentChanges, type PublicUpdate } from "../../src/domain/public-update.js";
import { buildStatusPage } from "../../src/domain/status-page.js";

const components = [{ id: "api", name: "Public API" }, { id: "web", name: "Website" }];
let n = 0;
function published(incidentId: number, status: PublicUpdate["status"], at: string, changes: PublicUpdate["components"] = []): PublicUpdate {
  n++;
  return {
    id: n, publicId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, incidentId, kind: "update", status, title: `Incident ${incidentId}`, body: `update ${n}`, components: changes,
    state: "published", requestedBy: "U1", requestedAt: new Date(at), eligible: { commander: "U1", users: [], groups: [] }, expiresAt: new Date(at), decidedBy: "U1", decidedAt: new Date(at), denyReason: null, messageTs: null,
  };
}

describe("the status page", () => {
  it("gives each component the worst latest status of the current incidents, and moves resolved ones to history for 90 days", () => {
    const page = buildStatusPage({
      title: "Acme", components, feedId: "f", generation: 3, now: new Date("2026-12-04T12:00:00Z"),
      published: [
        published(1, "investigating", "2026-12-04T10:00:00Z", [{ key: "api", status: "major_outage" }]),
        published(2, "identified", "2026-12-04T10:05:00Z", [{ key: "api", status: "degraded_performance" }, { key: "web", status: "partial_outage" }]),
        published(1, "monitoring", "2026-12-04T11:00:00Z", [{ key: "api", status: "degraded_performance" }]),
        published(3, "resolved", "2026-09-01T10:00:00Z"),
        published(4, "resolved", "2026-11-01T10:00:00Z"),
      ],
    });
    expect(page.components.map((c) => c.status)).toEqual(["degraded_performance", "partial_outage"]);
    expect(page.current.map((i) => [i.incidentId, i.status])).toEqual([[2, "identified"], [1, "monitoring"]]);
    expect(page.history.map((i) => i.incidentId)).toEqual([4]);
    expect(page.updatedAt).toEqual(new Date("2026-12-04T11:00:00Z"));
  });
});

describe("component changes", () => {
  it("reads `id: status` lines and refuses unknown components and statuses with a sentence", () => {
    expect(parseComponentChanges("api: major_outage, web: operational", ["api", "web"])).toEqual({ ok: true, changes: [{ key: "api", status: "major_outage" }, { key: "web", status: "operational" }] });
    expect(parseComponentChanges("billing: major_outage", ["api"])).toEqual({ ok: false, reason: "There is no component “billing” on the status page, so nothing was asked; the components are: api." });
    expect(parseComponentChanges("api: down", ["api"])).toMatchObject({ ok: false, reason: expect.stringContaining("“down” is not a component status") });
    expect(parseComponentChanges("api", ["api"])).toMatchObject({ ok: false });
  });
});
