// Child process for the crash test: commits timeline entries one by one and prints each id
// only after its COMMIT returned, until it is killed.
import { migrate } from "../../src/adapters/store/migrate.js";
import { createPgDriver } from "../../src/adapters/store/pg-driver.js";
import { createPgliteDriver } from "../../src/adapters/store/pglite-driver.js";
import { createStore } from "../../src/adapters/store/store.js";

const [driver, location] = process.argv.slice(2) as ["pg" | "pglite", string];
const sql = driver === "pg" ? createPgDriver({ connectionString: location }) : await createPgliteDriver({ dataDir: location });
await migrate(sql);
const store = createStore(sql);
const incident = await store.incidents.create({ title: "crash test", severity: "SEV4", source: "slack", detectedAt: new Date() });
process.stdout.write(`incident ${incident.id}\n`);
for (let n = 0; ; n++) {
  const { entry } = await store.timeline.append({ incidentId: incident.id, eventAt: new Date(), kind: "note", text: `entry ${n}`, sourceKey: `n:${n}` });
  process.stdout.write(`committed ${entry.id}\n`);
}
