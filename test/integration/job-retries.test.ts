// The job runner's side of "every write once": a failure that carries the vendor's Retry-After
// is not tried again before it, and a write a job noted before sending is still known to a
// runner started afresh (as after a crash), with the time of its first try.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { SqlStore } from "../../src/adapters/store/store.js";
import { VendorError } from "../../src/ports/vendor-error.js";
import { createJobRunner, type JobContext } from "../../src/jobs/job-runner.js";
import { createLogger } from "../../src/kernel/log.js";
import { openTestStore } from "../helpers/databases.js";

let store: SqlStore;
beforeAll(async () => {
  store = await openTestStore("pglite");
});
afterAll(() => store.close());

const log = createLogger({ level: "silent" });
const clock = new Date("2026-03-08T10:00:00Z");
const runner = (handler: (payload: unknown, context: JobContext) => Promise<void>) =>
  createJobRunner({ jobs: store.jobs, handlers: { "test.write": handler }, log, now: () => clock, backoffMs: () => 100 });

it("retries a rate-limited job no sooner than its Retry-After", async () => {
  const { job } = await store.jobs.enqueue({ kind: "test.write", payload: { n: 1 }, dedupeKey: "retry-after" }, clock);
  await runner(async () => {
    throw new VendorError("slack", "ratelimited", "Slack chat.postMessage failed: ratelimited", { retryAfterMs: 30_000 });
  }).drain();
  const after = (await store.jobs.get(job.id))!;
  expect(after.status).toBe("pending");
  expect(after.runAt.getTime() - clock.getTime()).toBe(30_000);
});

it("remembers a write sent without a known outcome across runners, with the time of its first try", async () => {
  const { job } = await store.jobs.enqueue({ kind: "test.write", payload: { n: 2 }, dedupeKey: "ledger" }, clock);
  const seen: (string | undefined)[] = [];
  const handler = async (_payload: unknown, context: JobContext) => {
    seen.push(context.writes.unconfirmed("chat.postMessage:C1:header")?.toISOString());
    await context.writes.sending("chat.postMessage:C1:header");
    throw new Error("the answer was lost");
  };
  await runner(handler).drain();
  await store.sql.query("UPDATE jobs SET run_at = $2 WHERE id = $1", [job.id, clock]);
  await runner(handler).drain();
  expect(seen).toEqual([undefined, clock.toISOString()]);
  // The handler's own payload is untouched beside the note.
  expect((await store.jobs.get(job.id))!.payload).toEqual({ n: 2, writes: { "chat.postMessage:C1:header": clock.toISOString() } });
});
