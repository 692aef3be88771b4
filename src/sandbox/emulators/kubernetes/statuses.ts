// Failures as the API server reports them: a meta/v1 Status object with the HTTP code repeated in
// the body, a machine-readable `reason`, and a sentence in `message` that clients show to people.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#response-status-kind
// Codes and reasons: https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#http-status-codes
// (401 Unauthorized, 403 Forbidden, 404 NotFound, 405 MethodNotAllowed, 409 Conflict on a stale
// resourceVersion, 410 Expired/Gone, 415 UnsupportedMediaType, 422 Invalid, 429, 500).

export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure";
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string };
  code: number;
}

export const statusReasons: Record<number, string> = {
  400: "BadRequest",
  410: "Expired",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
};

/** What a request addressed, for the messages the server writes about it. */
export interface Addressed {
  /** Plural resource name: "deployments", "httproutes", "pods". */
  resource: string;
  /** API group ("" for the core group). */
  group: string;
  namespace: string;
  name?: string;
  /** RBAC verb: get, list, patch, update. */
  verb: string;
}

export function failure(code: number, message: string, reason = statusReasons[code] ?? "Unknown", details?: StatusBody["details"]): StatusBody {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code };
}

const qualified = (a: Addressed) => (a.group === "" ? a.resource : `${a.resource}.${a.group}`);
const detailsOf = (a: Addressed) => ({ ...(a.name ? { name: a.name } : {}), group: a.group, kind: a.resource });

export function notFound(a: Addressed): StatusBody {
  return failure(404, `${qualified(a)} "${a.name ?? ""}" not found`, "NotFound", detailsOf(a));
}

export function conflict(a: Addressed): StatusBody {
  return failure(
    409,
    `Operation cannot be fulfilled on ${qualified(a)} "${a.name ?? ""}": the object has been modified; please apply your changes to the latest version and try again`,
    "Conflict",
    detailsOf(a),
  );
}

export function forbidden(a: Addressed, user: string): StatusBody {
  const subject = a.name ? `${qualified(a)} "${a.name}"` : qualified(a);
  const group = `in API group "${a.group}"`;
  return failure(403, `${subject} is forbidden: User "${user}" cannot ${a.verb} resource "${a.resource}" ${group} in the namespace "${a.namespace}"`, "Forbidden", detailsOf(a));
}

export function invalid(a: Addressed, kind: string, field: string, why: string): StatusBody {
  return failure(422, `${kind} "${a.name ?? ""}" is invalid: ${field}: ${why}`, "Invalid", { ...(a.name ? { name: a.name } : {}), group: a.group, kind });
}

/** The Status the server would send for `code` about `a`, unless the test gave its own message. */
export function statusFor(code: number, a: Addressed, user: string, message?: string, reason?: string): StatusBody {
  if (message !== undefined) return failure(code, message, reason ?? statusReasons[code] ?? "Unknown", detailsOf(a));
  if (code === 404) return notFound(a);
  if (code === 409) return conflict(a);
  if (code === 403) return forbidden(a, user);
  if (code === 401) return failure(401, "Unauthorized", "Unauthorized");
  return failure(code, `emulated failure ${code}`, reason ?? statusReasons[code] ?? "Unknown", detailsOf(a));
}
