// HTTP load over keep-alive connections, in the three shapes the benchmarks need:
// - open loop: requests leave on a fixed schedule whether or not earlier ones have answered, and
//   latency counts from the scheduled time, so a stalled server shows up as latency instead of
//   quietly slowing the sender (coordinated omission);
// - closed loop: N requests always in flight for a while, to find the practical maximum;
// - a fixed list through N workers, for bursts that must all be delivered.
import { Agent, request } from "node:http";

export interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Answer {
  status: number;
  body: string;
}

export function keepAliveAgent(maxSockets = 64): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

export function send(base: URL, req: PreparedRequest, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: base.hostname, port: base.port, method: "POST", path: req.path, agent, headers: { ...req.headers, "content-length": Buffer.byteLength(req.body) } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}

export interface OpenLoopResult {
  /** Milliseconds from each request's scheduled time to its complete answer (2xx only). */
  latencies: number[];
  sent: number;
  ok: number;
  failed: number;
  /** 2xx answers per second, from the first scheduled send to the last answer. */
  achievedPerSec: number;
}

export async function openLoop(base: URL, requests: readonly PreparedRequest[], ratePerSec: number, agent: Agent): Promise<OpenLoopResult> {
  const interval = 1000 / ratePerSec;
  const latencies: number[] = [];
  let failed = 0;
  let lastAnswer = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < requests.length && start + next * interval <= now) {
        const scheduled = start + next * interval;
        inFlight.push(
          send(base, requests[next]!, agent).then(
            (answer) => {
              lastAnswer = performance.now();
              if (answer.status >= 200 && answer.status < 300) latencies.push(lastAnswer - scheduled);
              else failed++;
            },
            () => void failed++,
          ),
        );
        next++;
      }
      if (next >= requests.length) return resolve();
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  return { latencies, sent: requests.length, ok: latencies.length, failed, achievedPerSec: latencies.length / ((lastAnswer - start) / 1000) };
}

export interface ClosedLoopResult {
  ok: number;
  failed: number;
  perSec: number;
}

/** `concurrency` requests always in flight for `durationMs`; answers after the window don't count. */
export async function closedLoop(base: URL, make: (i: number) => PreparedRequest, concurrency: number, durationMs: number, agent: Agent): Promise<ClosedLoopResult> {
  let ok = 0;
  let failed = 0;
  let next = 0;
  const start = performance.now();
  const end = start + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const answer = await send(base, make(next++), agent).catch(() => undefined);
      if (performance.now() > end) break;
      if (answer && answer.status >= 200 && answer.status < 300) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ok, failed, perSec: ok / (durationMs / 1000) };
}

/** Sends every request once through `concurrency` workers, in order; answers come back in the same order. */
export async function sendAll(base: URL, requests: readonly PreparedRequest[], concurrency: number, agent: Agent): Promise<(Answer | Error)[]> {
  const answers: (Answer | Error)[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      answers[i] = await send(base, requests[i]!, agent).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}
