// postgres.rebuild_index: rebuild one index without blocking writes, then check it is usable.
//
// "reindex" (the default) runs REINDEX INDEX CONCURRENTLY. From PostgreSQL 12 it also rebuilds an
// INVALID index left by a failed CREATE INDEX CONCURRENTLY, in place and under the same name, so
// nothing ever drops the index the table depends on. "recreate" builds a copy next to it, drops
// the old one and renames the copy; it is for when a REINDEX keeps failing, and only on request.
//
// Both forms refuse to run inside a transaction block. A fresh connection is never in one, and
// each statement is sent on its own: several statements in one query string form an implicit
// transaction block. A failed build leaves an INVALID index behind (<name>_ccnew for REINDEX,
// <name>_fb_new for recreate) that must be dropped before trying again.
import { setTimeout as sleep } from "node:timers/promises";
import type { TargetClient } from "../../ports/postgres-target.js";
import { z } from "zod";
import { formatDuration } from "./datadog-metric-gate.js";
import type { PostgresTargets } from "../../ports/postgres-target.js";
import { CodedError } from "../../kernel/errors.js";
import { defineAction, type ActionContext } from "../action-registry.js";
import { type ActionPlan } from "../../domain/action-plan.js";
import {
  displayName, indexNameSchema, lookupIndex, lookupTimeouts, notFound, parseIndexName, qualifiedName, quoteIdent, sizeOf, targetSchema,
  type IndexName, type IndexRow,
} from "./postgres-sql.js";

export interface RebuildIndexOptions {
  /** How often the build's progress is read; default 500 ms. */
  progressIntervalMs?: number;
}

type Method = "reindex" | "recreate";

/** A build on a large table takes long; the step's timeout (ctx.signal) is normally the tighter bound. */
const buildTimeouts = { statementTimeoutMs: 3_600_000, lockTimeoutMs: 30_000 } as const;
const NEW_SUFFIX = "_fb_new";

export const progressSql = `SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total
  FROM pg_stat_progress_create_index WHERE pid = $1`;

const progressRowSchema = z.object({
  phase: z.string(),
  blocks_done: z.coerce.number(),
  blocks_total: z.coerce.number(),
  tuples_done: z.coerce.number(),
  tuples_total: z.coerce.number(),
});

type Prepared =
  | { kind: "missing"; reason: string }
  | { kind: "refused"; reason: string; row: IndexRow }
  | { kind: "ready"; row: IndexRow; statements: string[]; leftover: string };

export function rebuildIndexAction(targets: PostgresTargets, options: RebuildIndexOptions = {}) {
  const intervalMs = options.progressIntervalMs ?? 500;
  return defineAction({
    name: "postgres.rebuild_index",
    description: "Rebuild an index concurrently (REINDEX INDEX CONCURRENTLY, or create a copy and swap), then check it is valid and ready.",
    input: z.strictObject({
      target: targetSchema(targets.names()),
      index: indexNameSchema,
      method: z.enum(["reindex", "recreate"]).default("reindex"),
    }),
    outputs: ["index", "valid", "durationMs"],
    plan: async ({ target, index, method }) => {
      const prepared = await targets.withClient(target, (client) => prepare(client, parseIndexName(index), method), lookupTimeouts);
      return planOf(prepared, method);
    },
    run: async ({ target, index, method }, ctx) => {
      const started = ctx.now().getTime();
      const name = parseIndexName(index);
      const prepared = await targets.withClient(target, (client) => prepare(client, name, method), { ...lookupTimeouts, signal: ctx.signal });
      if (prepared.kind === "missing") throw new CodedError("not_found", `${prepared.reason}; nothing was run`);
      if (prepared.kind === "refused") throw new CodedError("conflict", `refused: ${prepared.reason}; nothing was run`);
      const { row, statements, leftover } = prepared;
      const display = displayName(row);
      try {
        await targets.withClient(
          target,
          async (client) => {
            const pid = Number((await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid);
            const watcher = watchProgress(targets, target, pid, intervalMs, ctx);
            try {
              for (const statement of statements) {
                ctx.log.info({ target, statement }, "running");
                await client.query(statement);
              }
            } finally {
              await watcher.stop();
            }
          },
          { ...buildTimeouts, signal: ctx.signal },
        );
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new CodedError("vendor_failed", `rebuilding ${display} failed: ${why}. ${leftover}`, { cause: error });
      }
      const after = await targets.withClient(target, (client) => lookupIndex(client, { schema: row.schema, name: row.index }), lookupTimeouts);
      if (!after || !after.valid || !after.ready) {
        const state = after ? `valid=${after.valid}, ready=${after.ready}` : "it no longer exists";
        throw new CodedError("conflict", `${display} was rebuilt but is not usable (${state}); it must not be relied on or used to justify dropping another index`);
      }
      return { index: display, valid: true as const, durationMs: ctx.now().getTime() - started };
    },
    summarize: ({ index, durationMs }) => `Rebuilt ${index}${typeof durationMs === "number" ? ` in ${formatDuration(durationMs)}` : ""}; it is valid and ready`,
  });
}

async function prepare(client: TargetClient, name: IndexName, method: Method): Promise<Prepared> {
  const row = await lookupIndex(client, name);
  if (!row) return { kind: "missing", reason: notFound(name) };
  const qualified = qualifiedName(row.schema, row.index);
  if (method === "reindex") {
    return {
      kind: "ready",
      row,
      statements: [`REINDEX INDEX CONCURRENTLY ${qualified}`],
      leftover: `If the build failed, PostgreSQL left an invalid ${row.schema}.${truncated(row.index, "_ccnew")} index behind: drop it before trying again.`,
    };
  }
  if (row.constraints.length > 0) {
    return { kind: "refused", row, reason: `${displayName(row)} backs ${row.constraints.join(", ")}, so it cannot be dropped and swapped; use method "reindex"` };
  }
  const newName = truncated(row.index, NEW_SUFFIX);
  if (await lookupIndex(client, { schema: row.schema, name: newName })) {
    return { kind: "refused", row, reason: `${row.schema}.${newName} already exists (left by an earlier attempt?); drop it before recreating ${displayName(row)}` };
  }
  const create = concurrentCreate(row, newName);
  if (!create) return { kind: "refused", row, reason: `the definition of ${displayName(row)} could not be read as CREATE INDEX: ${row.definition}` };
  return {
    kind: "ready",
    row,
    statements: [create, `DROP INDEX CONCURRENTLY ${qualified}`, `ALTER INDEX ${qualifiedName(row.schema, newName)} RENAME TO ${quoteIdent(row.index)}`],
    leftover: `Check for ${row.schema}.${newName}: if the build failed it is invalid and must be dropped before trying again; if the swap failed, ${displayName(row)} may still be the old index.`,
  };
}

/** pg_get_indexdef output, rewritten to build a copy concurrently under another name. */
function concurrentCreate(row: IndexRow, newName: string): string | undefined {
  for (const unique of ["UNIQUE ", ""]) {
    const prefix = `CREATE ${unique}INDEX ${row.quoted_name} ON `;
    if (row.definition.startsWith(prefix)) {
      return `CREATE ${unique}INDEX CONCURRENTLY ${quoteIdent(newName)} ON ${row.definition.slice(prefix.length)}`;
    }
  }
  return undefined;
}

/** The name with a suffix, cut to fit in 63 bytes the way PostgreSQL would otherwise do silently. */
function truncated(name: string, suffix: string): string {
  return `${name.slice(0, 63 - suffix.length)}${suffix}`;
}

function planOf(prepared: Prepared, method: Method): ActionPlan {
  if (prepared.kind === "missing") {
    return { summary: `Nothing to rebuild: ${prepared.reason}`, details: [], risk: { irreversible: false }, noop: prepared.reason };
  }
  if (prepared.kind === "refused") {
    return { summary: `refused: ${prepared.reason}`, details: [{ kind: "text", text: stateOf(prepared.row) }], risk: { irreversible: false }, noop: `refused: ${prepared.reason}` };
  }
  const { row, statements, leftover } = prepared;
  const how = method === "reindex" ? "REINDEX INDEX CONCURRENTLY" : "a concurrent copy swapped in for it";
  return {
    summary: `Rebuild index ${displayName(row)} on table ${row.schema}.${row.table} with ${how}, then check it is valid and ready`,
    change: statements.map((statement) => `${statement};`).join("\n"),
    details: [
      ...statements.map((text) => ({ kind: "sql" as const, text })),
      { kind: "text", text: stateOf(row) },
      { kind: "text", text: `Writes continue during the build; each statement waits at most ${buildTimeouts.lockTimeoutMs / 1000}s for a lock. ${leftover}` },
    ],
    // The index is rebuilt from the table; nothing is lost even if it is dropped half-way.
    risk: { irreversible: false },
  };
}

function stateOf(row: IndexRow): string {
  const state = row.valid && row.ready ? "valid and ready" : `${row.valid ? "valid" : "INVALID"}${row.ready ? "" : ", not ready"}`;
  return `table ${row.schema}.${row.table}; index size ${sizeOf(row)}; currently ${state}; ${row.definition}`;
}

/** Reads the build's progress from a second connection until stopped; a failure to read is logged, never fatal. */
function watchProgress(targets: PostgresTargets, target: string, pid: number, intervalMs: number, ctx: ActionContext) {
  const stopped = new AbortController();
  const done = targets
    .withClient(
      target,
      async (client) => {
        let last = "";
        while (!stopped.signal.aborted) {
          const row = progressRowSchema.optional().parse((await client.query(progressSql, [pid])).rows[0]);
          const text = row ? describeProgress(row) : undefined;
          if (text !== undefined && text !== last) ctx.progress((last = text));
          await sleep(intervalMs, undefined, { signal: stopped.signal }).catch(() => undefined);
        }
      },
      lookupTimeouts,
    )
    .catch((error: unknown) => ctx.log.warn({ err: error }, "could not read the progress of the index build"));
  return {
    async stop() {
      stopped.abort();
      await done;
    },
  };
}

export function describeProgress(row: z.output<typeof progressRowSchema>): string {
  const percent = (done: number, total: number) => `${Math.min(100, Math.floor((done / total) * 100))}%`;
  if (row.blocks_total > 0) return `building: ${row.phase} ${percent(row.blocks_done, row.blocks_total)} (blocks ${row.blocks_done}/${row.blocks_total})`;
  if (row.tuples_total > 0) return `building: ${row.phase} ${percent(row.tuples_done, row.tuples_total)} (tuples ${row.tuples_done}/${row.tuples_total})`;
  return `building: ${row.phase}`;
}
