// Publishing in the sandbox goes to the local GitHub stand-in; this mirrors its branches into a
// real git repository folder, so the result can be read with any git tool.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { GithubEmulator } from "../emulators/github/github-emulator.js";

const run = promisify(execFile);
const git = (dir: string, ...args: string[]) =>
  run("git", args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: "Firebreak", GIT_AUTHOR_EMAIL: "firebreak@acme.test", GIT_COMMITTER_NAME: "Firebreak", GIT_COMMITTER_EMAIL: "firebreak@acme.test" } });

export async function mirrorToGit(github: GithubEmulator, repo: string, dir: string): Promise<void> {
  if (!existsSync(join(dir, ".git"))) {
    mkdirSync(dir, { recursive: true });
    await git(dir, "init", "-q", "-b", "main");
    await git(dir, "commit", "-q", "--allow-empty", "-m", "Initial commit");
  }
  // Every file Firebreak wrote went through the contents API; those paths are what to mirror.
  const paths = [...new Set(github.calls.filter((c) => c.method === "PUT" && c.path.includes("/contents/")).map((c) => decodeURIComponent(c.path.split("/contents/")[1]!.split("?")[0]!)))];
  for (const branch of github.branches(repo).filter((b) => b !== "main")) {
    await git(dir, "checkout", "-q", "-B", branch, "main");
    let changed = false;
    for (const path of paths) {
      const content = github.file(repo, branch, path);
      if (content === undefined) continue;
      const target = join(dir, path);
      if (existsSync(target) && readFileSync(target, "utf8") === content) continue;
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
      await git(dir, "add", path);
      changed = true;
    }
    if (changed) await git(dir, "commit", "-q", "-m", github.commits(repo, branch)[0]?.message ?? "Post-mortem");
    await git(dir, "checkout", "-q", "main");
  }
}

export async function readRepository(dir: string): Promise<{ branch: string; lastCommit: string; files: { path: string; content: string }[] }[]> {
  if (!existsSync(join(dir, ".git"))) return [];
  const branches = (await git(dir, "branch", "--format=%(refname:short)")).stdout.split("\n").filter((b) => b && b !== "main");
  return Promise.all(
    branches.map(async (branch) => {
      const lastCommit = (await git(dir, "log", "-1", "--format=%h %s", branch)).stdout.trim();
      const paths = (await git(dir, "ls-tree", "-r", "--name-only", branch)).stdout.split("\n").filter(Boolean);
      const files = await Promise.all(paths.map(async (path) => ({ path, content: (await git(dir, "show", `${branch}:${path}`)).stdout })));
      return { branch, lastCommit, files };
    }),
  );
}
