// A new embedded database starts from a template: a PGlite cluster made once, when Firebreak is
// built, and unpacked into the data dir on first start. Creating a cluster from scratch (initdb,
// in WebAssembly) takes well over a second; unpacking one takes a fraction of it. The template is
// already migrated to this build's schema, so a first start has nothing left to migrate either
// (schema_migrations says the build applied them); a data dir from an older build migrates as usual.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { migrate } from "./migrate.js";
import { pgliteParsers, sqlOverPglite } from "./pglite-sql.js";

/** Beside the compiled code (dist/); running from source has none and creates clusters itself. */
export const builtTemplateFile = fileURLToPath(new URL("../../pglite-template.tar.gz", import.meta.url));

/** The template for this build of PGlite (gzipped tar), if the build made one. */
export function readPgliteTemplate(file = builtTemplateFile): Buffer | undefined {
  return existsSync(file) ? readFileSync(file) : undefined;
}

/** Run by `npm run build`: the cluster PGlite would create, migrated, packed as PGlite unpacks it. */
export async function writePgliteTemplate(file = builtTemplateFile): Promise<string> {
  const db = await PGlite.create({ parsers: pgliteParsers });
  try {
    await migrate(sqlOverPglite(db));
    // PGlite works in the `postgres` database. template0 and template1 serve only CREATE DATABASE,
    // which an embedded Firebreak never runs, and they were two thirds of the files a first start
    // writes (https://www.postgresql.org/docs/current/manage-ag-templatedbs.html).
    for (const template of ["template0", "template1"]) {
      await db.exec(`ALTER DATABASE ${template} IS_TEMPLATE false`);
      await db.exec(`DROP DATABASE ${template}`);
    }
    const tarball = await db.dumpDataDir("gzip");
    writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
    return file;
  } finally {
    await db.close();
  }
}
