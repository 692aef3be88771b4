// Who is on call, asked of PagerDuty as soon as a page is read rather than once its channel is
// being created. The header names the commander from the on-call people, so their Slack accounts
// are wanted the moment conversations.create answers: with PagerDuty's answer in hand, they are
// looked up the moment the create is sent, and the header waits for nobody but Slack's create.
// (The Slack lookups are not started earlier: they would only compete with recording the page.)
//
// A prefetched answer is used once, by the first channel job that asks for the same escalation
// policy within PREFETCH_TTL_MS; anything older is asked again, so nobody is invited from a stale
// rota. Answers are kept per PagerDuty client (one per running app) and never outlive the process:
// a channel job after a restart simply asks.
import type { ChatPort } from "../ports/chat.js";
import type { PagingPort } from "../ports/paging.js";

export interface OnCallPerson {
  email: string;
  /** Their Slack account, if the email has one. */
  userId: string | undefined;
}

type Lookup = { paging: PagingPort; chat: Pick<ChatPort, "lookupUserByEmail"> };

export const PREFETCH_TTL_MS = 30_000;

type Pending = Map<string, { at: number; emails: Promise<string[]> }>;
const prefetched = new WeakMap<PagingPort, Pending>();

/** Asks PagerDuty who is on call for `policy`, for the channel job that follows. */
export function prefetchOnCall(paging: PagingPort, policy: string, now = Date.now()): void {
  const pending: Pending = prefetched.get(paging) ?? new Map();
  prefetched.set(paging, pending);
  for (const [key, entry] of pending) if (now - entry.at > PREFETCH_TTL_MS) pending.delete(key);
  const emails = paging.oncallEmails(policy);
  // Failure is the asker's to see: a channel job that takes this answer fails and retries.
  emails.catch(() => undefined);
  pending.set(policy, { at: now, emails });
}

/**
 * Who is on call for `policy`, each looked up in Slack beside the others: PagerDuty's answer
 * prefetched in the last PREFETCH_TTL_MS (taken, so used once), else asked now.
 */
export async function onCallPeople(deps: Lookup, policy: string, now = Date.now()): Promise<OnCallPerson[]> {
  const pending = prefetched.get(deps.paging);
  const entry = pending?.get(policy);
  pending?.delete(policy);
  const emails = await (entry && now - entry.at <= PREFETCH_TTL_MS ? entry.emails : deps.paging.oncallEmails(policy));
  return Promise.all(emails.map(async (email) => ({ email, userId: await deps.chat.lookupUserByEmail(email) })));
}
