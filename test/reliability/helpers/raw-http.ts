// Requests sent with node:http rather than fetch: any method, header bytes as given, and an
// answer still read when the server refuses a body before it has all been sent.
import { request, type IncomingHttpHeaders } from "node:http";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
}

export function rawRequest(base: string, init: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  // Node frames a GET body only when told its length; unframed bytes would read as a second request.
  const headers = init.body === undefined ? init.headers : { "content-length": String(Buffer.byteLength(init.body)), ...init.headers };
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      { host: hostname, port, method: init.method ?? "GET", path: init.path ?? "/", headers, agent: false },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    // A server that answers 413 early and closes makes the rest of our upload fail; the answer counts.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.setTimeout(init.timeoutMs ?? 15_000, () => req.destroy(new Error(`no answer to ${init.method ?? "GET"} ${init.path} within ${init.timeoutMs ?? 15_000} ms`)));
    req.end(init.body);
  });
}
