// Which of a job's writes went out without the job learning how they ended. A vendor can do a
// write and then answer 500, time out, or drop the connection; sending it again blindly makes a
// second channel, a second header, a second issue. So a job records "about to send <key>" in its
// own row before the call, and any later try — the next attempt, one after a crash, or a second
// try in the same attempt — first looks at the vendor for what the earlier one may have done.
// A write that was never tried goes straight out: the fast path makes no extra read.
import { z } from "zod";
import type { Job } from "../ports/store.js";

export interface WriteLedger {
  /** When this job first sent `key` without confirming it, or undefined if it never sent it. */
  unconfirmed(key: string): Date | undefined;
  /**
   * Records, before the call, that `key` is being sent (the first time is kept). With `persist`,
   * the note is written through it (a transaction the caller holds, so it lands with the caller's
   * other writes in one commit) rather than on its own.
   */
  sending(key: string, persist?: (key: string, at: Date) => Promise<void>): Promise<void>;
  /**
   * True when `key` was noted by the transaction that enqueued this job, together with whatever
   * that write needs beforehand (a rate slot), and this is the job's first run, handed over in
   * the same process: nothing has been sent, so there is nothing to look for and nothing to note.
   */
  prepared(key: string): boolean;
}

/** Where the ledger lives in the job's payload (handlers' zod schemas ignore it). */
export const WRITES_FIELD = "writes";

const recorded = z.object({ [WRITES_FIELD]: z.record(z.string(), z.string()) });

/** A new job's payload field noting `keys` as being sent at `at`, as recordWrite would (for its enqueuer to prepare them). */
export function notedWrites(keys: readonly string[], at: Date): { [WRITES_FIELD]: Record<string, string> } {
  return { [WRITES_FIELD]: Object.fromEntries(keys.map((key) => [key, at.toISOString()])) };
}

/** `prepared`: keys the enqueuing transaction noted for a first run handed over in-process (see WriteLedger.prepared). */
export function createWriteLedger(job: Job, persist: (key: string, at: Date) => Promise<void>, now: () => Date, prepared: readonly string[] = []): WriteLedger {
  const parsed = recorded.safeParse(job.payload);
  const sent = new Map<string, Date>(parsed.success ? Object.entries(parsed.data[WRITES_FIELD]).map(([key, at]) => [key, new Date(at)]) : []);
  // Only a key that is really in the row counts: the note is what a later try relies on.
  const unsent = new Set(prepared.filter((key) => sent.has(key)));
  return {
    unconfirmed: (key) => (unsent.has(key) ? undefined : sent.get(key)),
    prepared: (key) => unsent.has(key),
    async sending(key, through) {
      // Noted already, in the enqueuing transaction: from now on it may have been sent.
      if (unsent.delete(key)) return;
      if (sent.has(key)) return;
      const at = now();
      await (through ?? persist)(key, at);
      sent.set(key, at);
    },
  };
}

/**
 * Sends `write` once per job: if an earlier try of `key` may have gone through, `look` (given
 * the time of the first try) finds what it did, and only if it finds nothing is `write` sent.
 */
export async function writeOnce<T>(ledger: WriteLedger, key: string, look: (since: Date) => Promise<T | undefined>, write: () => Promise<T>): Promise<T> {
  const since = ledger.unconfirmed(key);
  if (since) {
    const found = await look(since);
    if (found !== undefined) return found;
  }
  await ledger.sending(key);
  return write();
}
