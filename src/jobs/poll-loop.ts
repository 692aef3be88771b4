// The loop behind the step worker: do a round of work; if there was any, go
// again at once; otherwise sleep until the poll interval passes or someone nudges. A nudge that
// arrives mid-round is remembered, so work enqueued during a round is never left for a full poll.
export interface PollLoop {
  start(): void;
  /** Stops after the current round. */
  stop(): Promise<void>;
  nudge(): void;
}

export function createPollLoop(round: () => Promise<boolean>, options: { pollMs: number; onError: (error: unknown) => void }): PollLoop {
  let active = false;
  let nudged = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;

  async function run() {
    while (active) {
      let didWork = false;
      try {
        didWork = await round();
      } catch (error) {
        options.onError(error);
      }
      if (didWork || !active) continue;
      if (nudged) {
        nudged = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    start() {
      if (active) return;
      active = true;
      loop = run();
    },
    async stop() {
      active = false;
      wake?.();
      await loop;
    },
    nudge() {
      nudged = true;
      wake?.();
    },
  };
}
