// The sandbox's post-mortem repository follows the GitHub stand-in: a Publish (contents API
// writes) becomes one commit on its branch, and looking at the repository, however often the page
// polls, commits nothing.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRepositoryMirror, readRepository } from "../../src/sandbox/demo/demo-repository.js";
import { startGithubEmulator, type GithubEmulator } from "../../src/sandbox/emulators/github/github-emulator.js";

const REPO = "acme/postmortems";
const BRANCH = "postmortem/inc-1";
const PATH = "postmortems/2026-12-04-api-is-degraded.md";

describe("the sandbox's post-mortem repository", () => {
  let github: GithubEmulator;
  let dir: string;

  beforeEach(async () => {
    github = await startGithubEmulator({ token: "ghp_test" });
    dir = mkdtempSync(join(tmpdir(), "firebreak-repo-"));
  });
  afterEach(async () => {
    await github.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // What Firebreak's publish does through the API: a branch off main, then the file on it.
  async function api(method: string, path: string, body: unknown) {
    const response = await fetch(`${github.url}/repos/${REPO}${path}`, { method, headers: { authorization: "Bearer ghp_test", "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return (await response.json()) as { content?: { sha: string } };
  }
  async function publish(text: string, sha?: string) {
    return (await api("PUT", `/contents/${PATH}`, { message: `Post-mortem for INC-1`, content: Buffer.from(text).toString("base64"), branch: BRANCH, ...(sha && { sha }) })).content!.sha;
  }
  const head = () => execFileSync("git", ["rev-parse", BRANCH], { cwd: dir, encoding: "utf8" }).trim();
  const commits = () => Number(execFileSync("git", ["rev-list", "--count", BRANCH], { cwd: dir, encoding: "utf8" }).trim());

  it("commits a publish once, keeps its SHA across any number of reads, and adds one commit for a second publish", async () => {
    const { headSha } = github.addRepo("acme", "postmortems", { defaultBranch: "main" });
    const mirror = createRepositoryMirror(github, REPO, dir);
    await mirror.sync();
    expect(await readRepository(dir)).toEqual([]); // nothing published, nothing committed

    await api("POST", "/git/refs", { ref: `refs/heads/${BRANCH}`, sha: headSha });
    const blob = await publish("# INC-1: API is degraded — Post-mortem\n");
    await mirror.sync();
    const first = head();
    for (let read = 0; read < 3; read++) await mirror.sync();
    expect(head()).toBe(first);
    expect(commits()).toBe(2); // the initial commit and the publish
    const [branch] = await readRepository(dir);
    expect(branch?.files).toEqual([{ path: PATH, content: "# INC-1: API is degraded — Post-mortem\n" }]);
    expect(branch?.lastCommit).toBe(`${first.slice(0, branch!.lastCommit.indexOf(" "))} Post-mortem for INC-1`);

    await publish("# INC-1: API is degraded — Post-mortem\n\nEdited.\n", blob);
    await mirror.sync();
    expect(head()).not.toBe(first);
    expect(commits()).toBe(3);
    expect(execFileSync("git", ["rev-parse", `${BRANCH}~1`], { cwd: dir, encoding: "utf8" }).trim()).toBe(first);
  });
});
