// Idle is a fact read from the jobs table, not a runner's memory: a job enqueued and not yet run
// (by this runner, another replica, or a process that was killed) keeps the queue busy, and
// waiting for idle runs it rather than giving up after some guess at how long it takes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlStore } from "../../src/adapters/store/store.js";
import { createJobRunner } from "../../src/jobs/job-runner.js";
import { untilIdle } from "../../src/jobs/until-idle.js";
import { createLogger } from "../../src/kernel/log.js";
import { drivers, openTestStore } from "../helpers/databases.js";

const log = createLogger({ level: "silent" });

describe.each(drivers)("job runner idle (%s)", (driver) => {
  let store: SqlStore;
  let clock = new Date("2026-03-08T10:00:00Z");
  const ran: string[] = [];
  beforeAll(async () => {
    store = await openTestStore(driver);
  });
  afterAll(() => store.close());

  const runner = () =>
    createJobRunner({
      jobs: store.jobs,
      log,
      now: () => clock,
      pollMs: 60_000,
      handlers: {
        "test.note": async (payload) => {
          ran.push((payload as { text: string }).text);
          // A job that makes another: idle only once the follow-up has run too.
          if ((payload as { text: string }).text === "first") await store.jobs.enqueue({ kind: "test.note", payload: { text: "follow-up" } }, clock);
        },
      },
    });

  it("is busy while a due job waits in the table, even for a runner that never saw it", async () => {
    await store.jobs.enqueue({ kind: "test.note", payload: { text: "first" } }, clock);
    const fresh = runner();
    expect(await fresh.idleNow()).toBe("1 job(s) running or due");
    fresh.start();
    try {
      // The poll is a minute away: only the nudge from waiting for idle gets the jobs run.
      await untilIdle([fresh]);
    } finally {
      await fresh.stop();
    }
    expect(ran).toEqual(["first", "follow-up"]);
    expect(await fresh.idleNow()).toBe(true);
  });

  it("is idle with a job due later, and busy again once the clock reaches it", async () => {
    await store.jobs.enqueue({ kind: "test.note", payload: { text: "later" }, runAt: new Date(clock.getTime() + 60_000) }, clock);
    const r = runner();
    expect(await r.idleNow()).toBe(true);
    clock = new Date(clock.getTime() + 60_000);
    expect(await r.idleNow()).toBe("1 job(s) running or due");
  });

  it("is busy while a job is held by a worker that died, and says so when it gives up", async () => {
    await store.jobs.claim({ owner: "killed-worker", now: clock, leaseMs: 60_000, limit: 10 });
    const r = runner();
    expect(await r.idleNow()).toBe("1 job(s) running or due");
    // Not started: nothing will run it, so waiting fails with the reason instead of passing.
    await expect(untilIdle([r], { timeoutMs: 50 })).rejects.toThrow("background work did not settle within 50 ms: 1 job(s) running or due");
  });
});
