// A fetch for the Slack WebClient (its `fetch` option) over node:http with kept-alive connections.
// Node's own fetch (undici) reads and writes through web streams: in a running bot about 0.5 ms of
// CPU per call more, at both ends of every call on the path from a page to its channel. This one
// does what the WebClient asks of fetch — a POST of a string body, an answer's status, headers and
// body, an AbortSignal for its timeout, no redirects followed — and hands anything else (a file
// upload's multipart body) to Node's fetch.
import http from "node:http";
import https from "node:https";

type Fetch = typeof globalThis.fetch;

/** Statuses whose answer has no body (a Response refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);

export function createHttpFetch(): Fetch {
  // A connection idle for 4 s is closed, as Node's fetch does, before a server is likely to close
  // it under a request being sent.
  const kept = { keepAlive: true, timeout: 4_000 };
  const agents = { "http:": new http.Agent(kept), "https:": new https.Agent(kept) };
  const httpFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const streamed = input instanceof Request || (init.body !== undefined && init.body !== null && typeof init.body !== "string");
    if (streamed || (url.protocol !== "http:" && url.protocol !== "https:")) return fetch(input, init);
    const transport = url.protocol === "https:" ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const request = transport.request(
        url,
        { method: init.method ?? "GET", headers: headerRecord(init.headers), agent: agents[url.protocol as "http:" | "https:"], ...(init.signal && { signal: init.signal }) },
        (answer) => {
          const chunks: Buffer[] = [];
          let ended = false;
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("error", reject);
          answer.on("end", () => {
            ended = true;
            const status = answer.statusCode ?? 0;
            const headers = new Headers();
            for (const [name, value] of Object.entries(answer.headers)) {
              for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
            }
            const body = NO_BODY.has(status) || chunks.length === 0 ? null : Buffer.concat(chunks);
            try {
              resolve(new Response(body, { status, statusText: answer.statusMessage ?? "", headers }));
            } catch (error) {
              reject(error);
            }
          });
          // A connection cut mid-answer ends it without 'end': never resolve half an answer.
          answer.on("close", () => {
            if (!ended) reject(new Error(`the answer from ${url.host} was cut short`));
          });
        },
      );
      request.on("error", reject);
      request.end(init.body ?? undefined);
    });
  };
  return httpFetch as Fetch;
}

function headerRecord(headers: RequestInit["headers"]): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers || Array.isArray(headers)) return Object.fromEntries(new Headers(headers).entries());
  return headers as Record<string, string>;
}
