// The Statuspage sync's records on both drivers: the first link of an incident wins, and an
// applied public update is recorded once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlStore } from "../../../src/adapters/store/store.js";
import { drivers, openTestStore } from "../../helpers/databases.js";

describe.each(drivers)("Statuspage sync records on %s", (driver) => {
  let store: SqlStore;
  beforeAll(async () => {
    store = await openTestStore(driver);
  });
  afterAll(() => store.close());

  it("keeps the first Statuspage incident linked to an incident", async () => {
    const at = new Date("2026-03-08T09:05:00Z");
    expect(await store.statusSync.linkedIncident("42")).toBeUndefined();
    expect(await store.statusSync.link("42", "spinc0000001", at)).toBe("spinc0000001");
    expect(await store.statusSync.link("42", "spinc0000002", at)).toBe("spinc0000001");
    expect(await store.statusSync.linkedIncident("42")).toBe("spinc0000001");
  });

  it("records each applied public update once, and which Statuspage update it became", async () => {
    const at = new Date("2026-03-08T09:06:00Z");
    expect(await store.statusSync.isApplied("pu-1")).toBe(false);
    await store.statusSync.recordApplied({ publicUpdateId: "pu-1", incidentId: "42", statuspageUpdateId: "spupd0000001", at });
    await store.statusSync.recordApplied({ publicUpdateId: "pu-1", incidentId: "42", statuspageUpdateId: "spupd0000009", at });
    await store.statusSync.recordApplied({ publicUpdateId: "pu-2", incidentId: "42", statuspageUpdateId: undefined, at });
    await store.statusSync.recordApplied({ publicUpdateId: "pu-3", incidentId: "43", statuspageUpdateId: "spupd0000003", at });
    expect(await store.statusSync.isApplied("pu-1")).toBe(true);
    expect(await store.statusSync.isApplied("pu-2")).toBe(true);
    expect(await store.statusSync.claimedUpdateIds("42")).toEqual(["spupd0000001"]);
  });
});
