// The PostgreSQL actions against a real PostgreSQL, replaying the outage: a unique index whose
// concurrent build failed is INVALID, and the old index must not be dropped until it is rebuilt.
import { readFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { createPostgresTargets } from "../../src/adapters/postgres-target.js";
import { type PostgresTargets } from "../../src/ports/postgres-target.js";
import { createLogger } from "../../src/kernel/log.js";
import { createActionRegistry, defineAction, type ActionContext, type ActionDefinition } from "../../src/playbooks/action-registry.js";
import { postgresActions } from "../../src/playbooks/actions/postgres-actions.js";
import { parseIndexName, quoteIdent } from "../../src/playbooks/actions/postgres-sql.js";
import { builtinActions } from "../../src/playbooks/builtin-actions.js";
import { checkPlaybookFiles } from "../../src/playbooks/check-playbooks.js";
import { durationSchema, playbookSchema } from "../../src/domain/playbook-schema.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";
import { freePort } from "../helpers/postgres-server.js";

const ROWS = 200_000;
let url: string;
let targets: PostgresTargets;
let actions: Map<string, ActionDefinition>;

function context(progress: string[] = [], signal = new AbortController().signal): ActionContext {
  return { log: createLogger({ level: "silent" }), signal, now: () => new Date(), progress: (text) => progress.push(text) };
}

function action(name: string): ActionDefinition {
  const found = actions.get(name);
  if (!found) throw new Error(`no action ${name}`);
  return found;
}

/** As the engine will: the input is parsed by the action's schema, then planned or run. */
const plan = (name: string, input: unknown) => action(name).plan(action(name).input.parse(input), context());
const run = (name: string, input: unknown, progress: string[] = []) => action(name).run(action(name).input.parse(input), context(progress));

async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

const indexNames = async () => (await sql<{ relname: string }>("SELECT relname FROM pg_class WHERE relkind = 'i' AND relname LIKE 'orders%' ORDER BY relname")).map((r) => r.relname);
const rowCount = async () => Number((await sql<{ n: string }>("SELECT count(*) AS n FROM orders"))[0]?.n);

beforeAll(async () => {
  url = await createTestDatabaseUrl();
  targets = createPostgresTargets({ main: { url } });
  actions = new Map(postgresActions(targets, { progressIntervalMs: 5 }).map((a) => [a.name, a]));
  await sql("CREATE TABLE orders (id bigserial PRIMARY KEY, email text NOT NULL, note text)");
  await sql(`INSERT INTO orders (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, ${ROWS}) g`);
  await sql("CREATE INDEX orders_email_idx ON orders (email)");
  // As in production: a duplicate makes the concurrent unique build fail, leaving it INVALID.
  await sql("INSERT INTO orders (email) VALUES ('user1@example.com')");
  await expect(sql("CREATE UNIQUE INDEX CONCURRENTLY orders_email_key ON orders (email)")).rejects.toThrow(/could not create unique index/);
  await sql(`DELETE FROM orders WHERE id > ${ROWS}`);
});

describe("the invalid-index outage, replayed", () => {
  it("find_invalid_indexes lists the invalid index with its definition and size", async () => {
    const output = (await run("postgres.find_invalid_indexes", { target: "main" })) as { indexes: Record<string, unknown>[]; count: number };
    expect(output.count).toBe(1);
    const [found] = output.indexes;
    expect(found).toMatchObject({
      name: "public.orders_email_key",
      schema: "public",
      table: "orders",
      index: "orders_email_key",
      definition: "CREATE UNIQUE INDEX orders_email_key ON public.orders USING btree (email)",
      valid: false,
      ready: false,
      validIndexOnSameColumns: true,
      coveredBy: "public.orders_email_idx",
    });
    expect(found?.sizeBytes).toEqual(expect.any(Number));
    expect(found?.size).toMatch(/bytes|kB|MB/);
    const scoped = (await run("postgres.find_invalid_indexes", { target: "main", schema: "public", table: "elsewhere" })) as { count: number };
    expect(scoped.count).toBe(0);
  });

  it("drop_index refuses to drop the old index while its replacement is invalid", async () => {
    const refused = await plan("postgres.drop_index", { target: "main", index: "orders_email_idx" });
    expect(refused.summary).toMatch(/^refused: no VALID and READY index on public\.orders covers/);
    expect(refused.noop).toMatch(/^refused:/);
    expect(refused.risk.irreversible).toBe(true);
    await expect(run("postgres.drop_index", { target: "main", index: "public.orders_email_idx" })).rejects.toThrow(/refused: .*nothing was dropped/);
    expect(await indexNames()).toContain("orders_email_idx");
  });

  it("verify_index_valid fails while the index is invalid", async () => {
    await expect(run("postgres.verify_index_valid", { target: "main", index: "orders_email_key" })).rejects.toThrow(/INVALID .* not ready/);
  });

  it("rebuild_index plans the exact statement, rebuilds concurrently with progress, and checks the result", async () => {
    const planned = await plan("postgres.rebuild_index", { target: "main", index: "orders_email_key" });
    expect(planned.details[0]).toEqual({ kind: "sql", text: 'REINDEX INDEX CONCURRENTLY "public"."orders_email_key"' });
    expect(planned.details[1]?.text).toMatch(/^table public\.orders; index size .* currently INVALID, not ready/);
    expect(planned.noop).toBeUndefined();
    const progress: string[] = [];
    const started = Date.now();
    const output = await run("postgres.rebuild_index", { target: "main", index: "orders_email_key" }, progress);
    expect(output).toMatchObject({ index: "public.orders_email_key", valid: true, durationMs: expect.any(Number) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatch(/^building: /);
    const [state] = await sql<{ indisvalid: boolean; indisready: boolean }>("SELECT indisvalid, indisready FROM pg_index WHERE indexrelid = 'orders_email_key'::regclass");
    expect(state).toEqual({ indisvalid: true, indisready: true });
  });

  it("verify_index_valid passes after the rebuild", async () => {
    expect(await run("postgres.verify_index_valid", { target: "main", index: "public.orders_email_key" })).toMatchObject({ index: "public.orders_email_key", valid: true, ready: true });
    expect((await run("postgres.find_invalid_indexes", { target: "main" })) as { count: number }).toMatchObject({ count: 0 });
  });

  it("drop_index is then allowed, and the old index is gone", async () => {
    const planned = await plan("postgres.drop_index", { target: "main", index: "orders_email_idx" });
    expect(planned.details[0]).toEqual({ kind: "sql", text: 'DROP INDEX CONCURRENTLY "public"."orders_email_idx"' });
    expect(planned.summary).toContain("public.orders_email_key covers its columns");
    expect(planned.risk.irreversible).toBe(true);
    expect(await run("postgres.drop_index", { target: "main", index: "orders_email_idx" })).toEqual({ dropped: "public.orders_email_idx", coveredBy: "public.orders_email_key" });
    expect(await indexNames()).toEqual(["orders_email_key", "orders_pkey"]);
  });

  it("drop_index refuses the only index left, and an index that backs a constraint", async () => {
    await expect(run("postgres.drop_index", { target: "main", index: "orders_email_key" })).rejects.toThrow(/refused/);
    await expect(run("postgres.drop_index", { target: "main", index: "orders_pkey" })).rejects.toThrow(/backs orders_pkey \(primary key\)/);
    expect(await indexNames()).toEqual(["orders_email_key", "orders_pkey"]);
  });

  it("rebuild_index with method recreate builds a copy, swaps it in under the same name, and refuses constraint indexes", async () => {
    const planned = await plan("postgres.rebuild_index", { target: "main", index: "orders_email_key", method: "recreate" });
    expect(planned.details.filter((d) => d.kind === "sql").map((d) => d.text)).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY "orders_email_key_fb_new" ON public.orders USING btree (email)',
      'DROP INDEX CONCURRENTLY "public"."orders_email_key"',
      'ALTER INDEX "public"."orders_email_key_fb_new" RENAME TO "orders_email_key"',
    ]);
    await run("postgres.rebuild_index", { target: "main", index: "orders_email_key", method: "recreate" });
    expect(await indexNames()).toEqual(["orders_email_key", "orders_pkey"]);
    await expect(run("postgres.verify_index_valid", { target: "main", index: "orders_email_key" })).resolves.toMatchObject({ valid: true });
    expect((await plan("postgres.rebuild_index", { target: "main", index: "orders_pkey", method: "recreate" })).noop).toMatch(/^refused: public\.orders_pkey backs/);
    await expect(run("postgres.rebuild_index", { target: "main", index: "orders_pkey", method: "recreate" })).rejects.toThrow(/refused/);
  });
});

describe("refusals", () => {
  const attempts = ["x; DROP TABLE orders", 'x" ; drop', "'x' OR 1=1", 'orders_email_key"; DROP TABLE orders; --', "a.b.c", "", " orders_pkey", "x".repeat(64), "pg_catalog.pg_class_oid_index)"];

  it("refuses injection attempts in the input schema, and nothing runs", async () => {
    const before = { rows: await rowCount(), indexes: await indexNames() };
    for (const name of ["postgres.rebuild_index", "postgres.drop_index", "postgres.verify_index_valid"]) {
      for (const index of attempts) expect(action(name).input.safeParse({ target: "main", index }).success, `${name} ${index}`).toBe(false);
    }
    for (const bad of ["orders; DROP TABLE orders", 'x"y']) {
      expect(action("postgres.find_invalid_indexes").input.safeParse({ target: "main", table: bad }).success).toBe(false);
      expect(action("postgres.find_invalid_indexes").input.safeParse({ target: "main", schema: bad }).success).toBe(false);
    }
    expect(action("postgres.find_invalid_indexes").input.safeParse({ target: "other" }).success).toBe(false);
    // Even called without the schema, the actions parse the name before any statement is sent.
    for (const index of attempts) {
      await expect(action("postgres.rebuild_index").run({ target: "main", index, method: "reindex" }, context())).rejects.toThrow(/not an index name/);
      await expect(action("postgres.drop_index").run({ target: "main", index }, context())).rejects.toThrow(/not an index name/);
    }
    expect({ rows: await rowCount(), indexes: await indexNames() }).toEqual(before);
  });

  it("quotes identifiers and parses names strictly", () => {
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
    expect(parseIndexName("public.orders_email_key")).toEqual({ schema: "public", name: "orders_email_key" });
    expect(parseIndexName("Orders$1")).toEqual({ name: "Orders$1" });
    expect(() => parseIndexName('x"')).toThrow(/not an index name/);
  });

  it("a missing index: plan.noop says so and run refuses without touching anything", async () => {
    for (const name of ["postgres.rebuild_index", "postgres.drop_index"]) {
      const planned = await plan(name, { target: "main", index: "public.no_such_index" });
      expect(planned.noop).toBe('index "no_such_index" does not exist in schema "public"');
      await expect(run(name, { target: "main", index: "no_such_index" })).rejects.toThrow(/does not exist in any non-system schema; nothing was/);
    }
    await expect(run("postgres.verify_index_valid", { target: "main", index: "no_such_index" })).rejects.toThrow(/verification failed: index "no_such_index" does not exist/);
  });

  it("refuses to drop an index covered only by an expression index or a partial one", async () => {
    await sql("CREATE TABLE events (id int, kind text)");
    await sql("CREATE INDEX events_lower_kind_a ON events (lower(kind))");
    await sql("CREATE INDEX events_lower_kind_b ON events (lower(kind))");
    await sql("CREATE INDEX events_kind ON events (kind)");
    await sql("CREATE INDEX events_kind_partial ON events (kind) WHERE id > 0");
    await sql("CREATE INDEX events_id_kind ON events (id, kind)");
    await sql("CREATE INDEX events_id ON events (id)");
    await expect(run("postgres.drop_index", { target: "main", index: "events_lower_kind_a" })).rejects.toThrow(/refused/);
    await expect(run("postgres.drop_index", { target: "main", index: "events_kind" })).rejects.toThrow(/refused/);
    expect((await plan("postgres.drop_index", { target: "main", index: "events_id" })).summary).toContain("public.events_id_kind covers its columns");
  });
});

describe("postgres targets", () => {
  it("an unreachable target fails within the timeout, naming the reason and never the password", async () => {
    const closedPort = await freePort();
    const secretUrl = `postgres://firebreak:hunter2-s3cret@127.0.0.1:${closedPort}/orders`;
    const down = createPostgresTargets({ down: { url: secretUrl } }, { connectTimeoutMs: 1_000 });
    const find = postgresActions(down).find((a) => a.name === "postgres.find_invalid_indexes")!;
    const started = Date.now();
    const error = await find.run(find.input.parse({ target: "down" }), context()).then(
      () => new Error("expected a failure"),
      (e: unknown) => e as Error,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.message).toBe("cannot connect to postgres target down: ECONNREFUSED (connection refused)");
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toMatch(/hunter2|s3cret|firebreak:/);
  });

  it("a server that never answers times out with the configured bound", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const stuck = createPostgresTargets({ stuck: { url: `postgres://firebreak:hunter2-s3cret@127.0.0.1:${port}/orders` } }, { connectTimeoutMs: 300 });
      const started = Date.now();
      await expect(stuck.withClient("stuck", async () => 1, { statementTimeoutMs: 1_000, lockTimeoutMs: 1_000 })).rejects.toThrow(
        "cannot connect to postgres target stuck: timed out after 300 ms",
      );
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it("sets the connection's timeouts and application name, refuses unknown targets, and cancels on abort", async () => {
    const settings = await targets.withClient(
      "main",
      async (client) => (await client.query("SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement, current_setting('application_name') AS app")).rows[0],
      { statementTimeoutMs: 4_000, lockTimeoutMs: 1_500 },
    );
    expect(settings).toEqual({ lock: "1500ms", statement: "4s", app: "firebreak" });
    await expect(targets.withClient("main", (c) => c.query("SELECT pg_sleep(2)"), { statementTimeoutMs: 100, lockTimeoutMs: 100 })).rejects.toThrow(/statement timeout/);
    await expect(targets.withClient("nope", async () => 1, { statementTimeoutMs: 100, lockTimeoutMs: 100 })).rejects.toThrow(/unknown postgres target "nope" \(known: main\)/);
    const started = Date.now();
    await expect(targets.withClient("main", (c) => c.query("SELECT pg_sleep(20)"), { statementTimeoutMs: 30_000, lockTimeoutMs: 100, signal: AbortSignal.timeout(200) })).rejects.toThrow(/cancelled/);
    expect(Date.now() - started).toBeLessThan(3_000);
    const sleeping = await sql("SELECT pid FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(20)' AND state = 'active'");
    expect(sleeping).toEqual([]);
  });
});

describe("playbooks/rebuild-invalid-index.yaml", () => {
  const file = "playbooks/rebuild-invalid-index.yaml";

  it("starts with the schema line and matches the playbook schema", () => {
    const text = readFileSync(file, "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./playbook.schema.json");
    const playbook = playbookSchema.parse(parse(text));
    expect(playbook.steps.map((s) => [s.id, s.action])).toEqual([
      ["find", "postgres.find_invalid_indexes"],
      ["rebuild", "postgres.rebuild_index"],
      ["db_cpu_gate", "datadog.metric_gate"],
    ]);
    expect(playbook.steps[1]).toMatchObject({ risky: true, timeout: "30m", approval: { from: ["commander", { group: "dba" }] }, verify: { action: "postgres.verify_index_valid" } });
  });

  it("passes the full check once datadog.metric_gate is registered", () => {
    const metricGate = defineAction({
      name: "datadog.metric_gate",
      description: "stand-in with the input the real action declares",
      input: z.strictObject({ query: z.string(), below: z.number().optional(), above: z.number().optional(), within: durationSchema, every: durationSchema.optional() }),
      plan: async () => ({ summary: "", details: [], risk: { irreversible: false } }),
      run: async () => undefined,
    });
    const notRun = () => Promise.reject(new Error("checking never runs actions"));
    const registry = createActionRegistry([...builtinActions({ addNote: notRun }), ...postgresActions(targets), metricGate]);
    expect(checkPlaybookFiles([file], registry).problems).toEqual([]);
  });
});
