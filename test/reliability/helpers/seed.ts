// Every random choice in the reliability suite comes from one seed, printed when a test fails,
// so a failing run can be replayed exactly: RELIABILITY_SEED=<seed> npx vitest run test/reliability
import { onTestFailed } from "vitest";

export function suiteSeed(): number {
  const given = process.env.RELIABILITY_SEED;
  if (given && Number.isSafeInteger(Number(given))) return Number(given);
  return Math.floor(Math.random() * 2 ** 31);
}

/** Call inside a test: prints the seed if the test fails. */
export function printSeedOnFailure(seed: number): void {
  onTestFailed(() => console.error(`Replay this run with RELIABILITY_SEED=${seed}`));
}

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

// mulberry32: tiny, fast and good enough to pick kill moments; not for anything secret.
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error("cannot pick from an empty list");
      return items[int(0, items.length - 1)]!;
    },
  };
}
