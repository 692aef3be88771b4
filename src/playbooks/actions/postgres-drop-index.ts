// postgres.drop_index: drop an index only when another index already does its work.
// The outage this exists for: an index was dropped because its replacement "existed", but the
// replacement was INVALID, and the biggest table was left with no usable index. So a drop is
// refused unless a VALID and READY index on the same table has the same leading key columns
// (and, for a unique index, enforces the same uniqueness). The rule is coveringIndexSql.
import type { TargetClient } from "../../ports/postgres-target.js";
import { z } from "zod";
import type { PostgresTargets } from "../../ports/postgres-target.js";
import { CodedError } from "../../kernel/errors.js";
import { defineAction } from "../action-registry.js";
import { type ActionPlan } from "../../domain/action-plan.js";
import {
  coveringRule, displayName, indexNameSchema, lookupIndex, lookupTimeouts, notFound, parseIndexName, qualifiedName, sizeOf, targetSchema,
  type IndexName, type IndexRow,
} from "./postgres-sql.js";

/** DROP INDEX CONCURRENTLY waits for queries using the index; it holds no lock that blocks them. */
const dropTimeouts = { statementTimeoutMs: 600_000, lockTimeoutMs: 10_000 } as const;

type Prepared =
  | { kind: "missing"; reason: string }
  | { kind: "refused"; reason: string; row: IndexRow }
  | { kind: "ready"; row: IndexRow; coveredBy: string; statement: string };

export function dropIndexAction(targets: PostgresTargets) {
  return defineAction({
    name: "postgres.drop_index",
    description: "Drop an index concurrently, only if a valid and ready index on the same table covers its leading columns.",
    input: z.strictObject({ target: targetSchema(targets.names()), index: indexNameSchema }),
    outputs: ["dropped", "coveredBy"],
    plan: async ({ target, index }) => planOf(await targets.withClient(target, (client) => prepare(client, parseIndexName(index)), lookupTimeouts)),
    run: async ({ target, index }, ctx) => {
      const name = parseIndexName(index);
      // Checked again at run time: the covering index may have changed since the plan was approved.
      const prepared = await targets.withClient(target, (client) => prepare(client, name), { ...lookupTimeouts, signal: ctx.signal });
      if (prepared.kind === "missing") throw new CodedError("not_found", `${prepared.reason}; nothing was dropped`);
      if (prepared.kind === "refused") throw new CodedError("conflict", `refused: ${prepared.reason}; nothing was dropped`);
      const { row, coveredBy, statement } = prepared;
      ctx.log.info({ target, statement, coveredBy }, "running");
      await targets.withClient(target, (client) => client.query(statement), { ...dropTimeouts, signal: ctx.signal });
      const after = await targets.withClient(target, (client) => lookupIndex(client, { schema: row.schema, name: row.index }), lookupTimeouts);
      if (after) throw new CodedError("conflict", `${displayName(row)} still exists after ${statement}`);
      return { dropped: displayName(row), coveredBy };
    },
    summarize: ({ dropped, coveredBy }) => `Dropped ${dropped}${coveredBy ? `; ${coveredBy} serves the same columns` : ""}`,
  });
}

async function prepare(client: TargetClient, name: IndexName): Promise<Prepared> {
  const row = await lookupIndex(client, name);
  if (!row) return { kind: "missing", reason: notFound(name) };
  const display = displayName(row);
  if (row.constraints.length > 0) {
    return { kind: "refused", row, reason: `${display} backs ${row.constraints.join(", ")}; change the constraint instead of dropping its index` };
  }
  if (row.covered_by === null) {
    const unique = row.unique ? " (and, as it is unique, enforcing uniqueness on exactly those columns)" : "";
    return {
      kind: "refused",
      row,
      reason: `no VALID and READY index on ${row.schema}.${row.table} covers the leading columns of ${display}${unique}; dropping it could leave the table without a usable index`,
    };
  }
  return { kind: "ready", row, coveredBy: row.covered_by, statement: `DROP INDEX CONCURRENTLY ${qualifiedName(row.schema, row.index)}` };
}

function planOf(prepared: Prepared): ActionPlan {
  if (prepared.kind === "missing") {
    return { summary: `Nothing to drop: ${prepared.reason}`, details: [], risk: { irreversible: true }, noop: prepared.reason };
  }
  if (prepared.kind === "refused") {
    return {
      summary: `refused: ${prepared.reason}`,
      details: [
        { kind: "text", text: `${prepared.row.definition}; size ${sizeOf(prepared.row)}` },
        { kind: "text", text: coveringRule },
      ],
      risk: { irreversible: true },
      noop: `refused: ${prepared.reason}`,
    };
  }
  const { row, coveredBy, statement } = prepared;
  return {
    summary: `Drop index ${displayName(row)} on table ${row.schema}.${row.table}; ${coveredBy} covers its columns`,
    change: `${statement};`,
    details: [
      { kind: "sql", text: statement },
      { kind: "text", text: `dropping: ${row.definition}; size ${sizeOf(row)}` },
      { kind: "text", text: `covered by ${coveredBy}, which is valid and ready` },
    ],
    risk: { irreversible: true },
  };
}
