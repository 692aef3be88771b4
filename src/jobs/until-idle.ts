// Waiting for background work to settle, as a fact rather than a guess at how long it takes:
// tests assert "nothing more happened" only once every worker says it has nothing to do.
export interface IdleCheck {
  /** True when nothing is running and nothing is due; a string says what is still busy. */
  idleNow(): Promise<true | string>;
  /** Asks the worker to look for work now (a due job must not wait for the next poll). */
  nudge(): void;
}

/**
 * Resolves once every check reports idle in the same pass, all of them; any busy one starts the
 * pass again, because one worker's work can make another's (a step's result enqueues a job).
 */
export async function untilIdle(checks: readonly IdleCheck[], options: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let busy: string | undefined;
    for (const check of checks) {
      const state = await check.idleNow();
      if (state !== true) {
        busy = state;
        break;
      }
    }
    if (busy === undefined) return;
    if (Date.now() > deadline) throw new Error(`background work did not settle within ${timeoutMs} ms: ${busy}`);
    for (const check of checks) check.nudge();
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 10));
  }
}
