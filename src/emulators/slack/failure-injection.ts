// Slack degrading on purpose: the next N calls of a method, or every call until cleared, answer
// with a server error, a Slack error or a rate limit instead of doing their work.

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
  let next: { method: string; spec: FailureSpec; remaining: number }[] = [];
  let all = new Map<string, FailureSpec>();
  const matches = (rule: string, method: string) => rule === "*" || rule === method;
  return {
    failNext(method, spec = {}) {
      if (spec.times !== undefined && spec.times <= 0) return;
      next.push({ method, spec, remaining: spec.times ?? 1 });
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
      if (rule) {
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
