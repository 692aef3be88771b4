// The reference for the status page: node:http serving the same bytes from a file, read per
// request as a static file server does (from the page cache, after the first read).
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";

const file = process.env.STATIC_FILE!;
const server = createServer((req, res) => {
  if (req.url === "/readyz") return void res.writeHead(200).end();
  readFile(file).then(
    (body) => res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "public, max-age=5", "content-length": body.length }).end(body),
    () => res.writeHead(404).end(),
  );
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`static file server on ${process.env.PORT}`));
process.once("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
