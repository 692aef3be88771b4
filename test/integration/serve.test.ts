// `firebreak serve` as an operator runs it: a real process, real HTTP, signed requests.
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/databases.js";
import { serveCli, spawnCli } from "../helpers/cli-process.js";
import { freePort } from "../helpers/postgres-server.js";
import { writePlaybookConfig } from "../helpers/playbook-dir.js";
import { signedSlackRequest } from "../helpers/slack-requests.js";
import { slashCommand } from "../helpers/slack-payloads.js";

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const slackEnv = { SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: "http://127.0.0.1:9/api/" };
const cleanup: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const serve = (env: Record<string, string>) => serveCli({ ...slackEnv, ...env }, cleanup);

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("firebreak serve", () => {
  it("exits 2 naming every missing Slack setting, without a stack trace", async () => {
    const cli = spawnCli(["serve"], {});
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain("SLACK_BOT_TOKEN is required");
    expect(cli.output()).toContain("SLACK_SIGNING_SECRET is required");
    expect(cli.output()).not.toMatch(/\n\s+at /);
  });

  it("answers health, readiness and metrics on the embedded database, and Slack's signed requests", { timeout: 120_000 }, async () => {
    const data = tempDir();
    cleanup.push(() => data.remove());
    const { cli, base } = await serve({ FIREBREAK_DATA_DIR: data.path });
    // Creating the embedded database is CPU-bound and holds the event loop: on a loaded machine for
    // long enough that requests queued behind it time out. Ask once it is done.
    await cli.waitFor(/database ready/, 90_000);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await eventually(() => fetch(`${base}/readyz`), (r) => r.status === 200);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain("firebreak_http_requests_total");
    expect(metrics).toContain("firebreak_process_resident_memory_bytes");

    const challenge = readFileSync("test/fixtures/slack/events/url_verification.json", "utf8");
    const verified = await fetch(`${base}/slack/events`, signedSlackRequest({ body: challenge, signingSecret }));
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });

    const forged = await fetch(`${base}/slack/events`, signedSlackRequest({ body: challenge, signingSecret: "not-the-secret" }));
    expect(forged.status).toBe(401);
    const replayed = await fetch(`${base}/slack/events`, signedSlackRequest({ body: challenge, signingSecret, timestamp: Math.floor(Date.now() / 1000) - 301 }));
    expect(replayed.status).toBe(401);
    expect((await fetch(`${base}/slack/events`)).status).toBe(405);
    const huge = await fetch(`${base}/slack/events`, signedSlackRequest({ body: "x".repeat(1024 * 1024 + 1), signingSecret }));
    expect(huge.status).toBe(413);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);

    // Integrations without settings say so once at start-up.
    expect(cli.output().match(/pagerduty integration is off/g)).toHaveLength(1);

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain("Firebreak stopped");
  });

  it("refuses to start with an invalid playbook, naming file, line and column", async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const config = writePlaybookConfig(dir.path, { "broken.yaml": "id: broken\ntitle: Broken\ndescription: d\nsteps:\n  - { id: a, title: A, action: kubernetes.explode, with: {} }\n" });
    const cli = spawnCli(["serve"], { ...slackEnv, FIREBREAK_CONFIG: config, FIREBREAK_DATA_DIR: dir.path });
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toMatch(/Firebreak cannot start: the playbooks in .* have 1 problem/);
    expect(cli.output()).toMatch(/broken\.yaml:5:\d+: steps\.0\.action: unknown action "kubernetes\.explode"/);
    expect(cli.output()).not.toMatch(/\n\s+at /);
  });

  it("keeps running with an unreachable database: /readyz says 503 with the reason", async () => {
    const deadPort = await freePort();
    const { cli, base } = await serve({ DATABASE_URL: `postgres://firebreak:hunter2-db-pass@127.0.0.1:${deadPort}/firebreak` });
    // Until the first attempt fails, the reason is "database: connecting"; wait for that failure.
    const readyz = async () => {
      const r = await fetch(`${base}/readyz`);
      return { status: r.status, reason: ((await r.json()) as { reason?: string }).reason ?? "" };
    };
    const ready = await eventually(readyz, (r) => /unreachable/.test(r.reason));
    expect(ready.status).toBe(503);
    expect(ready.reason).toMatch(/database unreachable: .*ECONNREFUSED/);
    await cli.waitFor(/database not available; retrying[\s\S]*database not available; retrying/);
    expect(cli.child.exitCode).toBeNull();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // The Slack side loads without the database, and a person is told what is wrong rather than nothing.
    const answer = await fetch(`${base}/slack/events`, slashCommand(signingSecret, { text: "declare Disk full", userId: "U0PERSON", channelId: "C0GENERAL" }));
    expect(answer.status).toBe(200);
    expect(JSON.stringify(await answer.json())).toContain("can't reach its database right now");
    expect(cli.output()).not.toContain("hunter2-db-pass");
  });
});
