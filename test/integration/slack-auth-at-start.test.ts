// A bad Slack token is loud at start: an error line naming the fix and firebreak_slack_auth_ok 0,
// while readiness (the database) and webhook intake carry on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { serveCli, type CliProcess } from "../helpers/cli-process.js";
import { createTestDatabaseUrl } from "../helpers/databases.js";

const slack = createSlackEmulator({ botToken: "xoxb-the-real-one" });
const narrowSlack = createSlackEmulator({ botToken: "xoxb-narrow", botScopes: ["chat:write", "commands"] });
const cleanup: (() => Promise<unknown> | void)[] = [];
beforeAll(async () => {
  await slack.start();
  await narrowSlack.start();
});
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await slack.stop();
  await narrowSlack.stop();
});

async function serve(env: Record<string, string>): Promise<{ cli: CliProcess; base: string }> {
  // A PostgreSQL server starts the process in a fraction of the embedded database's time.
  const database = await createTestDatabaseUrl();
  return serveCli({ SLACK_SIGNING_SECRET: "s3cret", DATABASE_URL: database, ...env }, cleanup);
}

const logLines = (cli: CliProcess) => cli.output().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { level: string; msg: string });
const authGauge = async (base: string) => /^firebreak_slack_auth_ok (\d)$/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1];

// Each case spawns `firebreak serve`; on a loaded machine that alone can take many seconds.
describe("the Slack token check at start", { timeout: 120_000 }, () => {
  it("logs an error naming the fix and exposes firebreak_slack_auth_ok 0 for a token Slack refuses, and stays ready", async () => {
    const { cli, base } = await serve({ SLACK_BOT_TOKEN: "xoxb-mistyped", SLACK_API_URL: slack.url! });
    await cli.waitFor(/Slack will not work until this is fixed/, 60_000);
    const error = logLines(cli).find((l) => l.msg.includes("Slack will not work"))!;
    expect(error.level).toBe("error");
    expect(error.msg).toContain("invalid_auth");
    expect(error.msg).toContain("OAuth & Permissions");
    expect(await authGauge(base)).toBe("0");
    await cli.waitFor(/database ready/, 60_000);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("names the scopes the token lacks", async () => {
    const { cli, base } = await serve({ SLACK_BOT_TOKEN: "xoxb-narrow", SLACK_API_URL: narrowSlack.url! });
    await cli.waitFor(/Slack will not work until this is fixed/, 60_000);
    const error = logLines(cli).find((l) => l.msg.includes("Slack will not work"))!;
    expect(error.msg).toContain("channels:manage");
    expect(error.msg).toContain("pins:write");
    expect(error.msg).not.toMatch(/chat:write[ ,]/);
    expect(await authGauge(base)).toBe("0");
  });

  it("sets firebreak_slack_auth_ok 1 for a good token", async () => {
    const { cli, base } = await serve({ SLACK_BOT_TOKEN: "xoxb-the-real-one", SLACK_API_URL: slack.url! });
    await cli.waitFor(/Slack accepted the bot token/, 60_000);
    expect(await authGauge(base)).toBe("1");
    expect(logLines(cli).filter((l) => l.level === "error" || l.level === "fatal")).toEqual([]);
  });
});
