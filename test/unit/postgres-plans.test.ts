// Golden dry runs: what an approver reads before pressing Approve, for each PostgreSQL action,
// against a real database in a known state. A change to a statement or to the wording shows up
// here as a diff to review.
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { createPostgresTargets } from "../../src/adapters/postgres-target.js";
import { createLogger } from "../../src/kernel/log.js";
import type { ActionContext, ActionDefinition } from "../../src/playbooks/action-registry.js";
import { postgresActions } from "../../src/playbooks/actions/postgres-actions.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";

let actions: Map<string, ActionDefinition>;

const context: ActionContext = { log: createLogger({ level: "silent" }), signal: new AbortController().signal, now: () => new Date(0), progress: () => undefined };

function plan(name: string, input: unknown) {
  const action = actions.get(name);
  if (!action) throw new Error(`no action ${name}`);
  return action.plan(action.input.parse(input), context);
}

beforeAll(async () => {
  const url = await createTestDatabaseUrl();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Statements one by one: CREATE INDEX CONCURRENTLY cannot run in the implicit transaction of a multi-statement query.
    for (const statement of [
      "CREATE SCHEMA billing",
      "CREATE TABLE billing.accounts (id int PRIMARY KEY, email text NOT NULL, created_at date NOT NULL)",
      "INSERT INTO billing.accounts SELECT g, 'a' || g || '@example.com', DATE '2024-01-01' + g % 365 FROM generate_series(1, 1000) g",
      "CREATE INDEX accounts_email_idx ON billing.accounts (email)",
      "CREATE INDEX accounts_created_idx ON billing.accounts (created_at)",
      "CREATE INDEX accounts_created_id_idx ON billing.accounts (created_at, id)",
      "INSERT INTO billing.accounts VALUES (1001, 'a1@example.com', DATE '2024-01-01')",
    ]) {
      await client.query(statement);
    }
    await expect(client.query("CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON billing.accounts (email)")).rejects.toThrow(/could not create unique index/);
    await client.query("DELETE FROM billing.accounts WHERE id = 1001");
  } finally {
    await client.end();
  }
  actions = new Map(postgresActions(createPostgresTargets({ billing: { url } })).map((a) => [a.name, a]));
});

describe("dry-run plans", () => {
  it("postgres.find_invalid_indexes", async () => {
    expect(await plan("postgres.find_invalid_indexes", { target: "billing" })).toMatchSnapshot();
    expect(await plan("postgres.find_invalid_indexes", { target: "billing", schema: "billing", table: "accounts" })).toMatchSnapshot();
  });

  it("postgres.rebuild_index", async () => {
    expect(await plan("postgres.rebuild_index", { target: "billing", index: "billing.accounts_email_key" })).toMatchSnapshot("reindex an invalid index");
    expect(await plan("postgres.rebuild_index", { target: "billing", index: "accounts_email_idx", method: "recreate" })).toMatchSnapshot("recreate a valid index");
    expect(await plan("postgres.rebuild_index", { target: "billing", index: "accounts_pkey", method: "recreate" })).toMatchSnapshot("recreate refused for a primary key");
    expect(await plan("postgres.rebuild_index", { target: "billing", index: "public.accounts_email_key" })).toMatchSnapshot("missing index");
  });

  it("postgres.verify_index_valid", async () => {
    expect(await plan("postgres.verify_index_valid", { target: "billing", index: "billing.accounts_email_key" })).toMatchSnapshot();
  });

  it("postgres.drop_index", async () => {
    expect(await plan("postgres.drop_index", { target: "billing", index: "accounts_email_idx" })).toMatchSnapshot("refused while the replacement is invalid");
    expect(await plan("postgres.drop_index", { target: "billing", index: "accounts_created_idx" })).toMatchSnapshot("allowed: covered by a wider index");
    expect(await plan("postgres.drop_index", { target: "billing", index: "accounts_pkey" })).toMatchSnapshot("refused: backs a constraint");
    expect(await plan("postgres.drop_index", { target: "billing", index: "no_such_index" })).toMatchSnapshot("missing index");
  });
});
