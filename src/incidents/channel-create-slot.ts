// What must be in the database before an incident's channel is created: conversations.create's
// rate slot, and the job's write-ledger notes for the create and the header (jobs/write-ledger.ts).
// Taken in one transaction — the channel job's own, or, for its first run, the declaring one
// (declare-incident.ts), so that a page's channel is created as soon as the incident commits.
import { notedWrites } from "../jobs/write-ledger.js";
import type { Repositories } from "../ports/store.js";

// Slack's conversations.create is Tier 2 (about 20 a minute per workspace); stay under it.
export const CHANNELS_PER_MINUTE = 18;
/** The write ledger's key for the header: one per job, as a job opens one incident's channel. */
export const HEADER_KEY = "chat.postMessage:incident-header";

export const createKey = (channelName: string) => `conversations.create:${channelName}`;

/** Takes a slot, checked and reserved in one step, so every worker and replica shares one budget: 0 when taken, else ms until one frees up. */
export function reserveCreateSlot(tx: Repositories, now: Date): Promise<number> {
  return tx.rateSlots.reserve({ bucket: "conversations.create", limit: CHANNELS_PER_MINUTE, windowMs: 60_000, now });
}

/**
 * For a channel job enqueued with its first run prepared: takes the slot and returns the ledger
 * notes to enqueue it with (the create of `channelName` and the header), or undefined when
 * Slack's pace says wait (the job then takes its own slot when it runs).
 */
export async function prepareFirstCreate(tx: Repositories, channelName: string, now: Date): Promise<{ keys: string[]; payload: ReturnType<typeof notedWrites> } | undefined> {
  if ((await reserveCreateSlot(tx, now)) > 0) return undefined;
  const keys = [createKey(channelName), HEADER_KEY];
  return { keys, payload: notedWrites(keys, now) };
}
