// The databases playbook actions act on (firebreak.yaml `targets.postgres`), as opposed to
// Firebreak's own store: a fresh connection per use, with its own timeouts, that the caller
// queries and the adapter closes (adapters/postgres-target.ts).

/** One connection to a target database: parameterised queries and their rows. */
export interface TargetClient {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface PostgresClientOptions {
  /** Upper bound for each statement on this connection. */
  statementTimeoutMs: number;
  /** How long a statement may wait for a lock before it gives up, so DDL never queues traffic behind it. */
  lockTimeoutMs: number;
  /** Aborting cancels the running statement on the server, not just the wait for it. */
  signal?: AbortSignal;
}

export interface PostgresTargets {
  names(): string[];
  withClient<T>(name: string, fn: (client: TargetClient) => Promise<T>, options: PostgresClientOptions): Promise<T>;
}
