// Slack degrading on purpose: the next N calls of a method, or every call until cleared, answer
// with a server error, a Slack error or a rate limit instead of doing their work — or do their
// work and then answer badly, hold the answer past the client's timeout, or drop the connection:
// the cases where the caller cannot know whether Slack performed the write.

export interface FailureSpec {
  /** HTTP status, e.g. 500 or 503. Defaults to 200 when `error` is given, else 500. */
  status?: number;
  /** The `error` of an `ok:false` body, e.g. "internal_error" or "channel_not_found". */
  error?: string;
  /** Answer 429 with this Retry-After (seconds) and `{"ok":false,"error":"ratelimited"}`. */
  retryAfter?: number;
  /** How many calls fail (failNext only); default 1. */
  times?: number;
  /**
   * Let the method take effect, then answer with the failure: Slack did the work but the reply
   * was lost, which is what makes a retry create a duplicate.
   */
  afterApplying?: boolean;
  /**
   * How the answer is lost instead of sent: "timeout" holds it until the client gives up and
   * closes the connection (or `holdMs` passes, then answers late); "drop" closes the connection
   * without answering. Without it the failure is answered with `status`/`error`.
   */
  lost?: "timeout" | "drop";
  /** How long a "timeout" answer is held at most (default 60 s). */
  holdMs?: number;
  /** Let this many calls of the method through untouched before the failure applies (failNext only). */
  skip?: number;
}

export interface InjectedResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface FailureInjector {
  failNext(method: string, spec?: FailureSpec): void;
  failAll(method: string, spec?: FailureSpec): void;
  clear(): void;
  /** The failure due for this call of `method`, if any; failNext rules go before failAll ones. */
  take(method: string): FailureSpec | undefined;
}

export function createFailureInjector(): FailureInjector {
  let next: { method: string; spec: FailureSpec; remaining: number; skip: number }[] = [];
  let all = new Map<string, FailureSpec>();
  const matches = (rule: string, method: string) => rule === "*" || rule === method;
  return {
    failNext(method, spec = {}) {
      if (spec.times !== undefined && spec.times <= 0) return;
      next.push({ method, spec, remaining: spec.times ?? 1, skip: spec.skip ?? 0 });
    },
    failAll(method, spec = {}) {
      all.set(method, spec);
    },
    clear() {
      next = [];
      all = new Map();
    },
    take(method) {
      const rule = next.find((r) => matches(r.method, method));
      if (rule && rule.skip > 0) rule.skip -= 1;
      else if (rule) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) next = next.filter((r) => r !== rule);
        return rule.spec;
      }
      return all.get(method) ?? all.get("*");
    },
  };
}

export function failureResponse(spec: FailureSpec): InjectedResponse {
  if (spec.retryAfter !== undefined) return rateLimitedResponse(spec.retryAfter);
  const status = spec.status ?? (spec.error !== undefined ? 200 : 500);
  const error = spec.error ?? (status >= 500 ? "internal_error" : "request_failed");
  return { status, headers: {}, body: { ok: false, error } };
}

/** Slack's 429, as in test/fixtures/slack/web-api/ratelimited.429.json. */
export function rateLimitedResponse(retryAfter: number): InjectedResponse {
  return { status: 429, headers: { "retry-after": String(retryAfter) }, body: { ok: false, error: "ratelimited" } };
}
