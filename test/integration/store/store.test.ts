// The same suite runs against the embedded database and a real PostgreSQL server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, schemaVersion } from "../../../src/adapters/store/migrate.js";
import { latestVersion } from "../../../src/adapters/store/migrations/index.js";
import type { SqlStore } from "../../../src/adapters/store/store.js";
import { humanId } from "../../../src/domain/incident.js";
import { drivers, openTestStore } from "../../helpers/databases.js";

const t0 = new Date("2026-03-08T09:05:00Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe.each(drivers)("store on %s", (driver) => {
  let store: SqlStore;
  beforeAll(async () => {
    store = await openTestStore(driver);
  });
  afterAll(() => store.close());

  it("is migrated to the latest version, and migrating again changes nothing", async () => {
    expect(await schemaVersion(store.sql)).toBe(latestVersion);
    expect(await migrate(store.sql)).toEqual({ applied: [] });
    expect(await store.unreadyReason()).toBeUndefined();
  });

  it("numbers incidents INC-1, INC-2, … and reads them back", async () => {
    const a = await store.incidents.create({ title: "API is degraded", severity: "SEV1", source: "pagerduty", detectedAt: t0, services: ["api"] });
    const b = await store.incidents.create({ title: "Checkout errors", severity: "SEV2", source: "slack", detectedAt: at(1) });
    expect(b.id).toBe(a.id + 1);
    expect(humanId(a)).toMatch(/^INC-\d+$/);
    expect(await store.incidents.get(a.id)).toEqual(a);
    expect(a).toMatchObject({ status: "investigating", services: ["api"], detectedAt: t0, declaredAt: t0, version: 1 });
  });

  it("updates an incident only at the version the caller read", async () => {
    const incident = await store.incidents.create({ title: "Queue backlog", severity: "SEV3", source: "datadog", detectedAt: t0 });
    const updated = await store.incidents.update(incident.id, incident.version, { status: "identified", channelId: "C0INC1" });
    expect(updated).toMatchObject({ status: "identified", channelId: "C0INC1", version: 2 });
    expect(await store.incidents.update(incident.id, incident.version, { status: "resolved" })).toBeUndefined();
    expect((await store.incidents.get(incident.id))?.status).toBe("identified");
    expect((await store.incidents.byChannel("C0INC1"))?.id).toBe(incident.id);
  });

  it("finds the open incident for a service within a window", async () => {
    const incident = await store.incidents.create({ title: "DB CPU", severity: "SEV2", source: "datadog", detectedAt: at(10), services: ["orders-db"] });
    expect((await store.incidents.openForService("orders-db", at(5)))?.id).toBe(incident.id);
    expect(await store.incidents.openForService("orders-db", at(11))).toBeUndefined();
    expect(await store.incidents.openForService("other", at(0))).toBeUndefined();
  });

  it("keeps one timeline entry per source key and orders by event time, then recording order", async () => {
    const incident = await store.incidents.create({ title: "Timeline", severity: "SEV2", source: "slack", detectedAt: t0 });
    const first = await store.timeline.append({ incidentId: incident.id, eventAt: at(5), kind: "note", text: "second by time" });
    const page = await store.timeline.append({ incidentId: incident.id, eventAt: at(0), kind: "page", text: "paged", sourceKey: "pd:1" });
    const again = await store.timeline.append({ incidentId: incident.id, eventAt: at(0), kind: "page", text: "paged", sourceKey: "pd:1" });
    const tie = await store.timeline.append({ incidentId: incident.id, eventAt: at(5), kind: "note", text: "third: same time, recorded later" });
    expect(page.created).toBe(true);
    expect(again).toEqual({ entry: page.entry, created: false });
    const texts = (await store.timeline.list(incident.id)).map((e) => e.text);
    expect(texts).toEqual(["paged", "second by time", "third: same time, recorded later"]);
    await store.timeline.remove(first.entry.id, "U1", at(6));
    expect((await store.timeline.list(incident.id)).map((e) => e.id)).toEqual([page.entry.id, tie.entry.id]);
    expect(await store.timeline.list(incident.id, { includeRemoved: true })).toHaveLength(3);
  });

  it("records a delivery once", async () => {
    expect(await store.deliveries.record("pagerduty", "d-1", { a: 1 })).toBe(true);
    expect(await store.deliveries.record("pagerduty", "d-1", { a: 1 })).toBe(false);
    expect(await store.deliveries.record("datadog", "d-1", { a: 1 })).toBe(true);
    expect((await store.deliveries.get("pagerduty", "d-1"))?.body).toEqual({ a: 1 });
  });

  it("records a delivery with its processing job, once each, in one statement", async () => {
    const job = { kind: "process-test-delivery", dedupeKey: "test-event:e-1" };
    const jobsFor = async () => (await store.sql.query<{ payload: unknown; status: string }>("SELECT payload, status FROM jobs WHERE kind = $1", [job.kind]));
    const delivery = (deliveryId: string, body: unknown = { event: "e-1" }) => ({ source: "pagerduty", deliveryId, body, subject: "PINC001" });
    expect(await store.deliveries.recordWithJob(delivery("w-1"), job, at(0))).toEqual({ recorded: true });
    expect(await store.deliveries.recordWithJob(delivery("w-1"), job, at(1))).toEqual({ recorded: false });
    // The same event redelivered under a new delivery id: recorded, but processed by the one job.
    expect(await store.deliveries.recordWithJob(delivery("w-2"), job, at(2))).toEqual({ recorded: true });
    expect(await jobsFor()).toEqual([{ payload: { deliveryId: "w-1" }, status: "pending" }]);
    expect((await store.deliveries.get("pagerduty", "w-2"))?.body).toEqual({ event: "e-1" });
    // A body the database refuses stores neither the delivery nor a job.
    await expect(store.deliveries.recordWithJob(delivery("w-3", { text: "nul \u0000 byte" }), { ...job, dedupeKey: "test-event:e-3" }, at(3))).rejects.toThrow();
    expect(await store.deliveries.get("pagerduty", "w-3")).toBeUndefined();
    expect(await jobsFor()).toHaveLength(1);
  });

  it("rolls a transaction back whole", async () => {
    const before = await store.deliveries.count();
    await expect(
      store.transaction(async (tx) => {
        await tx.deliveries.record("slack", "rollback-1", {});
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await store.deliveries.count()).toBe(before);
  });

  it("hands out at most `limit` rate slots per window, however many ask at once", async () => {
    const now = at(500);
    const request = { bucket: "test.method", limit: 5, windowMs: 60_000, now };
    // Half ask inside a transaction (as a declaration does), half on their own (as the pace does).
    const waits = await Promise.all(Array.from({ length: 12 }, (_, n) => (n % 2 ? store.transaction((tx) => tx.rateSlots.reserve(request)) : store.rateSlots.reserve(request))));
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
    expect(Math.min(...waits.filter((w) => w > 0))).toBe(60_000);
    expect(await store.transaction((tx) => tx.rateSlots.reserve({ ...request, now: new Date(now.getTime() + 60_001) }))).toBe(0);
    expect(await store.transaction((tx) => tx.rateSlots.reserve({ ...request, bucket: "other" }))).toBe(0);
  });

  it("does not count a rate slot whose transaction rolled back", async () => {
    const request = { bucket: "test.rollback", limit: 1, windowMs: 60_000, now: at(600) };
    await expect(
      store.transaction(async (tx) => {
        expect(await tx.rateSlots.reserve(request)).toBe(0);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await store.rateSlots.reserve(request)).toBe(0);
    expect(await store.rateSlots.reserve({ ...request, now: new Date(request.now.getTime() + 1_000) })).toBe(59_000);
  });

  it("records a delivery's job claimed by the worker that will run it at once, and only a new one", async () => {
    const job = { kind: "process-claimed-delivery", dedupeKey: "claimed-event:e-1", claimedBy: { owner: "worker-a", leaseMs: 60_000 } };
    const delivery = (deliveryId: string) => ({ source: "pagerduty", deliveryId, body: { event: "claimed" }, subject: null });
    const first = await store.deliveries.recordWithJob(delivery("c-1"), job, at(10));
    expect(first).toMatchObject({ recorded: true, claimed: { kind: job.kind, payload: { deliveryId: "c-1" }, status: "running", attempts: 1, leaseOwner: "worker-a" } });
    expect(first.claimed!.leaseExpiresAt).toEqual(new Date(at(10).getTime() + 60_000));
    // Nobody else claims it while the lease holds.
    expect(await store.jobs.claim({ owner: "worker-b", now: at(11), leaseMs: 1_000, limit: 10, kinds: [job.kind] })).toEqual([]);
    // The same event again: nothing new to run.
    expect(await store.deliveries.recordWithJob(delivery("c-2"), job, at(12))).toEqual({ recorded: true });
  });

  it("adds several timeline entries and several jobs in one statement each, once per key", async () => {
    const incident = await store.incidents.create({ title: "Batch", severity: "SEV3", source: "slack", detectedAt: at(20) });
    const entry = (sourceKey: string) => ({ incidentId: incident.id, eventAt: at(20), kind: "note", text: sourceKey, sourceKey });
    expect(await store.timeline.appendAll([entry("a"), entry("b")])).toBe(2);
    expect(await store.timeline.appendAll([entry("b"), entry("c")])).toBe(1);
    expect((await store.timeline.list(incident.id)).map((e) => e.text)).toEqual(["a", "b", "c"]);

    const now = at(21);
    const [held] = await store.jobs.enqueueAll([{ kind: "test.batch", dedupeKey: "batch-1", payload: { n: 1 } }], now);
    const results = await store.jobs.enqueueAll(
      [
        { kind: "test.batch", dedupeKey: "batch-2", payload: { n: 2 }, claimedBy: { owner: "worker-a", leaseMs: 5_000 } },
        { kind: "test.batch", dedupeKey: "batch-1", payload: { n: "again" } },
        { kind: "test.batch", dedupeKey: "batch-3", payload: { n: 3 }, runAt: at(30) },
      ],
      now,
    );
    // In the order given: the new ones created, the taken key answered with the job that holds it.
    expect(results.map((r) => [r.job.dedupeKey, r.created, r.job.status])).toEqual([["batch-2", true, "running"], ["batch-1", false, "pending"], ["batch-3", true, "pending"]]);
    expect(results[1]!.job).toEqual(held!.job);
    expect(results[0]!.job).toMatchObject({ leaseOwner: "worker-a", attempts: 1, leaseExpiresAt: new Date(now.getTime() + 5_000) });
    expect(results[2]!.job.runAt).toEqual(at(30));
  });

  describe("jobs", () => {
    it("enqueues once per dedupe key and hands each due job to one claimer", async () => {
      const now = at(100);
      const a = await store.jobs.enqueue({ kind: "test.claim", payload: { n: 1 }, dedupeKey: "claim-1" }, now);
      const dup = await store.jobs.enqueue({ kind: "test.claim", payload: { n: 1 }, dedupeKey: "claim-1" }, now);
      expect(dup).toEqual({ job: a.job, created: false });
      for (let n = 2; n <= 6; n++) await store.jobs.enqueue({ kind: "test.claim", payload: { n } }, now);
      await store.jobs.enqueue({ kind: "test.claim", payload: { n: "later" }, runAt: at(200) }, now);

      const claims = await Promise.all(
        ["w1", "w2", "w3"].map((owner) => store.jobs.claim({ owner, now, leaseMs: 30_000, limit: 3, kinds: ["test.claim"] })),
      );
      const ids = claims.flat().map((j) => j.id);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
      expect(claims.flat().every((j) => j.status === "running" && j.attempts === 1)).toBe(true);
    });

    it("claims from a long queue by reading the jobs it takes, not the queue, however stale the statistics", async () => {
      // A storm's backlog, written faster than autovacuum analyzes the table.
      await store.sql.query(
        `INSERT INTO jobs (kind, payload, run_at, dedupe_key) SELECT 'test.backlog', '{}', $1::timestamptz + n * interval '1 ms', 'backlog-' || n FROM generate_series(1, 20000) AS n`,
        [at(600)],
      );
      const [plan] = await store.sql.query<{ "QUERY PLAN": [{ Plan: { "Shared Hit Blocks": number; "Shared Read Blocks": number } }] }>(
        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM claim_jobs('w', $1, 1000, 4, ARRAY['test.backlog'])",
        [at(700)],
      );
      const { Plan: root } = plan!["QUERY PLAN"][0];
      // Reading the whole queue is some 300 blocks; four jobs in index order are a few dozen.
      expect(root["Shared Hit Blocks"] + root["Shared Read Blocks"]).toBeLessThan(60);
      const claimed = await store.sql.query<{ dedupe_key: string }>("SELECT dedupe_key FROM jobs WHERE kind = 'test.backlog' AND status = 'running' ORDER BY id");
      expect(claimed.map((j) => j.dedupe_key)).toEqual(["backlog-1", "backlog-2", "backlog-3", "backlog-4"]);
      await store.sql.query("DELETE FROM jobs WHERE kind = 'test.backlog'");
    });

    it("returns a job whose worker died to the pool when its lease runs out", async () => {
      const now = at(300);
      const { job } = await store.jobs.enqueue({ kind: "test.lease" }, now);
      const [claimed] = await store.jobs.claim({ owner: "dead-worker", now, leaseMs: 10_000, limit: 1, kinds: ["test.lease"] });
      expect(claimed?.id).toBe(job.id);
      expect(await store.jobs.claim({ owner: "w2", now: new Date(now.getTime() + 5_000), leaseMs: 10_000, limit: 1, kinds: ["test.lease"] })).toEqual([]);
      const [reclaimed] = await store.jobs.claim({ owner: "w2", now: new Date(now.getTime() + 11_000), leaseMs: 10_000, limit: 1, kinds: ["test.lease"] });
      expect(reclaimed).toMatchObject({ id: job.id, leaseOwner: "w2", attempts: 2 });
      expect(await store.jobs.complete(job.id, "dead-worker", now)).toBe(false);
      expect(await store.jobs.complete(job.id, "w2", now)).toBe(true);
      expect((await store.jobs.get(job.id))?.status).toBe("done");
    });

    it("retries a failed job later and gives up after its attempts", async () => {
      const now = at(400);
      const { job } = await store.jobs.enqueue({ kind: "test.fail", maxAttempts: 2 }, now);
      await store.jobs.claim({ owner: "w", now, leaseMs: 1_000, limit: 1, kinds: ["test.fail"] });
      const retried = await store.jobs.fail(job.id, "w", "Slack said 500", at(401));
      expect(retried).toMatchObject({ status: "pending", lastError: "Slack said 500", runAt: at(401) });
      expect(await store.jobs.claim({ owner: "w", now, leaseMs: 1_000, limit: 1, kinds: ["test.fail"] })).toEqual([]);
      await store.jobs.claim({ owner: "w", now: at(401), leaseMs: 1_000, limit: 1, kinds: ["test.fail"] });
      expect(await store.jobs.fail(job.id, "w", "again", at(402))).toMatchObject({ status: "dead", attempts: 2 });
    });
  });
});
