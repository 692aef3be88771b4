// What a Statuspage sync job decides before it writes, without I/O: whether an earlier public
// update of the same incident must go first, and whether a write whose answer was lost already
// happened (the incident update it made is there and no other public update accounts for it).

export interface QueuedSync {
  jobId: number;
  incidentId: string;
  runAt: Date;
}

/**
 * The earlier sync of the same incident this one must wait for, if any. Public updates are
 * enqueued as they are published, so job ids give the publishing order; a job that is still
 * queued or running with a smaller id goes first. One that died is not waited for.
 */
export function earlierSync(self: { jobId: number; incidentId: string }, queued: readonly QueuedSync[]): QueuedSync | undefined {
  return queued
    .filter((q) => q.incidentId === self.incidentId && q.jobId < self.jobId)
    .sort((a, b) => a.jobId - b.jobId)[0];
}

/** When to look again for a job waiting on `earlier`: when it is due, at least a second from now and at most a minute. */
export function waitUntil(earlier: QueuedSync, now: Date): Date {
  const at = Math.min(Math.max(earlier.runAt.getTime(), now.getTime() + 1_000), now.getTime() + 60_000);
  return new Date(at);
}

export interface PostedUpdate {
  id: string;
  status: string;
  body: string;
}

/**
 * The incident update (oldest first in `updates`) that a public update with this status and
 * body became, if it is there: the first one with the same words that no other applied public
 * update has claimed, so two public updates with the same text are still told apart.
 */
export function findPostedUpdate(updates: readonly PostedUpdate[], ours: { status: string; body: string }, claimed: readonly string[]): PostedUpdate | undefined {
  const taken = new Set(claimed);
  return updates.find((u) => !taken.has(u.id) && u.status === ours.status && u.body.trim() === ours.body.trim());
}

/** The Statuspage component changes of a public update: our keys mapped to Statuspage ids; keys with no id are left out. */
export function mapComponents<S extends string>(components: readonly { key: string; status: S }[], ids: Readonly<Record<string, string>>): { mapped: Record<string, S>; unmapped: string[] } {
  const mapped: Record<string, S> = {};
  const unmapped: string[] = [];
  for (const { key, status } of components) {
    const id = ids[key];
    if (id) mapped[id] = status;
    else unmapped.push(key);
  }
  return { mapped, unmapped };
}
