// A job that a running job enqueues starts at once, not after the jobs claimed beside its parent:
// the page's delivery enqueues its incident's channel, and that must not wait behind slower work.
// A job handed over in-process (enqueued claimed, started when its transaction commits) needs no
// claim at all, and is run only after a commit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlStore } from "../../src/adapters/store/store.js";
import { createJobRunner, type HandOffSlot, type JobRunner } from "../../src/jobs/job-runner.js";
import { untilIdle } from "../../src/jobs/until-idle.js";
import { createLogger } from "../../src/kernel/log.js";
import { drivers, openTestStore } from "../helpers/databases.js";
import { eventually } from "../helpers/harness.js";

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

  it("runs a job handed over in-process once its transaction commits, with what its enqueuer gave it, and never one rolled back", async () => {
    const seen: Record<string, unknown>[] = [];
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const runner: JobRunner = createJobRunner({
      jobs: store.jobs,
      log,
      // No poll and no nudge: only the hand-over can start it.
      pollMs: 600_000,
      concurrency: 1,
      handlers: {
        "test.handed": async (payload, context) => {
          seen.push({ payload, carried: context.carried, prepared: context.writes.prepared("write:a"), before: context.writes.unconfirmed("write:a"), fullNow: runner.handOff.claim("test.handed") });
          await context.writes.sending("write:a");
          seen.push({ after: context.writes.unconfirmed("write:a") });
          finished();
        },
      },
    });
    expect(runner.handOff.claim("test.handed")).toBeUndefined();
    runner.start();
    let late: HandOffSlot | undefined;
    try {
      expect(runner.handOff.claim("test.unknown")).toBeUndefined();
      const noted = new Date();
      const lost = runner.handOff.claim("test.handed")!;
      await expect(
        store.transaction(async (tx) => {
          const { job } = await tx.jobs.enqueue({ kind: "test.handed", payload: {}, dedupeKey: "handed-rolled-back", claimedBy: lost }, noted);
          tx.afterCommit(() => lost.run(job));
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      // The runner's one slot is held until given back.
      expect(runner.handOff.claim("test.handed")).toBeUndefined();
      lost.release();
      const slot = runner.handOff.claim("test.handed")!;
      const job = await store.transaction(async (tx) => {
        const { job } = await tx.jobs.enqueue({ kind: "test.handed", payload: { n: 1, writes: { "write:a": noted.toISOString() } }, dedupeKey: "handed", claimedBy: slot }, noted);
        tx.afterCommit(() => slot.run(job, { prepared: ["write:a"], carried: { body: "in memory" } }));
        return job;
      });
      await done;
      await untilIdle([runner], { timeoutMs: 20_000 });
      expect(seen).toEqual([
        // Noted by the enqueuing transaction and not yet sent: nothing to look for. The runner's one slot is taken.
        { payload: { n: 1, writes: { "write:a": noted.toISOString() } }, carried: { body: "in memory" }, prepared: true, before: undefined, fullNow: undefined },
        // Sent from then on, under the note already in the row.
        { after: noted },
      ]);
      expect(await store.jobs.get(job.id)).toMatchObject({ status: "done", attempts: 1, payload: { n: 1, writes: { "write:a": noted.toISOString() } } });
      expect(await store.jobs.list({ kind: "test.handed" })).toHaveLength(1);
    } finally {
      late = runner.handOff.claim("test.handed");
      await runner.stop();
    }
    // A runner that stopped meanwhile gives a job handed to it back at once, its attempt returned, for any worker to claim.
    const { job: lateJob } = await store.jobs.enqueue({ kind: "test.handed", payload: {}, dedupeKey: "handed-late", claimedBy: late! }, new Date());
    late!.run(lateJob);
    const returned = await eventually(() => store.jobs.get(lateJob.id), (j) => j?.status === "pending", 10_000);
    expect(returned).toMatchObject({ attempts: 0, leaseOwner: null });
    expect(seen).toHaveLength(2);
  });
});
