// Idle as the database sees it, for a Firebreak running in another process (the CLI): no job
// running or due, no step ready, running or rolling back. What that process holds only in memory
// cannot be seen, which is why the product keeps nothing that matters there.
import type { SqlStore } from "../../src/adapters/store/store.js";
import { untilIdle } from "../../src/jobs/until-idle.js";

export function storeIdle(store: SqlStore, options: { now?: () => Date; timeoutMs?: number } = {}): Promise<void> {
  const now = options.now ?? (() => new Date());
  return untilIdle(
    [
      {
        async idleNow() {
          const jobs = await store.jobs.busy(now());
          if (jobs > 0) return `${jobs} job(s) running or due`;
          const steps = await store.runs.busy();
          return steps > 0 ? `${steps} step(s) ready, running or rolling back` : true;
        },
        nudge: () => undefined,
      },
    ],
    options,
  );
}
