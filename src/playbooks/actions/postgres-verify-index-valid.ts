// postgres.verify_index_valid: the postcondition of a rebuild. An index that exists but is
// INVALID looks like an index in \d and serves no query; only indisvalid and indisready together
// say that the planner may use it and every write keeps it complete.
import { z } from "zod";
import type { PostgresTargets } from "../../ports/postgres-target.js";
import { CodedError } from "../../kernel/errors.js";
import { defineAction } from "../action-registry.js";
import { displayName, indexLookupSql, indexNameSchema, lookupIndex, lookupTimeouts, notFound, parseIndexName, targetSchema } from "./postgres-sql.js";

export function verifyIndexValidAction(targets: PostgresTargets) {
  return defineAction({
    name: "postgres.verify_index_valid",
    description: "Check that an index exists and is valid and ready; fails otherwise. Meant for a step's verify.",
    input: z.strictObject({ target: targetSchema(targets.names()), index: indexNameSchema }),
    outputs: ["index", "valid", "ready", "size"],
    plan: async ({ target, index }) => ({
      summary: `Check that index ${index} on postgres target ${target} exists and is valid and ready (read-only)`,
      details: [
        { kind: "sql", text: indexLookupSql },
        { kind: "text", text: parametersOf(index) },
      ],
      risk: { irreversible: false, readOnly: true },
    }),
    run: async ({ target, index }, ctx) => {
      const name = parseIndexName(index);
      const row = await targets.withClient(target, (client) => lookupIndex(client, name), { ...lookupTimeouts, signal: ctx.signal });
      if (!row) throw new CodedError("not_found", `verification failed: ${notFound(name)}`);
      if (!row.valid || !row.ready) {
        const state = [row.valid ? "" : "INVALID (queries cannot use it)", row.ready ? "" : "not ready (writes do not maintain it)"].filter(Boolean).join(" and ");
        throw new CodedError("conflict", `verification failed: index ${displayName(row)} on ${row.schema}.${row.table} is ${state}; rebuild it with postgres.rebuild_index before relying on it`);
      }
      return { index: displayName(row), valid: true as const, ready: true as const, size: row.size };
    },
    summarize: ({ index, size }) => `${index} is valid and ready${size ? ` (${size})` : ""}`,
  });
}

export function parametersOf(index: string): string {
  const { schema, name } = parseIndexName(index);
  return `$1 (index) = ${name}, $2 (schema) = ${schema ?? "NULL (any non-system schema)"}`;
}
