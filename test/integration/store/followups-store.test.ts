// Follow-ups tracked to done (migration 018), on both drivers: found by issue, state changes that
// ignore a stale GitHub event, the reconcile's bounded rotation, and the overdue read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlStore } from "../../../src/adapters/store/store.js";
import { drivers, openTestStore } from "../../helpers/databases.js";

describe.each(drivers)("follow-ups on %s", (driver) => {
  let store: SqlStore;
  let incidentId: number;
  const at = new Date("2026-12-04T12:00:00Z");
  const add = async (text: string, extra: { ownerId?: string; dueOn?: string } = {}) => {
    const f = await store.lifecycle.addFollowup({ incidentId, text, createdBy: "U0CORA", createdAt: at, ...extra });
    return f.id;
  };
  beforeAll(async () => {
    store = await openTestStore(driver);
    incidentId = (await store.incidents.create({ title: "Orders API is slow", severity: "SEV2", source: "slack", detectedAt: at })).id;
  });
  afterAll(() => store.close());

  it("keeps owner, due day and state, found by its issue", async () => {
    const id = await add("Alert on invalid indexes", { ownerId: "U0ADA", dueOn: "2026-12-20" });
    await store.lifecycle.setFollowupIssue(id, { number: 7, url: "https://github.com/acme/postmortems/issues/7" });
    expect(await store.followups.byIssue(7)).toMatchObject({ id, ownerId: "U0ADA", dueOn: "2026-12-20", state: "open", closedAt: null, issueNumber: 7 });
    expect(await store.followups.byIssue(8)).toBeUndefined();
  });

  it("applies a GitHub change only if it is not older than the last one applied", async () => {
    const id = await add("Rotate credentials");
    const t = (m: number) => new Date(at.getTime() + m * 60_000);
    expect(await store.followups.setState(id, { state: "done", at: t(5), githubUpdatedAt: t(5) })).toBe(true);
    expect(await store.followups.setState(id, { state: "open", at: t(6), githubUpdatedAt: t(1) })).toBe(false);
    expect(await store.followups.get(id)).toMatchObject({ state: "done", closedAt: t(5) });
    expect(await store.followups.setState(id, { state: "open", at: t(7), githubUpdatedAt: t(7) })).toBe(true);
    expect(await store.followups.get(id)).toMatchObject({ state: "open", closedAt: null });
  });

  it("hands the reconcile open follow-ups with issues, those checked longest ago first, at most `limit`", async () => {
    await store.sql.query("UPDATE followups SET state = 'done' WHERE incident_id = $1", [incidentId]);
    const ids = [await add("one"), await add("two"), await add("three")];
    for (const [i, id] of ids.entries()) await store.lifecycle.setFollowupIssue(id, { number: 100 + i, url: `https://github.com/acme/postmortems/issues/${100 + i}` });
    const first = await store.followups.claimForReconcile(2, at);
    const second = await store.followups.claimForReconcile(2, new Date(at.getTime() + 1000));
    expect(first.map((f) => f.id)).toEqual(ids.slice(0, 2));
    expect(second.map((f) => f.id)).toEqual([ids[0], ids[2]]);
  });

  it("reads open follow-ups with an owner due before today as overdue", async () => {
    const late = await add("late", { ownerId: "U0ADA", dueOn: "2026-12-03" });
    await add("due today", { ownerId: "U0ADA", dueOn: "2026-12-04" });
    await add("no owner", { dueOn: "2026-12-01" });
    const doneLate = await add("done late", { ownerId: "U0ADA", dueOn: "2026-12-01" });
    await store.followups.setState(doneLate, { state: "done", at });
    expect((await store.followups.overdue("2026-12-04", 10)).map((f) => f.id)).toEqual([late]);
  });
});
