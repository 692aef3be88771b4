// Slack's limits that Firebreak must live within: conversations.create is Tier 2 (about 20 per
// minute), and chat.postMessage allows about one message per second per channel with short
// bursts. https://docs.slack.dev/apis/web-api/rate-limits
//
// Every call over a limit is recorded as a violation whether or not it is refused, so a
// benchmark can assert the bot paced itself without the emulator having pushed back.

export interface RateLimitSettings {
  /** Rolling 60-second window for conversations.create. */
  conversationsCreatePerMinute: number;
  /** Steady rate of chat.postMessage per channel. */
  postMessagePerSecond: number;
  /** Messages a channel may take at once before the steady rate applies. */
  postMessageBurst: number;
}

export const defaultRateLimits: RateLimitSettings = {
  conversationsCreatePerMinute: 20,
  postMessagePerSecond: 1,
  postMessageBurst: 3,
};

export interface RateLimitViolation {
  method: string;
  channel?: string;
  at: number;
  /** Seconds the client was (or would have been) told to wait. */
  retryAfter: number;
}

export interface RateLimiter {
  /** Counts the call if it is within the limit; otherwise records a violation and says how long to wait. */
  check(method: string, args: Record<string, unknown>, nowMs: number): { limited: false } | { limited: true; retryAfter: number };
  violations(): RateLimitViolation[];
  reset(): void;
}

export function createRateLimiter(settings: RateLimitSettings): RateLimiter {
  let creates: number[] = [];
  let buckets = new Map<string, { tokens: number; updatedAt: number }>();
  let violations: RateLimitViolation[] = [];

  function createLimit(nowMs: number): number | undefined {
    creates = creates.filter((at) => at > nowMs - 60_000);
    if (creates.length < settings.conversationsCreatePerMinute) {
      creates.push(nowMs);
      return undefined;
    }
    return Math.max(1, Math.ceil((creates[0]! + 60_000 - nowMs) / 1000));
  }

  function postLimit(channel: string, nowMs: number): number | undefined {
    const bucket = buckets.get(channel) ?? { tokens: settings.postMessageBurst, updatedAt: nowMs };
    bucket.tokens = Math.min(settings.postMessageBurst, bucket.tokens + ((nowMs - bucket.updatedAt) / 1000) * settings.postMessagePerSecond);
    bucket.updatedAt = nowMs;
    buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / settings.postMessagePerSecond));
  }

  return {
    check(method, args, nowMs) {
      let retryAfter: number | undefined;
      const channel = typeof args.channel === "string" ? args.channel : "";
      if (method === "conversations.create") retryAfter = createLimit(nowMs);
      else if (method === "chat.postMessage") retryAfter = postLimit(channel, nowMs);
      if (retryAfter === undefined) return { limited: false };
      violations.push({ method, ...(method === "chat.postMessage" && { channel }), at: nowMs, retryAfter });
      return { limited: true, retryAfter };
    },
    violations: () => violations.map((v) => ({ ...v })),
    reset() {
      creates = [];
      buckets = new Map();
      violations = [];
    },
  };
}
