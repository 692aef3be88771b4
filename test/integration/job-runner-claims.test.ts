// A job that a running job enqueues starts at once, not after the jobs claimed beside its parent:
// the page's delivery enqueues its incident's channel, and that must not wait behind slower work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlStore } from "../../src/adapters/store/store.js";
import { createJobRunner, type JobRunner } from "../../src/jobs/job-runner.js";
import { untilIdle } from "../../src/jobs/until-idle.js";
import { createLogger } from "../../src/kernel/log.js";
import { drivers, openTestStore } from "../helpers/databases.js";

const log = createLogger({ level: "silent" });

describe.each(drivers)("job runner claims (%s)", (driver) => {
  let store: SqlStore;
  beforeAll(async () => {
    store = await openTestStore(driver);
  });
  afterAll(() => store.close());

  it("runs a job enqueued by a running job while a job claimed beside its parent is still running", async () => {
    const ran: string[] = [];
    let childRan!: () => void;
    // The slow job ends only once the child has run: a runner that waits for a whole batch before claiming again never gets there.
    const child = new Promise<void>((resolve) => (childRan = resolve));
    const runner: JobRunner = createJobRunner({
      jobs: store.jobs,
      log,
      // No poll comes to the rescue: only the parent's nudge can start the child.
      pollMs: 600_000,
      handlers: {
        "test.slow": async () => {
          await child;
          ran.push("slow");
        },
        "test.parent": async () => {
          await store.jobs.enqueue({ kind: "test.child", payload: {} }, new Date());
          runner.nudge();
          ran.push("parent");
        },
        "test.child": async () => {
          ran.push("child");
          childRan();
        },
      },
    });
    await store.jobs.enqueue({ kind: "test.slow", payload: {} }, new Date());
    await store.jobs.enqueue({ kind: "test.parent", payload: {} }, new Date());
    runner.start();
    try {
      await untilIdle([runner], { timeoutMs: 20_000 });
    } finally {
      childRan();
      await runner.stop();
    }
    expect(ran).toEqual(["parent", "child", "slow"]);
  });
});
