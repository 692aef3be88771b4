// A page storm: 100 PagerDuty incidents at once, 70 distinct events each (triggered,
// acknowledged, escalated, reassigned, priority_updated, then notes), 30% of deliveries sent
// twice (same X-Webhook-Id, same event id), 10,000 signed deliveries in all, 32 in flight, in
// the order PagerDuty would emit them (round by round, incidents shuffled in each round).
// Slack answers every call in 100 ms and enforces its rate limits. Firebreak (`serve` on
// PostgreSQL) must end with exactly one incident and one channel per PagerDuty incident, every
// distinct event on a timeline, and no call over Slack's limits.
//
// Firebreak paces conversations.create itself (18 per rolling minute, counted in the database,
// src/incidents/open-channel.ts) below Slack's ~20, so raising the emulator's limit would not
// shorten the run: 100 channels take at least 5 minutes. BENCH_STORM_INCIDENTS runs a smaller
// storm (same shape) when that is too long.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CHANNELS_PER_MINUTE } from "../src/incidents/channel-create-slot.js";
import { pagerdutyEvent } from "../test/helpers/pagerduty-events.js";
import { createDatabase, ESCALATION_POLICY, pagerdutyRequest, round, spawnServe, startVendors, until, waitReady, withClient, type Benchmark, type Figure } from "./bench-kit.js";
import { keepAliveAgent, sendAll, type PreparedRequest } from "./load-generator.js";

const INCIDENTS = Number(process.env.BENCH_STORM_INCIDENTS ?? 100);
const FIRST_EVENTS = ["incident.triggered", "incident.acknowledged", "incident.escalated", "incident.reassigned", "incident.priority_updated"];
const EVENTS_PER_INCIDENT = 70;
const DUPLICATE_SHARE = 0.3;
const CONCURRENCY = 32;
const SLACK_LATENCY_MS = 100;
const TIMEOUT_MS = 8 * 60_000;

interface Delivery {
  request: PreparedRequest;
  duplicate: boolean;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Originals round by round; each duplicate goes somewhere after its original. */
function plan(pdIncidents: string[]): { deliveries: Delivery[]; sourceKeys: string[] } {
  const originals: PreparedRequest[] = [];
  const sourceKeys: string[] = [];
  const start = Date.now() - 60 * 60_000;
  for (let round = 0; round < EVENTS_PER_INCIDENT; round++) {
    for (const incidentId of shuffle([...pdIncidents])) {
      const eventId = randomUUID();
      const type = FIRST_EVENTS[round] ?? "incident.annotated";
      const body = pagerdutyEvent(type, { incidentId, eventId, title: `Storm ${incidentId}`, escalationPolicyId: ESCALATION_POLICY, occurredAt: new Date(start + round * 1_000).toISOString() });
      originals.push(pagerdutyRequest(body, randomUUID()));
      sourceKeys.push(`pagerduty:${eventId}`);
    }
  }
  const duplicates = Math.round((originals.length * DUPLICATE_SHARE) / (1 - DUPLICATE_SHARE));
  const picked = shuffle(originals.map((_, i) => i)).slice(0, duplicates);
  const keyed = [
    ...originals.map((request, i) => ({ key: i, delivery: { request, duplicate: false } })),
    ...picked.map((i) => ({ key: i + 1 + Math.random() * (originals.length - i), delivery: { request: originals[i]!, duplicate: true } })),
  ];
  return { deliveries: keyed.sort((a, b) => a.key - b.key).map((k) => k.delivery), sourceKeys };
}

export const alertStorm: Benchmark = async (ctx) => {
  const databaseUrl = await createDatabase(ctx.postgresUrl, "bench_alert_storm");
  const vendors = await startVendors({ latencyMs: SLACK_LATENCY_MS, enforceRateLimits: true });
  vendors.seedOncall();
  const pdIncidents = Array.from({ length: INCIDENTS }, (_, i) => `PSTORM${String(i + 1).padStart(3, "0")}`);
  for (const id of pdIncidents) vendors.pagerduty.addIncident({ id, title: `Storm ${id}`, escalationPolicyId: ESCALATION_POLICY });
  const { deliveries, sourceKeys } = plan(pdIncidents);
  const firebreak = await spawnServe({ DATABASE_URL: databaseUrl, ...vendors.env }, join(ctx.tmp, "alert-storm-firebreak.log"));
  const agent = keepAliveAgent(CONCURRENCY);
  try {
    await waitReady(firebreak);
    ctx.progress(`${deliveries.length} deliveries (${deliveries.filter((d) => d.duplicate).length} duplicates) for ${INCIDENTS} incidents, ${CONCURRENCY} in flight`);
    const started = performance.now();
    const startedWall = Date.now();
    const answers = await sendAll(new URL(firebreak.base), deliveries.map((d) => d.request), CONCURRENCY, agent);
    const intakeSeconds = (performance.now() - started) / 1000;
    const accepted = answers.filter((a) => !(a instanceof Error) && a.status === 202).length;
    const flaggedDuplicate = answers.filter((a) => !(a instanceof Error) && a.status === 202 && JSON.parse(a.body).duplicate === true).length;
    ctx.progress(`intake done in ${round(intakeSeconds)} s (${accepted} accepted); waiting for the timeline and ${INCIDENTS} channels`);

    let recordedAt: number | undefined;
    let lastReport = 0;
    const state = await withClient(databaseUrl, (db) =>
      until(
        `${INCIDENTS} channels ready and every event recorded`,
        async () => {
          const row = (
            await db.query<{ entries: number; pending: number; ready: number }>(
              `SELECT (SELECT count(*)::int FROM timeline_entries WHERE source_key = ANY($1)) AS entries,
                      (SELECT count(*)::int FROM jobs WHERE kind = 'delivery.pagerduty' AND status NOT IN ('done', 'dead')) AS pending,
                      (SELECT count(*)::int FROM incidents WHERE header_ts IS NOT NULL) AS ready`,
              [sourceKeys],
            )
          ).rows[0]!;
          const elapsed = (performance.now() - started) / 1000;
          if (recordedAt === undefined && row.pending === 0) recordedAt = elapsed;
          if (elapsed - lastReport >= 30) {
            lastReport = elapsed;
            ctx.progress(`${Math.round(elapsed)} s: ${row.entries}/${sourceKeys.length} events on timelines, ${row.pending} deliveries pending, ${row.ready}/${INCIDENTS} channels ready`);
          }
          return row;
        },
        (row) => row.pending === 0 && row.ready >= INCIDENTS,
        TIMEOUT_MS,
        1_000,
      ),
    );
    const counts = await withClient(databaseUrl, async (db) =>
      (
        await db.query<{ incidents: number; distinct_pd: number; channels: number; deliveries: number; dead: number }>(
          `SELECT (SELECT count(*)::int FROM incidents) AS incidents,
                  (SELECT count(DISTINCT pagerduty_incident_id)::int FROM incidents) AS distinct_pd,
                  (SELECT count(DISTINCT channel_id)::int FROM incidents WHERE channel_id IS NOT NULL) AS channels,
                  (SELECT count(*)::int FROM deliveries WHERE source = 'pagerduty') AS deliveries,
                  (SELECT count(*)::int FROM jobs WHERE status = 'dead') AS dead`,
        )
      ).rows[0]!,
    );
    const created = vendors.slack.calls("conversations.create").filter((c) => c.response.body.ok === true).length;
    const refused = vendors.slack.calls().filter((c) => c.response.status === 429).length;
    const violations = vendors.slack.rateLimitViolations();
    const perMethod = new Map<string, number>();
    for (const v of violations) {
      const where = v.channel === undefined ? "" : v.channel === vendors.incidentsChannel ? " in #incidents" : " in incident channels";
      perMethod.set(`${v.method}${where}`, (perMethod.get(`${v.method}${where}`) ?? 0) + 1);
    }
    const byMethod = [...perMethod].map(([method, n]) => `${method} ×${n}`);
    const lost = sourceKeys.length - state.entries;
    // When each channel became usable: its header pinned, by Slack's clock.
    const pinnedAfter = vendors.slack.calls("pins.add").filter((c) => c.response.body.ok === true).map((c) => (c.at - startedWall) / 1000).sort((a, b) => a - b);
    const firstWindow = Math.min(CHANNELS_PER_MINUTE, INCIDENTS);
    const totalSeconds = pinnedAfter.at(-1) ?? (performance.now() - started) / 1000;
    const retries = (readFileSync(firebreak.logPath, "utf8").match(/"job failed; will retry"/g) ?? []).length;
    // Channels 1–18 go at once, then 18 more each minute: the last batch starts this long after the first.
    const pacingFloor = Math.floor((INCIDENTS - 1) / CHANNELS_PER_MINUTE) * 60;
    const exact = (name: string, value: number, expected: number, note: string): Figure => ({ name, value, unit: "", target: `= ${expected}`, met: value === expected, note });
    return [
      exact(`storm: incidents for ${INCIDENTS} PagerDuty incidents`, counts.incidents, INCIDENTS, `${counts.distinct_pd} distinct PagerDuty ids; ${counts.deliveries} deliveries stored for ${sourceKeys.length} distinct (${flaggedDuplicate} answered as duplicates); ${counts.dead} dead jobs, ${retries} job retries`),
      exact("storm: channels ready", state.ready, INCIDENTS, `${counts.channels} distinct channels on incidents; ${created} conversations.create calls succeeded`),
      exact("storm: timeline entries lost", lost, 0, `${state.entries} of ${sourceKeys.length} distinct events on timelines`),
      exact("storm: Slack rate-limit violations", violations.length, 0, `${byMethod.join(", ") || "none"}; ${refused} calls answered 429; Slack latency ${SLACK_LATENCY_MS} ms, limits enforced at Slack's defaults (conversations.create 20/min, chat.postMessage 1/s per channel, bursts of 3)`),
      {
        name: `storm: intake of ${deliveries.length.toLocaleString("en-US")} deliveries`,
        value: round(deliveries.length / intakeSeconds),
        unit: "req/s",
        note: `${round(intakeSeconds)} s, ${accepted} answered 202, ${CONCURRENCY} in flight; every event recorded ${recordedAt === undefined ? "?" : round(recordedAt)} s after the first delivery`,
      },
      {
        name: "storm: first channel ready",
        value: round(pinnedAfter[0] ?? Number.NaN),
        unit: "s",
        note: `after the first delivery; the first ${firstWindow} channels (not held back by pacing) were all ready after ${round(pinnedAfter[firstWindow - 1] ?? Number.NaN)} s`,
      },
      {
        name: `storm: total time to ${INCIDENTS} channels ready`,
        value: round(totalSeconds),
        unit: "s",
        reference: { value: pacingFloor, what: `pacing floor, ${CHANNELS_PER_MINUTE} channels/min` },
        ...(pacingFloor > 0 && { ratio: totalSeconds / pacingFloor }),
        note: "from the first delivery to the last channel's header pinned",
      },
    ];
  } finally {
    agent.destroy();
    await firebreak.stop();
    await vendors.stop();
  }
};
