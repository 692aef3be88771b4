// Coded errors: every failure a user or operator can meet has a code, a sentence that says
// what happened and what to do, an HTTP status, and a log level. One table maps them.

export type ErrorCode =
  | "bad_signature"
  | "stale_timestamp"
  | "malformed_body"
  | "invalid_payload"
  | "body_too_large"
  | "method_not_allowed"
  | "not_found"
  | "not_ready"
  | "unauthorized"
  | "forbidden"
  | "conflict"
  | "integration_off"
  | "vendor_failed"
  | "internal";

const table: Record<ErrorCode, { status: number; level: "info" | "warn" | "error" }> = {
  bad_signature: { status: 401, level: "warn" },
  stale_timestamp: { status: 401, level: "warn" },
  malformed_body: { status: 400, level: "info" },
  invalid_payload: { status: 400, level: "info" },
  body_too_large: { status: 413, level: "warn" },
  method_not_allowed: { status: 405, level: "info" },
  not_found: { status: 404, level: "info" },
  not_ready: { status: 503, level: "warn" },
  unauthorized: { status: 401, level: "warn" },
  forbidden: { status: 403, level: "info" },
  conflict: { status: 409, level: "info" },
  integration_off: { status: 404, level: "info" },
  vendor_failed: { status: 502, level: "warn" },
  internal: { status: 500, level: "error" },
};

export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CodedError";
  }

  get status(): number {
    return table[this.code].status;
  }

  get level(): "info" | "warn" | "error" {
    return table[this.code].level;
  }
}

/** Any thrown value as a CodedError; unknown failures become `internal` with a generic sentence. */
export function toCodedError(error: unknown): CodedError {
  if (error instanceof CodedError) return error;
  return new CodedError("internal", "Something went wrong inside Firebreak; the details are in its log.", { cause: error });
}
