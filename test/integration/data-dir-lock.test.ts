// The embedded database is one process's: `firebreak serve` refuses a data dir that a live
// process holds (its pid in firebreak.pid, checked with kill 0), with a sentence saying what to
// do, and takes over a mark left by a process that was killed. Real processes, a real data dir.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serveCli, spawnCli } from "../helpers/cli-process.js";
import { tempDir } from "../helpers/databases.js";

const slackEnv = { SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5", SLACK_API_URL: "http://127.0.0.1:9/api/" };
const cleanup: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** A process that stays alive until killed. */
function sleeper() {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  return { pid: child.pid!, kill: async () => (child.kill("SIGKILL"), await exited) };
}

const markHeld = (dataDir: string, pid: number) => writeFileSync(join(dataDir, "firebreak.pid"), `${pid}\n${hostname()}\n`);

describe("firebreak serve on the embedded database", () => {
  it("refuses a data dir a live process holds, naming it and what to do", async () => {
    const dataDir = tempDir("held-").path;
    const holder = sleeper();
    markHeld(dataDir, holder.pid);
    const cli = spawnCli(["serve"], { ...slackEnv, FIREBREAK_DATA_DIR: dataDir, PORT: "0" });
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(`the embedded database in ${dataDir} is in use by process ${holder.pid}`);
    expect(cli.output()).toContain("set DATABASE_URL");
    // Its mark is left alone.
    expect(readFileSync(join(dataDir, "firebreak.pid"), "utf8").split("\n")[0]).toBe(String(holder.pid));
  });

  it("takes over a mark left by a process that was killed", async () => {
    const dataDir = tempDir("stale-").path;
    const gone = sleeper();
    await gone.kill();
    markHeld(dataDir, gone.pid);
    const { cli, base } = await serveCli({ ...slackEnv, FIREBREAK_DATA_DIR: dataDir }, cleanup);
    for (let i = 0; i < 300 && (await fetch(`${base}/readyz`).then((r) => r.status, () => 0)) !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(readFileSync(join(dataDir, "firebreak.pid"), "utf8").split("\n")[0]).toBe(String(cli.child.pid));
  }, 120_000);
});
