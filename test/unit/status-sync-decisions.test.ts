// The Statuspage sync's pure decisions: which earlier public update goes first, and whether a
// write whose answer was lost is already on the incident.
import { describe, expect, it } from "vitest";
import { earlierSync, findPostedUpdate, mapComponents, waitUntil } from "../../src/domain/status-sync.js";

const at = (iso: string) => new Date(`2026-03-08T${iso}Z`);

describe("earlierSync", () => {
  const queued = [
    { jobId: 7, incidentId: "42", runAt: at("09:00:00") },
    { jobId: 5, incidentId: "42", runAt: at("09:00:05") },
    { jobId: 6, incidentId: "43", runAt: at("09:00:00") },
    { jobId: 9, incidentId: "42", runAt: at("09:00:00") },
  ];

  it("is the oldest queued sync of the same incident published before this one", () => {
    expect(earlierSync({ jobId: 9, incidentId: "42" }, queued)?.jobId).toBe(5);
    expect(earlierSync({ jobId: 7, incidentId: "42" }, queued)?.jobId).toBe(5);
  });

  it("is none for the first of an incident, or when only other incidents' syncs are queued", () => {
    expect(earlierSync({ jobId: 5, incidentId: "42" }, queued)).toBeUndefined();
    expect(earlierSync({ jobId: 8, incidentId: "43" }, queued.filter((q) => q.jobId !== 6))).toBeUndefined();
    expect(earlierSync({ jobId: 6, incidentId: "43" }, queued)).toBeUndefined();
  });

  it("waits until the earlier one is due, at least a second and at most a minute", () => {
    const now = at("09:00:00");
    expect(waitUntil({ jobId: 1, incidentId: "42", runAt: at("08:59:00") }, now)).toEqual(at("09:00:01"));
    expect(waitUntil({ jobId: 1, incidentId: "42", runAt: at("09:00:20") }, now)).toEqual(at("09:00:20"));
    expect(waitUntil({ jobId: 1, incidentId: "42", runAt: at("09:30:00") }, now)).toEqual(at("09:01:00"));
  });
});

describe("findPostedUpdate", () => {
  const updates = [
    { id: "u1", status: "investigating", body: "Looking." },
    { id: "u2", status: "monitoring", body: "Fix out." },
    { id: "u3", status: "monitoring", body: "Fix out." },
  ];

  it("finds the update a lost write made", () => {
    expect(findPostedUpdate(updates, { status: "investigating", body: "Looking." }, [])?.id).toBe("u1");
  });

  it("skips updates other public updates already account for, so repeated words are told apart", () => {
    expect(findPostedUpdate(updates, { status: "monitoring", body: "Fix out." }, ["u2"])?.id).toBe("u3");
    expect(findPostedUpdate(updates, { status: "monitoring", body: "Fix out." }, ["u2", "u3"])).toBeUndefined();
  });

  it("finds nothing when the write did not happen: the same words under another status are another update", () => {
    expect(findPostedUpdate(updates, { status: "resolved", body: "Fix out." }, [])).toBeUndefined();
    expect(findPostedUpdate([], { status: "investigating", body: "Looking." }, [])).toBeUndefined();
  });
});

describe("mapComponents", () => {
  it("maps our keys to Statuspage ids and names the keys it cannot map", () => {
    expect(mapComponents([{ key: "api", status: "major_outage" }, { key: "docs", status: "operational" }], { api: "sp1", web: "sp2" })).toEqual({
      mapped: { sp1: "major_outage" },
      unmapped: ["docs"],
    });
  });
});
