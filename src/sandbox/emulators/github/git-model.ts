// The repository state behind the GitHub emulator: branches pointing at commits, commits holding
// whole trees (path -> blob sha), and the issues, pull requests and labels GitHub keeps beside
// them. Blob shas are computed as git computes them, so a client comparing shas sees real ones.
import { createHash } from "node:crypto";

export interface Commit {
  sha: string;
  treeSha: string;
  tree: ReadonlyMap<string, string>;
  parents: string[];
  message: string;
  date: string;
}

export interface Label {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface Issue {
  number: number;
  title: string;
  body: string | null;
  labels: string[];
  state: "open" | "closed";
  createdAt: string;
  updatedAt: string;
  assignees?: string[];
  closedAt?: string | null;
}

export interface Pull extends Omit<Issue, "labels" | "assignees" | "closedAt"> {
  head: string;
  base: string;
}

export interface Repo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  branches: Map<string, string>;
  commits: Map<string, Commit>;
  blobs: Map<string, Buffer>;
  labels: Map<string, Label>;
  issues: Map<number, Issue>;
  pulls: Map<number, Pull>;
  /** Issues and pull requests share one number sequence on GitHub. */
  nextNumber: number;
  /** The token's `permissions.push` on this repository. */
  canPush: boolean;
  /** `has_issues`: whether the repository has its Issues feature on. */
  hasIssues: boolean;
  /** Logins issues may be assigned to besides the owner: its collaborators. */
  collaborators: Set<string>;
}

const sha1 = (data: string | Buffer) => createHash("sha1").update(data).digest("hex");

/** `git hash-object`: the sha of "blob <size>\0<content>". */
export function blobSha(content: Buffer): string {
  return sha1(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]));
}

let commitCounter = 0;

function makeCommit(tree: Map<string, string>, parents: string[], message: string, date: string): Commit {
  const treeSha = sha1([...tree].sort(([a], [b]) => a.localeCompare(b)).map(([p, s]) => `${s} ${p}`).join("\n"));
  // The counter keeps two identical commits made in the same second apart, as real timestamps would.
  const sha = sha1(`tree ${treeSha}\n${parents.map((p) => `parent ${p}\n`).join("")}${date}\n${commitCounter++}\n\n${message}`);
  return { sha, treeSha, tree, parents, message, date };
}

export function createRepo(id: number, owner: string, name: string, defaultBranch: string, date: string): Repo {
  const repo: Repo = {
    id, owner, name, defaultBranch,
    branches: new Map(), commits: new Map(), blobs: new Map(), labels: new Map(), issues: new Map(), pulls: new Map(),
    nextNumber: 1, canPush: true, hasIssues: true, collaborators: new Set(),
  };
  const readme = Buffer.from(`# ${name}\n`);
  const readmeSha = blobSha(readme);
  repo.blobs.set(readmeSha, readme);
  const initial = makeCommit(new Map([["README.md", readmeSha]]), [], "Initial commit", date);
  repo.commits.set(initial.sha, initial);
  repo.branches.set(defaultBranch, initial.sha);
  return repo;
}

export function headCommit(repo: Repo, branch: string): Commit | undefined {
  const sha = repo.branches.get(branch);
  return sha === undefined ? undefined : repo.commits.get(sha);
}

export function readFile(repo: Repo, commit: Commit, path: string): { sha: string; content: Buffer } | undefined {
  const sha = commit.tree.get(path);
  const content = sha === undefined ? undefined : repo.blobs.get(sha);
  return sha === undefined || content === undefined ? undefined : { sha, content };
}

/** Commits `content` at `path` on top of `branch` and moves the branch; the caller checked it exists. */
export function commitFile(repo: Repo, branch: string, path: string, content: Buffer, message: string, date: string): { commit: Commit; blob: string } {
  const parent = headCommit(repo, branch);
  if (!parent) throw new Error(`no branch ${branch} in ${repo.owner}/${repo.name}`);
  const blob = blobSha(content);
  repo.blobs.set(blob, content);
  const commit = makeCommit(new Map([...parent.tree, [path, blob]]), [parent.sha], message, date);
  repo.commits.set(commit.sha, commit);
  repo.branches.set(branch, commit.sha);
  return { commit, blob };
}

/** Commits reachable from `sha`, newest first (one parent each here, so this is `git log`). */
export function history(repo: Repo, sha: string | undefined): Commit[] {
  const out: Commit[] = [];
  for (let commit = sha ? repo.commits.get(sha) : undefined; commit; commit = repo.commits.get(commit.parents[0] ?? "")) {
    out.push(commit);
  }
  return out;
}

/** Whether `head` has commits `base` lacks: GitHub refuses a pull request without any. */
export function hasCommitsBeyond(repo: Repo, head: string, base: string): boolean {
  const baseSha = repo.branches.get(base);
  const headSha = repo.branches.get(head);
  return headSha !== undefined && !history(repo, baseSha).some((c) => c.sha === headSha);
}
