// Publishing in the sandbox goes to the local GitHub stand-in; this mirrors its branches into a
// real git repository folder, so the result can be read with any git tool.
//
// A branch is committed only when the stand-in's branch has moved (a Publish pushed to it), never
// because someone looked: the page reads the folder with `readRepository` alone, so its commit
// SHAs stay put however often it refreshes.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { GithubEmulator } from "../emulators/github/github-emulator.js";

const run = promisify(execFile);
const git = (dir: string, ...args: string[]) =>
  run("git", args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: "Firebreak", GIT_AUTHOR_EMAIL: "firebreak@acme.test", GIT_COMMITTER_NAME: "Firebreak", GIT_COMMITTER_EMAIL: "firebreak@acme.test" } });

export interface RepositoryBranch {
  branch: string;
  lastCommit: string;
  files: { path: string; content: string }[];
}

/** Mirrors `repo` from the GitHub stand-in into `dir`; call `sync()` whenever it may have moved. */
export function createRepositoryMirror(github: GithubEmulator, repo: string, dir: string) {
  // The stand-in's head commit of each branch, as last mirrored: an unchanged head is no commit.
  const mirrored = new Map<string, string>();
  let queue: Promise<unknown> = Promise.resolve();

  async function mirror(): Promise<void> {
    const moved = github.branches(repo).filter((b) => b !== "main" && github.commits(repo, b)[0]?.sha !== mirrored.get(b));
    if (moved.length === 0) return;
    if (!existsSync(join(dir, ".git"))) {
      mkdirSync(dir, { recursive: true });
      await git(dir, "init", "-q", "-b", "main");
      await git(dir, "commit", "-q", "--allow-empty", "-m", "Initial commit");
    }
    // Every file Firebreak wrote went through the contents API; those paths are what to mirror.
    const paths = [...new Set(github.calls.filter((c) => c.method === "PUT" && c.path.includes("/contents/")).map((c) => decodeURIComponent(c.path.split("/contents/")[1]!.split("?")[0]!)))];
    const local = new Set((await git(dir, "branch", "--format=%(refname:short)")).stdout.split("\n").filter(Boolean));
    for (const branch of moved) {
      const head = github.commits(repo, branch)[0];
      // A branch seen before continues from its own tip: publishing again is one more commit on it.
      await git(dir, "checkout", "-q", ...(local.has(branch) ? [branch] : ["-b", branch, "main"]));
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
      if (changed) await git(dir, "commit", "-q", "-m", head?.message ?? "Post-mortem");
      await git(dir, "checkout", "-q", "main");
      if (head) mirrored.set(branch, head.sha);
    }
  }

  return {
    /** Commits what a Publish pushed since the last call; nothing when nothing moved. One at a time. */
    sync(): Promise<void> {
      const next = queue.catch(() => undefined).then(mirror);
      queue = next;
      return next;
    },
  };
}

/** The branches of the mirror with their files and last commit. Reads only. */
export async function readRepository(dir: string): Promise<RepositoryBranch[]> {
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
