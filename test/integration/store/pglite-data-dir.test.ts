// The embedded database's data dir: a new one starts from the template the build makes, a start
// killed while creating it leaves nothing that stops the next, and an existing one is kept.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../../src/adapters/store/migrate.js";
import { createPgliteDriver } from "../../../src/adapters/store/pglite-driver.js";
import { writePgliteTemplate } from "../../../src/adapters/store/pglite-template.js";
import { createStore } from "../../../src/adapters/store/store.js";
import { tempDir } from "../../helpers/databases.js";

const scratch = tempDir();
const templateFile = join(scratch.path, "template.tar.gz");
// initdb and the migrations, in WebAssembly: seconds alone, much longer on a host busy with other work.
beforeAll(() => writePgliteTemplate(templateFile), 120_000);
afterAll(() => scratch.remove());

async function declareAndClose(dataDir: string): Promise<number> {
  const sql = await createPgliteDriver({ dataDir, templateFile });
  await migrate(sql);
  const store = createStore(sql);
  const incident = await store.incidents.create({ title: "Disk full on db-1", severity: "SEV2", source: "slack", detectedAt: new Date() });
  await store.close();
  return incident.id;
}

async function titles(dataDir: string): Promise<string[]> {
  const store = createStore(await createPgliteDriver({ dataDir, templateFile }));
  try {
    return (await store.incidents.list()).map((i) => i.title);
  } finally {
    await store.close();
  }
}

describe("the embedded database's data dir", () => {
  it("is created from the template, and what was written is there when it is opened again", async () => {
    const dataDir = join(scratch.path, "new", "data");
    await declareAndClose(dataDir);
    expect(readdirSync(dataDir)).toContain("PG_VERSION");
    expect(readdirSync(dataDir)).not.toContain("firebreak-creating-cluster");
    expect(await titles(dataDir)).toEqual(["Disk full on db-1"]);
  });

  it("starts from the template's cluster, and only when the dir is new", async () => {
    // A template whose cluster holds one table, so the test can tell it was unpacked.
    const marked = await PGlite.create();
    await marked.exec("CREATE TABLE from_template (id int)");
    const markedFile = join(scratch.path, "marked.tar.gz");
    writeFileSync(markedFile, Buffer.from(await (await marked.dumpDataDir("gzip")).arrayBuffer()));
    await marked.close();

    const dataDir = join(scratch.path, "marked");
    const tables = async () => {
      const sql = await createPgliteDriver({ dataDir, templateFile: markedFile });
      try {
        return (await sql.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE tablename = 'from_template'")).map((t) => t.tablename);
      } finally {
        await sql.close();
      }
    };
    expect(await tables()).toEqual(["from_template"]);
    const sql = await createPgliteDriver({ dataDir, templateFile: markedFile });
    await sql.exec("DROP TABLE from_template");
    await sql.close();
    expect(await tables()).toEqual([]);
  });

  it("is created in an empty dir that already exists, such as a mounted volume", async () => {
    const dataDir = join(scratch.path, "volume");
    mkdirSync(dataDir);
    await declareAndClose(dataDir);
    expect(await titles(dataDir)).toEqual(["Disk full on db-1"]);
  });

  it("is created again when the start that was creating it was killed", async () => {
    const dataDir = join(scratch.path, "killed");
    // Without a template PGlite runs initdb itself, which takes long enough to be killed midway.
    const child = spawn(process.execPath, ["--import", "tsx", "-e", `import("./src/adapters/store/pglite-driver.ts").then((m) => m.createPgliteDriver({ dataDir: ${JSON.stringify(dataDir)}, templateFile: "/nonexistent" }))`], { stdio: "ignore" });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const deadline = Date.now() + 20_000;
    // Killed once initdb has written PG_VERSION, which is what marks a data dir as a cluster.
    while (!existsSync(join(dataDir, "PG_VERSION")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    child.kill("SIGKILL");
    await exited;
    expect(readdirSync(dataDir)).toContain("firebreak-creating-cluster");

    await declareAndClose(dataDir);
    expect(await titles(dataDir)).toEqual(["Disk full on db-1"]);
  });

  it("clears what a killed creation left, down to files it could not have finished", async () => {
    const dataDir = join(scratch.path, "half");
    mkdirSync(join(dataDir, "base"), { recursive: true });
    writeFileSync(join(dataDir, "firebreak-creating-cluster"), "");
    writeFileSync(join(dataDir, "PG_VERSION"), "not a version");
    await declareAndClose(dataDir);
    expect(await titles(dataDir)).toEqual(["Disk full on db-1"]);
  });
});
