// The one error every port throws when its vendor refuses or fails, so flows branch on a code
// rather than on each SDK's error classes.

/** A vendor call failed with a code the flows may branch on (Slack's `error`, an HTTP status). */
export class VendorError extends Error {
  constructor(
    readonly vendor: "slack" | "pagerduty" | "datadog" | "github" | "statuspage",
    readonly code: string,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    this.name = "VendorError";
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** How long the vendor asked us to wait (a 429's Retry-After); the job runner honours it. */
  readonly retryAfterMs?: number;
}
