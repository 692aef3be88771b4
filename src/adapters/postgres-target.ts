// The databases that playbook actions act on (firebreak.yaml `targets.postgres`), as opposed to
// Firebreak's own store. Each use gets a fresh connection with its own timeouts and closes it:
// a pooled connection could carry a `SET` or an open transaction from one action into the next,
// and `REINDEX CONCURRENTLY` fails inside a transaction block.
import type pg from "pg";
import { loadOnce } from "../kernel/load-once.js";
import { CodedError } from "../kernel/errors.js";
import { createScrubber } from "../kernel/log.js";
import type { PostgresClientOptions, PostgresTargets } from "../ports/postgres-target.js";

// Loaded on the first action that connects: start-up does not, and on the embedded database
// nothing else needs pg. int8 comes back as a number, as it always has (the store's pg driver sets
// the same parser, and pg's parsers are global), whichever database Firebreak itself runs on.
const loadPg = loadOnce(async () => {
  const pg = (await import("pg")).default;
  pg.types.setTypeParser(20, (v) => Number(v));
  return pg;
});

export interface PostgresTargetSettings {
  connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const CANCEL_TIMEOUT_MS = 5_000;

/** Connection-level failures worth naming; anything else is reported by its SQLSTATE or as a generic failure. */
const networkReasons: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "timed out",
};

export function createPostgresTargets(targets: Record<string, { url: string }>, settings: PostgresTargetSettings = {}): PostgresTargets {
  const connectTimeoutMs = settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;

  const urlOf = (name: string): string => {
    const target = Object.hasOwn(targets, name) ? targets[name] : undefined;
    if (!target) {
      const known = Object.keys(targets).sort().join(", ") || "none are configured";
      throw new CodedError("not_found", `unknown postgres target "${name}" (known: ${known}); targets are named in firebreak.yaml under targets.postgres`);
    }
    return target.url;
  };

  const open = async (name: string, url: string, options: Omit<PostgresClientOptions, "signal">): Promise<{ client: pg.Client; pid: number }> => {
    const { Client } = await loadPg();
    const client = new Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, application_name: "firebreak" });
    // Without a listener, a server that goes away between statements would crash the process.
    client.on("error", () => undefined);
    try {
      await client.connect();
      // set_config(…, false) is SET for this connection, and takes the values as parameters.
      const result = await client.query<{ pid: number }>(
        "SELECT pg_backend_pid() AS pid, set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)",
        [`${Math.max(0, Math.trunc(options.lockTimeoutMs))}ms`, `${Math.max(0, Math.trunc(options.statementTimeoutMs))}ms`],
      );
      return { client, pid: Number(result.rows[0]?.pid) };
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new CodedError("vendor_failed", `cannot connect to postgres target ${name}: ${connectReason(error, url, connectTimeoutMs)}`);
    }
  };

  const cancel = async (name: string, url: string, pid: number): Promise<void> => {
    const { client } = await open(name, url, { statementTimeoutMs: CANCEL_TIMEOUT_MS, lockTimeoutMs: CANCEL_TIMEOUT_MS });
    try {
      await client.query("SELECT pg_cancel_backend($1)", [pid]);
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  return {
    names: () => Object.keys(targets).sort(),
    async withClient(name, fn, options) {
      const url = urlOf(name);
      options.signal?.throwIfAborted();
      const { client, pid } = await open(name, url, options);
      let cancelling: Promise<void> | undefined;
      // Closing the socket alone leaves the statement running on the server until it next writes.
      const onAbort = () => void (cancelling = cancel(name, url, pid).catch(() => undefined));
      options.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        return await fn(client);
      } catch (error) {
        if (options.signal?.aborted) {
          throw new CodedError("conflict", `the statement on postgres target ${name} was cancelled: ${String(options.signal.reason ?? "aborted")}`, { cause: error });
        }
        throw error;
      } finally {
        options.signal?.removeEventListener("abort", onAbort);
        await cancelling;
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** A reason that names what failed without the URL, user info or password it was given. */
function connectReason(error: unknown, url: string, timeoutMs: number): string {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code !== undefined && Object.hasOwn(networkReasons, code)) return `${code} (${networkReasons[code]})`;
  if (/timeout/i.test(message)) return `timed out after ${timeoutMs} ms`;
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return `${code} ${scrub(message, url)}`;
  return code !== undefined ? code : "connection failed";
}

function scrub(text: string, url: string): string {
  let password: string | undefined;
  try {
    password = decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    password = undefined;
  }
  // The scrubber drops values shorter than 4 characters; a short password is removed here instead.
  const withoutUrl = text.split(url).join("[redacted]");
  const scrubbed = createScrubber(password ? [password] : [])(withoutUrl);
  return password && password.length < 4 ? scrubbed.split(password).join("[redacted]") : scrubbed;
}
