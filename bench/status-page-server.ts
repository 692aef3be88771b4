// The status page as Firebreak serves it (the same cache, routes and HTTP server as `serve`), in
// its own process on PostgreSQL, with every database query counted: status-page.ts reads the
// count before and after its load. Seeds a page with a few incidents and writes the rendered HTML
// to STATIC_FILE, for the static file server it is compared with.
import { writeFileSync } from "node:fs";
import { migrate } from "../src/adapters/store/migrate.js";
import { createPgDriver } from "../src/adapters/store/pg-driver.js";
import type { Sql, SqlExecutor } from "../src/adapters/store/sql.js";
import { createStore } from "../src/adapters/store/store.js";
import { statusRoutes } from "../src/http/status-routes.js";
import { createHttpServer } from "../src/http/server.js";
import { createStatusPageCache } from "../src/incidents/public-updates/status-page-cache.js";
import { createLogger } from "../src/kernel/log.js";

const counts = { queries: 0, renders: 0 };
const counted = (sql: SqlExecutor): SqlExecutor => ({
  query: (text, params) => {
    counts.queries++;
    if (text.includes("FROM public_updates WHERE state = 'published'")) counts.renders++;
    return sql.query(text, params);
  },
  exec: (script) => sql.exec(script),
});
const driver = createPgDriver({ connectionString: process.env.DATABASE_URL! });
await migrate(driver);
const sql: Sql = { ...driver, ...counted(driver), driver: driver.driver, transaction: (fn) => driver.transaction((tx) => fn(counted(tx))), close: () => driver.close() };
const store = createStore(sql);

const config = {
  title: "Acme status",
  components: [
    { id: "api", name: "Public API", services: ["payments-api"] },
    { id: "web", name: "Website", services: [] },
    { id: "checkout", name: "Checkout", services: [] },
    { id: "webhooks", name: "Webhooks", services: [] },
  ],
};
const statuses = ["investigating", "identified", "monitoring", "resolved"] as const;
const at = Date.now() - 3 * 86_400_000;
for (let n = 0; n < 6; n++) {
  const incident = await store.incidents.create({ title: `Bench ${n}`, severity: "SEV2", source: "slack", detectedAt: new Date(at) });
  for (const [i, status] of statuses.entries()) {
    if (n === 0 && status === "resolved") break; // one incident still current
    const time = new Date(at + n * 3_600_000 + i * 600_000);
    const update = await store.publicUpdates.request({
      incidentId: incident.id, kind: "update", status, title: `Elevated errors on the API (${n + 1})`,
      body: `Update ${i + 1}: we are ${status} the cause of elevated error rates for some API requests. Next update in 30 minutes.`,
      components: [{ key: "api", status: status === "resolved" ? "operational" : "partial_outage" }], requestedBy: "UREQ", requestedAt: time,
      eligible: { commander: "UCMD", users: [], groups: [] }, expiresAt: new Date(time.getTime() + 1_800_000),
    });
    await store.publicUpdates.decide(update.id, { state: "published", by: "UCMD", at: time });
  }
}
await store.publicUpdates.bumpGeneration();

const cache = createStatusPageCache({ store: () => store, now: () => new Date(), timezone: "America/New_York", config });
const first = (await cache.get("html"))!;
writeFileSync(process.env.STATIC_FILE!, first.body);
const routes = {
  ...statusRoutes(cache),
  "/readyz": { GET: async () => ({ status: 200, body: { ok: true } }) },
  "/__counts": { GET: async () => ({ status: 200, body: { ...counts } }) },
};
const server = createHttpServer({ routes, log: createLogger({ level: "silent" }) });
await server.listen(Number(process.env.PORT), "127.0.0.1");
console.log(`status page on ${process.env.PORT}, ${first.body.length} bytes`);
process.once("SIGTERM", () => void server.close(1_000).then(() => sql.close()).then(() => process.exit(0)));
