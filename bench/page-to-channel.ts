// From page to a usable channel: the time from POSTing a signed incident.triggered to the moment
// the channel is ready in Slack (created, the on-call engineer invited, the header posted and
// pinned), with every Slack call taking 50 ms. The clock stops on the emulator's pin event, which
// fires when Slack has applied the pin. Firebreak runs as `serve` on PostgreSQL.
// Reference: the data-dependency floor, the longest chain of Slack calls where each needs the
// one before's result — conversations.create → chat.postMessage (the header, in the new channel)
// → pins.add (its ts) — × 50 ms. The on-call lookup (users.lookupByEmail) needs nothing from the
// channel and runs beside conversations.create; conversations.invite needs both and runs beside
// the header. Anything above the floor is Firebreak's own work or calls made in sequence that
// could run beside each other. Firebreak's own work: the webhook records the delivery with its
// job claimed by this process and starts it at once; that job asks PagerDuty who is on call and
// declares the incident in one transaction, which also takes conversations.create's rate slot,
// and enqueues the channel job claimed, its write ledger already noting the create and the
// header; the channel job starts when that transaction commits, with the incident in hand, and
// sends conversations.create first, the Slack lookups of the on-call people beside it. Between
// create and the header nothing is written: the channel record and the new channel's first
// message slot are written beside the header, and the records of the invite and the header after
// the pin.
import { join } from "node:path";
import { pagerdutyEvent } from "../test/helpers/pagerduty-events.js";
import pg from "pg";
import { createDatabase, ESCALATION_POLICY, median, pagerdutyRequest, round, spawnServe, startVendors, until, waitReady, type Benchmark } from "./bench-kit.js";
import { keepAliveAgent, send } from "./load-generator.js";

const LATENCY_MS = 50;
const WARMUP_RUNS = 2;
// Every page creates a channel, and Slack allows about 20 a minute (Firebreak paces them at 18):
// warm-ups and runs together stay within one minute's budget.
const RUNS = 14;
const TARGET_RATIO = 1.2;
/** The longest chain of data-dependent calls: each needs the previous one's result. */
const FLOOR_CHAIN = ["conversations.create", "chat.postMessage", "pins.add"];

export const pageToChannel: Benchmark = async (ctx) => {
  const databaseUrl = await createDatabase(ctx.postgresUrl, "bench_page_to_channel");
  const vendors = await startVendors({ latencyMs: LATENCY_MS });
  const oncall = vendors.seedOncall();
  const firebreak = await spawnServe({ DATABASE_URL: databaseUrl, ...vendors.env }, join(ctx.tmp, "page-to-channel-firebreak.log"));
  const agent = keepAliveAgent();
  const database = new pg.Client({ connectionString: databaseUrl });
  const times: number[] = [];
  const observed: string[][] = [];
  try {
    await waitReady(firebreak);
    await database.connect();
    const base = new URL(firebreak.base);
    ctx.progress(`${WARMUP_RUNS} warm-up pages, then ${RUNS} measured, one at a time, Slack latency ${LATENCY_MS} ms`);
    for (let run = 0; run < WARMUP_RUNS + RUNS; run++) {
      const incidentId = `PPAGE${String(run).padStart(3, "0")}`;
      const title = `Page to channel ${run}`;
      vendors.pagerduty.addIncident({ id: incidentId, title, escalationPolicyId: ESCALATION_POLICY });
      const request = pagerdutyRequest(pagerdutyEvent("incident.triggered", { incidentId, title, escalationPolicyId: ESCALATION_POLICY }));
      let stopListening = () => {};
      const pinned = new Promise<{ at: number; wall: number; channel: string }>((resolve) => {
        stopListening = vendors.slack.on("pin", (event) => {
          if (event.action === "added" && vendors.slack.channel(event.channel)?.name.includes(`page-to-channel-${run}`)) resolve({ at: performance.now(), wall: Date.now(), channel: event.channel });
        });
      });
      const startedWall = Date.now();
      const started = performance.now();
      const answer = await send(base, request, agent);
      if (answer.status !== 202) throw new Error(`the page was answered ${answer.status}: ${answer.body}`);
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no pinned header for ${incidentId} within 30 s; log: ${firebreak.logPath}`)), 30_000).unref());
      const ready = await Promise.race([pinned, timeout]).finally(stopListening);
      const channel = vendors.slack.channel(ready.channel)!;
      if (!channel.members.includes(oncall)) throw new Error(`the on-call engineer was not invited to #${channel.name}`);
      if (run >= WARMUP_RUNS) {
        times.push(ready.at - started);
        observed.push(vendors.slack.calls().filter((c) => c.at >= startedWall && c.at <= ready.wall).map((c) => c.method));
      }
      // The rest of the channel work (the announcement, the PagerDuty note, the bookmark) finishes before the next page.
      await until("the channel-ready note in PagerDuty", async () => vendors.pagerduty.incident(incidentId)?.notes.length ?? 0, (n) => n > 0, 30_000, 20);
      await until("the PagerDuty incident bookmarked in the channel", async () => vendors.slack.bookmarks(ready.channel).length, (n) => n > 0, 30_000, 20);
      // Slack has applied the bookmark before Firebreak has its answer: each page is measured on
      // an idle bot, not one still recording the page before it (no job running or due).
      const busy = async () => Number((await database.query("SELECT count(*) AS n FROM jobs WHERE status = 'running' OR (status = 'pending' AND run_at <= now())")).rows[0].n);
      await until("Firebreak done with the page", busy, (n) => n === 0, 30_000, 20);
    }
  } finally {
    await database.end();
    agent.destroy();
    await firebreak.stop();
    await vendors.stop();
  }
  const value = median(times);
  const reference = FLOOR_CHAIN.length * LATENCY_MS;
  const calls = observed[0] ?? [];
  const sameEveryTime = observed.every((o) => o.join() === calls.join());
  return [
    {
      name: `page → channel ready, Slack +${LATENCY_MS} ms/call`,
      value: round(value),
      unit: "ms",
      reference: { value: reference, what: `data-dependency floor: ${FLOOR_CHAIN.join(" → ")} × ${LATENCY_MS} ms` },
      ratio: value / reference,
      target: `≤ ${TARGET_RATIO}× the data-dependency floor`,
      met: value / reference <= TARGET_RATIO,
      note:
        `median of ${RUNS} (range ${Math.round(Math.min(...times))}–${Math.round(Math.max(...times))} ms) after ${WARMUP_RUNS} warm-ups; ` +
        `Slack calls seen before the pin: ${calls.join(", ")}${sameEveryTime ? "" : " (varied between runs)"}; ` +
        `users.lookupByEmail runs beside conversations.create and conversations.invite beside the header; ` +
        `PagerDuty's on-call lookup adds no latency in its emulator`,
    },
  ];
};
