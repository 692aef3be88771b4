// JSON logs with secrets removed twice over: by key (headers, tokens, passwords) and by value
// (every configured secret, and passwords inside connection URLs), so a secret that reaches a
// log line through an unexpected path — an error message, a URL — is still scrubbed.
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

export interface LoggerOptions {
  level?: string;
  secrets?: readonly string[];
  destination?: DestinationStream;
  name?: string;
}

/** Matched in any case, at any depth. */
const redactedKeys = [
  "authorization", "proxy-authorization", "token", "password", "secret", "signingSecret", "botToken", "appToken",
  "apiKey", "appKey", "webhookSecret", "webhookSecrets", "x-slack-signature", "x-pagerduty-signature",
  "x-firebreak-token", "dd-api-key", "dd-application-key", "cookie", "set-cookie",
];

const CENSOR = "[redacted]";
const sensitiveKeys = new Set(redactedKeys.map((key) => key.toLowerCase()));

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrub = createScrubber(options.secrets ?? []);
  return pino(
    {
      name: options.name ?? "firebreak",
      level: options.level ?? "info",
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        // A child logger's bindings skip the formatters; its top-level keys still meet these.
        ...Object.fromEntries([...redactedKeys, ...sensitiveKeys].map((key) => [key, () => CENSOR])),
        // The serializer's result has its own prototype; spread, it is a plain record to censor.
        err: (error: unknown) => censorKeys({ ...pino.stdSerializers.err(error as Error) }),
      },
      formatters: { level: (label) => ({ level: label }), log: censorKeys },
      hooks: { streamWrite: scrub },
    },
    // Synchronous: a line is written before the code after it runs, so a process killed mid-way
    // leaves its last lines behind; and it costs less than handing each line to a worker thread.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * A copy of a log record with the value of every sensitive key (any case, any depth) censored;
 * the record itself when it has none. pino's own path-based redaction did the same for fixed
 * paths at ten times the cost of a whole log line.
 */
export function censorKeys<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== "object" || depth > 6) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const censored = censorKeys(item, depth + 1);
      if (censored !== item) (copy ??= [...value])[i] = censored;
    });
    return (copy ?? value) as T;
  }
  // Plain records only (headers have a null prototype); errors go through the err serializer first.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(record)) {
    const censored = sensitiveKeys.has(key.toLowerCase()) ? CENSOR : censorKeys(item, depth + 1);
    if (censored !== item) (copy ??= { ...record })[key] = censored;
  }
  return (copy ?? value) as T;
}

/** Replaces every occurrence of a secret, and any password in a URL's userinfo, in a log line. */
export function createScrubber(secrets: readonly string[]): (line: string) => string {
  // Longest first, so a secret that contains another is removed whole.
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  const variants = values.flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]);
  const unique = [...new Set(variants)];
  return (line) => {
    let out = line.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"]+:)([^\s@/"]+)@/gi, `$1${CENSOR}@`);
    for (const secret of unique) if (out.includes(secret)) out = out.split(secret).join(CENSOR);
    return out;
  };
}
