// A vendor's side of at-least-once delivery: send, and send again until the answer is 2xx.
// A refused connection (the process is dead or restarting) and a 503 are retried, as PagerDuty,
// Datadog and Slack retry them; any other answer is a failure of the test.
import { setTimeout as sleep } from "node:timers/promises";

export interface DeliveryOutcome {
  status: number;
  attempts: number;
}

export async function deliverUntilAccepted(url: () => string, init: () => RequestInit, timeoutMs = 45_000): Promise<DeliveryOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (let attempts = 1; ; attempts++) {
    const status = await fetch(url(), { ...init(), signal: AbortSignal.timeout(5_000) }).then(
      async (response) => (await response.arrayBuffer(), response.status),
      () => 0,
    );
    if (status >= 200 && status < 300) return { status, attempts };
    if (status !== 0 && status !== 503) throw new Error(`${url()} answered ${status}; a vendor would drop this delivery`);
    if (Date.now() > deadline) throw new Error(`${url()} did not accept the delivery within ${timeoutMs} ms (last status ${status})`);
    await sleep(50);
  }
}
