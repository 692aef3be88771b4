// What the PostgreSQL actions share: identifiers that are safe to put in DDL, the catalog lookup
// of one index, and the rule for when one index can stand in for another.
// Index names arrive from Slack users and templated playbook params. They are checked against a
// strict pattern before anything runs, always double-quoted in DDL, and passed to catalog
// queries as parameters ($1), never concatenated into them.
import type { TargetClient } from "../../ports/postgres-target.js";
import { z } from "zod";
import { CodedError } from "../../kernel/errors.js";

const MAX_IDENTIFIER_BYTES = 63; // NAMEDATALEN - 1: PostgreSQL silently truncates longer names
const identifierPart = "[A-Za-z_][A-Za-z0-9_$]*";
const identifierPattern = new RegExp(`^${identifierPart}$`);
const indexNamePattern = new RegExp(`^(?:(${identifierPart})\\.)?(${identifierPart})$`);
const fitsInName = (part: string) => Buffer.byteLength(part, "utf8") <= MAX_IDENTIFIER_BYTES;

export const identifierSchema = z
  .string()
  .regex(identifierPattern, { error: "expected an identifier: a letter or _, then letters, digits, _ or $" })
  .refine(fitsInName, { error: `at most ${MAX_IDENTIFIER_BYTES} bytes` });

export const indexNameSchema = z
  .string()
  .regex(indexNamePattern, { error: 'expected an index name such as "orders_email_idx" or "public.orders_email_idx" (letters, digits, _ or $)' })
  .refine((value) => value.split(".").every(fitsInName), { error: `each part of the name is at most ${MAX_IDENTIFIER_BYTES} bytes` })
  .describe("An index name as stored in the catalog (case-sensitive), optionally schema-qualified.");

/** The configured target names as an enum, so a playbook naming an unknown target fails `check`. */
export function targetSchema(names: readonly string[]): z.ZodType<string> {
  const [first, ...rest] = names;
  if (first === undefined) {
    return z.string().refine(() => false, { error: "no postgres targets are configured; add one under targets.postgres in firebreak.yaml" });
  }
  return z.enum([first, ...rest], { error: `expected a postgres target from firebreak.yaml: ${names.join(", ")}` });
}

/** Double-quotes an identifier, doubling embedded quotes, as PostgreSQL's quote_ident does. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface IndexName {
  /** Unset: the name must be unique across the non-system schemas. */
  schema?: string;
  name: string;
}

/** Parses "schema.name" or "name"; throws on anything that is not a plain identifier. */
export function parseIndexName(value: string): IndexName {
  const match = indexNamePattern.exec(value);
  const [, schema, name] = match ?? [];
  if (!match || name === undefined || ![schema, name].every((part) => part === undefined || fitsInName(part))) {
    throw new CodedError("invalid_payload", `"${value}" is not an index name: use letters, digits, _ or $, optionally as schema.name, at most ${MAX_IDENTIFIER_BYTES} bytes each`);
  }
  return schema === undefined ? { name } : { schema, name };
}

export const qualifiedName = (schema: string, name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;

/** Schemas the actions never touch: the catalogs and TOAST indexes are PostgreSQL's to manage. */
export const systemSchemasSql = "('pg_catalog', 'information_schema', 'pg_toast')";

/**
 * A correlated subquery naming a valid, ready index `o` that can serve every lookup index `i`
 * serves: same table and access method, the same key columns first (with the same operator
 * classes and collations), and no predicate. An expression key never matches: the catalog
 * cannot tell whether two expressions are the same. `requireUnique` adds that a unique `i`
 * is only covered by an index enforcing uniqueness on exactly those columns, because dropping
 * `i` would otherwise let duplicates in.
 */
export function coveringIndexSql(i: string, options: { requireUnique: boolean }): string {
  const keys = (alias: string, column: string, type: string) => `(${alias}.${column}::${type}[])[0:${i}.indnkeyatts - 1]`;
  // Indented to sit in a SELECT list, because plans show this text to approvers.
  const lines = [
    `(SELECT format('%s.%s', cn.nspname, cc.relname)`,
    `   FROM pg_index o`,
    `   JOIN pg_class cc ON cc.oid = o.indexrelid`,
    `   JOIN pg_namespace cn ON cn.oid = cc.relnamespace`,
    `  WHERE o.indrelid = ${i}.indrelid AND o.indexrelid <> ${i}.indexrelid`,
    `    AND o.indisvalid AND o.indisready AND o.indpred IS NULL`,
    `    AND cc.relam = (SELECT relam FROM pg_class WHERE oid = ${i}.indexrelid)`,
    `    AND o.indnkeyatts >= ${i}.indnkeyatts`,
    `    AND NOT (0 = ANY (${keys(i, "indkey", "int2")}))`,
    `    AND ${keys("o", "indkey", "int2")} = ${keys(i, "indkey", "int2")}`,
    `    AND ${keys("o", "indclass", "oid")} = ${keys(i, "indclass", "oid")}`,
    `    AND ${keys("o", "indcollation", "oid")} = ${keys(i, "indcollation", "oid")}`,
    ...(options.requireUnique ? [`    AND (NOT ${i}.indisunique OR (o.indisunique AND o.indnkeyatts = ${i}.indnkeyatts))`] : []),
    `  ORDER BY o.indisunique DESC, o.indnkeyatts, cc.relname`,
    `  LIMIT 1)`,
  ];
  return lines.join("\n       ");
}

/** The rule of coveringIndexSql, for people. */
export const coveringRule =
  "a covering index is valid and ready, on the same table with the same access method, has this index's key columns first " +
  "(same operator classes and collations) and no WHERE clause; an expression key is never covered; a unique index is covered only by a unique index on exactly its columns";

export const indexLookupSql = `SELECT n.nspname AS schema, c.relname AS index, t.relname AS "table",
       pg_get_indexdef(c.oid) AS definition,
       pg_relation_size(c.oid) AS size_bytes, pg_size_pretty(pg_relation_size(c.oid)) AS size,
       i.indisvalid AS valid, i.indisready AS ready, i.indisunique AS "unique",
       quote_ident(c.relname) AS quoted_name,
       ARRAY(SELECT format('%s (%s)', conname, CASE contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique'
                                                    WHEN 'x' THEN 'exclusion' ELSE 'foreign key' END)
               FROM pg_constraint WHERE conindid = c.oid ORDER BY conname) AS constraints,
       ${coveringIndexSql("i", { requireUnique: true })} AS covered_by
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname = $1 AND ($2::text IS NULL OR n.nspname = $2)
   AND n.nspname NOT IN ${systemSchemasSql}
 ORDER BY n.nspname`;

const indexRowSchema = z.object({
  schema: z.string(),
  index: z.string(),
  table: z.string(),
  definition: z.string(),
  size_bytes: z.coerce.number(),
  size: z.string(),
  valid: z.boolean(),
  ready: z.boolean(),
  unique: z.boolean(),
  quoted_name: z.string(),
  constraints: z.array(z.string()),
  covered_by: z.string().nullable(),
});

export type IndexRow = z.output<typeof indexRowSchema>;

export const displayName = (row: { schema: string; index: string }) => `${row.schema}.${row.index}`;

/** "56 kB (57344 bytes)", or "0 bytes" when the pretty form is already exact. */
export const sizeOf = (row: { size: string; size_bytes: number }) => (row.size.endsWith("bytes") ? row.size : `${row.size} (${row.size_bytes} bytes)`);

/** The index named, or undefined when there is none; an unqualified name found in several schemas is refused. */
export async function lookupIndex(client: TargetClient, index: IndexName): Promise<IndexRow | undefined> {
  const result = await client.query(indexLookupSql, [index.name, index.schema ?? null]);
  const rows = z.array(indexRowSchema).parse(result.rows);
  if (rows.length > 1) {
    const schemas = rows.map((r) => r.schema).join(", ");
    throw new CodedError("conflict", `index "${index.name}" exists in several schemas (${schemas}); name it as schema.${index.name}`);
  }
  return rows[0];
}

/** Read-only lookups: short, and never waiting long behind a lock. */
export const lookupTimeouts = { statementTimeoutMs: 15_000, lockTimeoutMs: 2_000 } as const;

export function notFound(index: IndexName): string {
  const where = index.schema === undefined ? "in any non-system schema" : `in schema "${index.schema}"`;
  return `index "${index.name}" does not exist ${where}`;
}
