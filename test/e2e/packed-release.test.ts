// The release as users get it: `npm pack`'s tarball, installed into an empty directory with
// production dependencies only, from the npm cache (no registry), by the same script the
// Dockerfile RUNs. Every command then runs from an unrelated working directory, so anything
// `serve` needs that package.json's `files` leaves out fails here. This test stands for the
// container image, which cannot be built where there is no Docker engine.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabaseUrl, tempDir } from "../helpers/databases.js";
import { freePort } from "../helpers/postgres-server.js";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../..");
const work = tempDir("firebreak-release-");
const app = join(work.path, "app");
// Commands run from here, not from the install directory or the checkout.
const elsewhere = join(work.path, "elsewhere");
let tarball = "";
let packed: string[] = [];

const slackEnv = { SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_SIGNING_SECRET: "release-test-secret", SLACK_API_URL: "http://127.0.0.1:9/api/" };

beforeAll(async () => {
  mkdirSync(elsewhere);
  // `npm pack` runs `prepare` (the build), so the tarball holds what the current source compiles to.
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work.path], { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work.path, info!.filename);
  packed = info!.files.map((f) => f.path);
  await run("sh", [join(repo, "scripts/install-release.sh"), tarball, join(repo, "package-lock.json"), app], {
    env: { ...process.env, NPM_CONFIG_OFFLINE: "true" },
    maxBuffer: 64 * 1024 * 1024,
  });
}, 600_000);

afterAll(() => work.remove());

function firebreak(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [join(app, "bin/firebreak.js"), ...args], { cwd: elsewhere, env: { PATH: process.env.PATH!, ...env } });
}

async function serveUntilReady(env: Record<string, string>): Promise<void> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(app, "bin/firebreak.js"), "serve"], {
    cwd: elsewhere,
    env: { PATH: process.env.PATH!, ...slackEnv, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  try {
    const base = `http://127.0.0.1:${port}`;
    let ready = 0;
    const deadline = Date.now() + 60_000;
    while (ready !== 200 && child.exitCode === null && Date.now() < deadline) {
      ready = await fetch(`${base}/readyz`).then((r) => r.status, () => 0);
      if (ready !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ready, output).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain("firebreak_http_requests_total");
    child.kill("SIGTERM");
    expect(await exited, output).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

describe("the packed release", () => {
  it("ships the built app, its playbooks, templates and embedded database template, and nothing private", () => {
    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { bin: Record<string, string> };
    expect(packed).toEqual(expect.arrayContaining([pkg.bin.firebreak!, "dist/cli.js", "dist/pglite-template.tar.gz", "playbooks/playbook.schema.json", "templates/postmortem.md", "README.md", "package.json"]));
    expect(packed.filter((p) => p.startsWith("playbooks/") && p.endsWith(".yaml")).length).toBeGreaterThan(0);
    const unwanted = packed.filter(
      (p) =>
        /^(test|bench|docs|deploy|\.ci|coverage|test-artifacts|node_modules)\//.test(p) ||
        /(^|\/)\.firebreak(-demo)?\//.test(p) ||
        /(^|\/)\.env$/.test(p) ||
        /\.(test|spec)\.[cm]?[jt]s(\.map)?$/.test(p) ||
        /\.(pem|key|p12)$/.test(p) ||
        (p.startsWith("src/") && !p.startsWith("src/sandbox/demo/web/")),
    );
    expect(unwanted).toEqual([]);
  });

  it("checks the shipped playbooks", async () => {
    const { stdout } = await firebreak(["playbooks", "check", join(app, "playbooks")]);
    expect(stdout).toMatch(/^\d+ playbooks? OK/m);
  });

  it("prints the Slack app manifest", async () => {
    const { stdout } = await firebreak(["manifest"]);
    const manifest = JSON.parse(stdout) as { oauth_config: { scopes: { bot: string[] } } };
    expect(manifest.oauth_config.scopes.bot).toContain("chat:write");
  });

  it("migrates and serves on the embedded database", async () => {
    const data = join(work.path, "data");
    await firebreak(["migrate"], { FIREBREAK_DATA_DIR: data });
    await serveUntilReady({ FIREBREAK_DATA_DIR: data });
  }, 120_000);

  it("migrates and serves on PostgreSQL", async () => {
    const url = await createTestDatabaseUrl();
    await firebreak(["migrate"], { DATABASE_URL: url });
    await serveUntilReady({ DATABASE_URL: url });
  }, 120_000);
});
