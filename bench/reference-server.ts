// The practical floor for acknowledging a webhook on this machine and database server: read the
// body, one INSERT, answer 202. Firebreak's intake does more (verify the signature, parse, record
// the delivery and its job in one transaction); webhook-ack.ts compares the two side by side.
// Runs as its own process, like Firebreak, with the same pg pool size (10).
import { createServer } from "node:http";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(`CREATE TABLE IF NOT EXISTS reference_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  body jsonb NOT NULL)`);

const server = createServer((req, res) => {
  // Lets the benchmark wait for it the way it waits for Firebreak's /readyz.
  if (req.method === "GET") return void res.writeHead(200).end();
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const id = req.headers["x-webhook-id"];
    pool.query("INSERT INTO reference_deliveries (delivery_id, body) VALUES ($1, $2)", [typeof id === "string" ? id : "", Buffer.concat(chunks).toString("utf8")]).then(
      () => res.writeHead(202, { "content-type": "application/json" }).end('{"ok":true}'),
      () => res.writeHead(503).end(),
    );
  });
});

server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`reference server listening on ${process.env.PORT}`));
process.once("SIGTERM", () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeAllConnections();
});
