// postgres.find_invalid_indexes: the indexes a failed CREATE INDEX CONCURRENTLY or REINDEX
// CONCURRENTLY left behind. An invalid index is still maintained on every write but never used
// by a query, so a table can look indexed in \d while every lookup scans it. Whether a valid
// index serves the same columns is the question to answer before dropping anything.
import { z } from "zod";
import type { PostgresTargets } from "../../ports/postgres-target.js";
import { defineAction } from "../action-registry.js";
import { coveringIndexSql, identifierSchema, lookupTimeouts, systemSchemasSql, targetSchema } from "./postgres-sql.js";

export const findInvalidIndexesSql = `SELECT n.nspname AS schema, t.relname AS "table", c.relname AS index,
       pg_get_indexdef(c.oid) AS definition,
       pg_relation_size(c.oid) AS size_bytes, pg_size_pretty(pg_relation_size(c.oid)) AS size,
       i.indisvalid AS valid, i.indisready AS ready,
       ${coveringIndexSql("i", { requireUnique: false })} AS covered_by
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE (NOT i.indisvalid OR NOT i.indisready)
   AND n.nspname NOT IN ${systemSchemasSql}
   AND ($1::text IS NULL OR n.nspname = $1)
   AND ($2::text IS NULL OR t.relname = $2)
 ORDER BY pg_relation_size(c.oid) DESC, n.nspname, c.relname`;

const rowSchema = z.object({
  schema: z.string(),
  table: z.string(),
  index: z.string(),
  definition: z.string(),
  size_bytes: z.coerce.number(),
  size: z.string(),
  valid: z.boolean(),
  ready: z.boolean(),
  covered_by: z.string().nullable(),
});

export interface InvalidIndex {
  /** schema.index, as the other postgres actions take it. */
  name: string;
  schema: string;
  table: string;
  index: string;
  definition: string;
  sizeBytes: number;
  size: string;
  valid: boolean;
  ready: boolean;
  /** A valid, ready index on the same table whose leading key columns are this index's key columns. */
  validIndexOnSameColumns: boolean;
  /** That index, as schema.name, or null. */
  coveredBy: string | null;
}

export function findInvalidIndexesAction(targets: PostgresTargets) {
  return defineAction({
    name: "postgres.find_invalid_indexes",
    description: "List indexes that are invalid or not ready (left by a failed concurrent build), with their size and whether a valid index serves the same columns.",
    input: z.strictObject({
      target: targetSchema(targets.names()),
      schema: identifierSchema.optional(),
      table: identifierSchema.optional(),
    }),
    outputs: ["indexes", "count"],
    plan: async ({ target, schema, table }) => ({
      summary: `Find invalid indexes on postgres target ${target}${scopeOf(schema, table)} (read-only)`,
      details: [
        { kind: "sql", text: findInvalidIndexesSql },
        { kind: "text", text: `$1 (schema) = ${schema ?? "NULL"}, $2 (table) = ${table ?? "NULL"}` },
      ],
      risk: { irreversible: false, readOnly: true },
    }),
    run: async ({ target, schema, table }, ctx) => {
      const rows = await targets.withClient(
        target,
        async (client) => z.array(rowSchema).parse((await client.query(findInvalidIndexesSql, [schema ?? null, table ?? null])).rows),
        { ...lookupTimeouts, signal: ctx.signal },
      );
      const indexes: InvalidIndex[] = rows.map((row) => ({
        name: `${row.schema}.${row.index}`,
        schema: row.schema,
        table: row.table,
        index: row.index,
        definition: row.definition,
        sizeBytes: row.size_bytes,
        size: row.size,
        valid: row.valid,
        ready: row.ready,
        validIndexOnSameColumns: row.covered_by !== null,
        coveredBy: row.covered_by,
      }));
      ctx.log.info({ target, count: indexes.length }, "found invalid indexes");
      return { indexes, count: indexes.length };
    },
    summarize: summarizeInvalidIndexes,
  });
}

const LISTED_INDEXES = 3;

/** "Found 1 invalid index: orders_email_key on orders", "No invalid indexes found". */
export function summarizeInvalidIndexes(output: { indexes?: readonly Partial<Pick<InvalidIndex, "name" | "index" | "table">>[] }): string {
  const indexes = output.indexes ?? [];
  if (indexes.length === 0) return "No invalid indexes found";
  const named = indexes.slice(0, LISTED_INDEXES).map((i) => (i.index && i.table ? `${i.index} on ${i.table}` : (i.name ?? i.index ?? "?")));
  const more = indexes.length > LISTED_INDEXES ? `, and ${indexes.length - LISTED_INDEXES} more` : "";
  return `Found ${indexes.length} invalid ${indexes.length === 1 ? "index" : "indexes"}: ${named.join(", ")}${more}`;
}

function scopeOf(schema: string | undefined, table: string | undefined): string {
  if (schema !== undefined && table !== undefined) return `, table ${schema}.${table}`;
  if (table !== undefined) return `, tables named ${table}`;
  if (schema !== undefined) return `, schema ${schema}`;
  return "";
}
