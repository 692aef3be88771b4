// People's names, kept from when they were first seen, on both drivers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlStore } from "../../../src/adapters/store/store.js";
import { rememberPeople } from "../../../src/incidents/remember-people.js";
import { drivers, openTestStore } from "../../helpers/databases.js";

describe.each(drivers)("people on %s", (driver) => {
  let store: SqlStore;
  beforeAll(async () => {
    store = await openTestStore(driver);
  });
  afterAll(() => store.close());

  it("keeps a name, replaces it when it changes, and keeps when the person was first seen", async () => {
    await store.people.remember("U0PEOPLE1", "Ada Oncall", new Date("2026-03-08T09:05:00Z"));
    await store.people.remember("U0PEOPLE1", "Ada Lovelace", new Date("2026-03-09T09:05:00Z"));
    expect(await store.people.names(["U0PEOPLE1", "U0NOBODY"])).toEqual({ U0PEOPLE1: "Ada Lovelace" });
    const [row] = await store.sql.query<{ first_seen_at: Date }>("SELECT first_seen_at FROM people WHERE user_id = 'U0PEOPLE1'");
    expect(new Date(row!.first_seen_at)).toEqual(new Date("2026-03-08T09:05:00Z"));
    expect(await store.people.names([])).toEqual({});
  });

  it("asks Slack only for people it has not stored, and stores what Slack answers", async () => {
    const asked: string[] = [];
    const chat = { userName: async (id: string) => (asked.push(id), id === "U0PEOPLE3" ? undefined : `Name of ${id}`) };
    const deps = { store, chat: chat as never, now: () => new Date("2026-03-10T00:00:00Z") };
    await rememberPeople(deps, ["U0PEOPLE1", "U0PEOPLE2", "U0PEOPLE2", "U0PEOPLE3", "not-an-id"]);
    expect(asked).toEqual(["U0PEOPLE2", "U0PEOPLE3"]);
    expect(await store.people.names(["U0PEOPLE1", "U0PEOPLE2", "U0PEOPLE3"])).toEqual({ U0PEOPLE1: "Ada Lovelace", U0PEOPLE2: "Name of U0PEOPLE2" });
  });
});
