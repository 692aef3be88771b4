// Slack's rate limits, per method and workspace (https://docs.slack.dev/apis/web-api/rate-limits):
// each method belongs to a tier — Tier 1 about 1 call a minute, Tier 2 about 20, Tier 3 about 50,
// Tier 4 about 100 — counted over a rolling minute; chat.postMessage is special: about one message
// per second per channel, with short bursts allowed. Each method's tier is the one on its
// reference page (https://docs.slack.dev/reference/methods/<method>, "Rate limits").
//
// Every call over a limit is recorded as a violation whether or not it is refused, so a
// benchmark can assert the bot paced itself without the emulator having pushed back.

export type Tier = 1 | 2 | 3 | 4;

export interface RateLimitSettings {
  /** Rolling 60-second window for conversations.create (Tier 2). */
  conversationsCreatePerMinute: number;
  /** Steady rate of chat.postMessage per channel. */
  postMessagePerSecond: number;
  /** Messages a channel may take at once before the steady rate applies. */
  postMessageBurst: number;
  /** Calls a minute each tier allows. */
  perMinute: Record<Tier, number>;
}

export const defaultRateLimits: RateLimitSettings = {
  conversationsCreatePerMinute: 20,
  postMessagePerSecond: 1,
  postMessageBurst: 3,
  perMinute: { 1: 1, 2: 20, 3: 50, 4: 100 },
};

/** The tier of each emulated method, from its reference page. */
export const methodTiers: Record<string, Tier> = {
  "auth.test": 4,
  "users.info": 4,
  "users.lookupByEmail": 3,
  "users.list": 2,
  "usergroups.list": 2,
  "usergroups.users.list": 2,
  "conversations.create": 2,
  "conversations.invite": 3,
  "conversations.info": 3,
  "conversations.archive": 2,
  "conversations.unarchive": 2,
  "conversations.rename": 2,
  "conversations.setTopic": 2,
  "conversations.setPurpose": 2,
  "conversations.members": 4,
  "conversations.history": 3,
  "conversations.replies": 3,
  "conversations.join": 3,
  "conversations.list": 2,
  "chat.update": 3,
  "chat.postEphemeral": 4,
  "chat.getPermalink": 4,
  "pins.add": 2,
  "pins.remove": 2,
  "pins.list": 2,
  "reactions.add": 3,
  "reactions.remove": 2,
  "reactions.get": 3,
  "views.open": 4,
  "views.push": 4,
  "views.update": 4,
  "views.publish": 4,
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
  let windows = new Map<string, number[]>();
  let buckets = new Map<string, { tokens: number; updatedAt: number }>();
  let violations: RateLimitViolation[] = [];

  function windowLimit(method: string, perMinute: number, nowMs: number): number | undefined {
    const calls = (windows.get(method) ?? []).filter((at) => at > nowMs - 60_000);
    windows.set(method, calls);
    if (calls.length < perMinute) {
      calls.push(nowMs);
      return undefined;
    }
    return Math.max(1, Math.ceil((calls[0]! + 60_000 - nowMs) / 1000));
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

  const perMinute = (method: string): number | undefined => {
    if (method === "conversations.create") return settings.conversationsCreatePerMinute;
    const tier = methodTiers[method];
    return tier === undefined ? undefined : (settings.perMinute[tier] ?? defaultRateLimits.perMinute[tier]);
  };

  return {
    check(method, args, nowMs) {
      const channel = typeof args.channel === "string" ? args.channel : "";
      const limit = perMinute(method);
      const retryAfter = method === "chat.postMessage" ? postLimit(channel, nowMs) : limit !== undefined ? windowLimit(method, limit, nowMs) : undefined;
      if (retryAfter === undefined) return { limited: false };
      violations.push({ method, ...(method === "chat.postMessage" && { channel }), at: nowMs, retryAfter });
      return { limited: true, retryAfter };
    },
    violations: () => violations.map((v) => ({ ...v })),
    reset() {
      windows = new Map();
      buckets = new Map();
      violations = [];
    },
  };
}
