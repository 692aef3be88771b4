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

const redactedKeys = [
  "authorization", "Authorization", "token", "password", "secret", "signingSecret", "botToken", "appToken",
  "apiKey", "appKey", "webhookSecret", "webhookSecrets", "x-slack-signature", "x-pagerduty-signature",
  "x-firebreak-token", "dd-api-key", "dd-application-key", "cookie",
];

const redactPaths = redactedKeys.flatMap((key) => {
  const member = /^[A-Za-z_]\w*$/.test(key) ? `.${key}` : `["${key}"]`;
  const top = member.startsWith(".") ? member.slice(1) : member;
  return [top, `*${member}`, `headers${member}`, `*.headers${member}`];
});

const CENSOR = "[redacted]";

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrub = createScrubber(options.secrets ?? []);
  return pino(
    {
      name: options.name ?? "firebreak",
      level: options.level ?? "info",
      redact: { paths: redactPaths, censor: CENSOR },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: scrub },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
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
