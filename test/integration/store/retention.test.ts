// Retention on both drivers: deliveries and finished jobs older than retention_days go, in small
// batches; newer rows, unfinished jobs and the incident record stay; the sweep is a durable job
// that asks for the next day's, and replicas sweep once a day between them.
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SqlStore } from "../../../src/adapters/store/store.js";
import { createJobRunner } from "../../../src/jobs/job-runner.js";
import { RETENTION_JOB, retentionJob, scheduleRetention, type RetentionOptions } from "../../../src/jobs/retention-job.js";
import { createLogger } from "../../../src/kernel/log.js";
import { drivers, openTestStore } from "../../helpers/databases.js";

const DAY = 86_400_000;
const today = new Date("2026-03-10T12:00:00Z");
const daysAgo = (days: number, from = today) => new Date(from.getTime() - days * DAY);
const log = createLogger({ destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });

describe.each(drivers)("retention on %s", (driver) => {
  let store: SqlStore;
  beforeEach(async () => {
    store = await openTestStore(driver);
  });
  afterEach(() => store.close());

  let clock = today;
  const runner = (options: Partial<RetentionOptions> = {}, owner = "replica-a") =>
    createJobRunner({ jobs: store.jobs, log, owner, now: () => clock, handlers: { [RETENTION_JOB]: retentionJob({ store, retentionDays: 30, batchSize: 2, ...options }) } });

  async function delivery(id: string, receivedAt: Date) {
    await store.deliveries.record("pagerduty", id, { id });
    await store.sql.query("UPDATE deliveries SET received_at = $1 WHERE delivery_id = $2", [receivedAt, id]);
  }
  async function finishedJob(key: string, finishedAt: Date, outcome: "done" | "dead" = "done") {
    const { job } = await store.jobs.enqueue({ kind: `test.${key}`, dedupeKey: key, runAt: finishedAt, maxAttempts: 1 }, finishedAt);
    await store.jobs.claim({ owner: "w", now: finishedAt, leaseMs: 60_000, limit: 1, kinds: [`test.${key}`] });
    if (outcome === "done") await store.jobs.complete(job.id, "w", finishedAt);
    else await store.jobs.fail(job.id, "w", "gave up", finishedAt);
  }
  const deliveryIds = async () => (await store.sql.query<{ delivery_id: string }>("SELECT delivery_id FROM deliveries ORDER BY delivery_id")).map((r) => r.delivery_id);
  const jobKeys = async () => (await store.sql.query<{ dedupe_key: string; status: string }>("SELECT dedupe_key, status FROM jobs ORDER BY dedupe_key")).map((r) => `${r.dedupe_key} ${r.status}`);

  beforeEach(() => {
    clock = today;
  });

  it("deletes old deliveries and finished jobs; keeps newer ones, unfinished jobs and the incident record", async () => {
    for (const [id, age] of [["old-1", 40], ["old-2", 31], ["old-3", 35], ["new", 29], ["old-but-queued", 40]] as const) await delivery(id, daysAgo(age));
    // A delivery whose processing job has not run yet is still needed, however old.
    await store.jobs.enqueue({ kind: "delivery.pagerduty", payload: { deliveryId: "old-but-queued" }, dedupeKey: "queued", runAt: daysAgo(40) }, daysAgo(40));
    await finishedJob("done-old", daysAgo(40));
    await finishedJob("dead-old", daysAgo(35), "dead");
    await finishedJob("done-new", daysAgo(1));
    await store.jobs.enqueue({ kind: "test.pending", dedupeKey: "pending-old", runAt: daysAgo(60) }, daysAgo(60));
    await store.jobs.enqueue({ kind: "test.running", dedupeKey: "running-old", runAt: daysAgo(60) }, daysAgo(60));
    await store.jobs.claim({ owner: "gone", now: daysAgo(60), leaseMs: 1_000, limit: 1, kinds: ["test.running"] });
    const incident = await store.incidents.create({ title: "Old outage", severity: "SEV2", source: "slack", detectedAt: daysAgo(400) });
    await store.timeline.append({ incidentId: incident.id, eventAt: daysAgo(400), kind: "note", text: "kept forever", sourceKey: "old-note" });

    await scheduleRetention(store.jobs, clock);
    expect(await runner().drain()).toBe(1);

    expect(await deliveryIds()).toEqual(["new", "old-but-queued"]);
    expect(await jobKeys()).toEqual([
      "done-new done",
      "pending-old pending",
      "queued pending",
      "retention:2026-03-10 done",
      "retention:2026-03-11 pending",
      "running-old running",
    ]);
    expect(await store.incidents.get(incident.id)).toBeDefined();
    expect((await store.timeline.list(incident.id)).map((e) => e.text)).toContain("kept forever");
  });

  it("asks for the next UTC day's sweep, and runs at most one a day", async () => {
    await scheduleRetention(store.jobs, clock);
    await runner().drain();
    const tomorrow = (await store.jobs.list({ kind: RETENTION_JOB, status: "pending" }))[0]!;
    expect(tomorrow).toMatchObject({ dedupeKey: "retention:2026-03-11", runAt: new Date("2026-03-11T00:00:00Z") });

    // A restart later the same day asks again: nothing new, nothing runs.
    clock = new Date("2026-03-10T23:00:00Z");
    await scheduleRetention(store.jobs, clock);
    expect(await runner().drain()).toBe(0);

    clock = new Date("2026-03-11T00:00:01Z");
    await delivery("aged-out-overnight", daysAgo(30.5, clock));
    await scheduleRetention(store.jobs, clock);
    expect(await runner().drain()).toBe(1);
    expect(await deliveryIds()).toEqual([]);
    expect(await jobKeys()).toEqual(["retention:2026-03-10 done", "retention:2026-03-11 done", "retention:2026-03-12 pending"]);
  });

  it("two replicas starting together sweep once between them", async () => {
    for (let n = 0; n < 7; n++) await delivery(`old-${n}`, daysAgo(45));
    await Promise.all([scheduleRetention(store.jobs, clock), scheduleRetention(store.jobs, clock)]);
    const [a, b] = await Promise.all([runner({}, "replica-a").drain(), runner({}, "replica-b").drain()]);
    expect(a + b).toBe(1);
    const sweeps = await store.jobs.list({ kind: RETENTION_JOB });
    expect(sweeps.map((j) => [j.dedupeKey, j.status, j.attempts])).toEqual([
      ["retention:2026-03-10", "done", 1],
      ["retention:2026-03-11", "pending", 0],
    ]);
    expect(await deliveryIds()).toEqual([]);
  });

  it("works off a backlog in slices, yielding between them", async () => {
    for (let n = 0; n < 5; n++) await delivery(`old-${n}`, daysAgo(45));
    const sweep = runner({ batchSize: 2, batchesPerSlice: 1 });
    await scheduleRetention(store.jobs, clock);
    expect(await sweep.drain()).toBe(1);
    // One slice deleted one batch, then put the job back a second later, not done and no attempt spent.
    expect(await deliveryIds()).toHaveLength(3);
    expect(await store.jobs.list({ kind: RETENTION_JOB })).toMatchObject([{ status: "pending", attempts: 0 }]);
    for (let slice = 0; slice < 3; slice++) {
      clock = new Date(clock.getTime() + 2_000);
      await sweep.drain();
    }
    expect(await deliveryIds()).toEqual([]);
    expect((await store.jobs.list({ kind: RETENTION_JOB })).map((j) => j.status)).toEqual(["done", "pending"]);
  });

  it.runIf(driver === "pg")("skips rows another transaction holds instead of waiting for them", async () => {
    await delivery("held", daysAgo(45));
    await delivery("free", daysAgo(45));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = store.sql.transaction(async (tx) => {
      await tx.query("SELECT 1 FROM deliveries WHERE delivery_id = 'held' FOR UPDATE");
      locked();
      await released;
    });
    await isLocked;
    expect(await store.deliveries.deleteReceivedBefore(daysAgo(30), 500)).toBe(1);
    release();
    await holder;
    expect(await deliveryIds()).toEqual(["held"]);
  });
});
