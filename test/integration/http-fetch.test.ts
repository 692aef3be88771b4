// The fetch the Slack WebClient is given: what a local server answers arrives whole, a timeout or
// a cut connection is an error (never half an answer), and a multipart upload goes through Node's
// own fetch.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpFetch } from "../../src/adapters/http-fetch.js";

let server: Server;
let base: string;
const received: { method?: string; headers: IncomingMessage["headers"]; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      if (req.url === "/slow") return void setTimeout(() => res.end("late"), 2_000);
      if (req.url === "/cut") {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial");
        return void setTimeout(() => res.socket?.destroy(), 20);
      }
      if (req.url === "/empty") return void res.writeHead(204).end();
      res.writeHead(429, { "content-type": "application/json", "retry-after": "3", "set-cookie": ["a=1", "b=2"] });
      res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the WebClient's fetch", () => {
  const httpFetch = createHttpFetch();

  it("sends the method, headers and body, and returns the status, every header and the body", async () => {
    const answer = await httpFetch(`${base}/api/chat.postMessage`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Bearer xoxb-1" }, body: "channel=C1&text=hi" });
    expect(received.at(-1)).toMatchObject({ method: "POST", body: "channel=C1&text=hi", headers: { authorization: "Bearer xoxb-1", "content-type": "application/x-www-form-urlencoded" } });
    expect(answer.status).toBe(429);
    expect(answer.headers.get("retry-after")).toBe("3");
    expect(answer.headers.get("set-cookie")).toBe("a=1, b=2");
    expect(await answer.json()).toEqual({ ok: false, error: "ratelimited" });
  });

  it("answers a status without a body", async () => {
    const answer = await httpFetch(`${base}/empty`, { method: "POST", body: "" });
    expect(answer.status).toBe(204);
    expect(await answer.text()).toBe("");
  });

  it("rejects when the signal times out, as the WebClient's timeout asks", async () => {
    await expect(httpFetch(`${base}/slow`, { method: "POST", body: "", signal: AbortSignal.timeout(50) })).rejects.toThrow(/abort|timeout/i);
  });

  it("rejects an answer cut short rather than return part of it", async () => {
    await expect(httpFetch(`${base}/cut`, { method: "POST", body: "" })).rejects.toThrow();
  });

  it("leaves a multipart body to Node's fetch", async () => {
    const form = new FormData();
    form.append("file", new Blob(["hello"]), "hello.txt");
    const answer = await httpFetch(`${base}/upload`, { method: "POST", body: form });
    expect(answer.status).toBe(429);
    expect(received.at(-1)!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(received.at(-1)!.body).toContain("hello");
  });
});
