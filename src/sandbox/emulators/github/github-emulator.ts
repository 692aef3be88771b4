// A local GitHub REST API (node:http only) for tests and the sandbox: the subset the post-mortem
// publisher calls — refs, the contents API, labels, issues and pull requests — in the shapes of
// GitHub's OpenAPI examples and octokit's recorded fixtures (test/fixtures/github). Like GitHub
// it wants `Authorization: token <t>` or `Bearer <t>`, answers 401 "Bad credentials" otherwise,
// 404 "Not Found" for a repository it does not hold, and sends the x-ratelimit-* headers.
// Every call is recorded, and failNext() scripts failures.
//
// Point octokit here with `new Octokit({ auth: emulator.token, baseUrl: emulator.url })`.
// octokit sends a `/` inside a path or ref parameter as %2F, so recorded paths and failNext
// patterns see `contents/postmortems%2Finc-42.md`: one segment, which `*` matches.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer, parseBody, patternMatcher, type RecordedCall } from "../http-kit.js";
import { commitFile, createRepo, headCommit, history, readFile, type Repo } from "./git-model.js";
import { route } from "./github-routes.js";
import { basicError, validationFailed, type Reply, type Urls } from "./github-shapes.js";

export type { RecordedCall };

export interface GithubEmulatorOptions {
  token?: string;
  /** Login of the token's user: author of commits, issues and pull requests. */
  login?: string;
  now?: () => Date;
  /** Base of html_url links (default https://github.com). */
  webUrl?: string;
}

export interface EmulatedCommit {
  sha: string;
  message: string;
  parents: string[];
}

export interface EmulatedPull {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  state: "open" | "closed";
  url: string;
}

export interface EmulatedIssue {
  number: number;
  title: string;
  body: string | null;
  labels: string[];
  state: "open" | "closed";
  url: string;
  assignees: string[];
}

/** `repo` arguments below are "owner/name", or a bare name when only one repository has it. */
export interface GithubEmulator {
  readonly url: string;
  readonly token: string;
  readonly calls: RecordedCall[];
  /** A repository whose default branch holds one commit (a README). */
  /** `push: false` gives the token read access only; `hasIssues: false` turns the repository's issues off. */
  addRepo(owner: string, name: string, options?: { defaultBranch?: string; push?: boolean; hasIssues?: boolean }): { fullName: string; defaultBranch: string; headSha: string };
  branches(repo: string): string[];
  /** The file's text at the tip of `branch`, or undefined. */
  file(repo: string, branch: string, path: string): string | undefined;
  /** Newest first, like `git log`; the initial commit included. */
  commits(repo: string, branch: string): EmulatedCommit[];
  pulls(repo: string): EmulatedPull[];
  issues(repo: string): EmulatedIssue[];
  labels(repo: string): string[];
  /** Someone else pushes: commits `content` at `path` on `branch` outside the API. */
  pushFile(repo: string, branch: string, path: string, content: string, message?: string): string;
  /** Closes a pull request, as a reviewer would. */
  closePull(repo: string, number: number): void;
  /** Makes `login` a collaborator: issues may then be assigned to them. */
  addCollaborator(repo: string, login: string): void;
  /** Closes or reopens an issue, as someone on GitHub would (no webhook is sent). */
  setIssueState(repo: string, number: number, state: "open" | "closed"): void;
  /** The next `times` requests matching `pattern` ("POST /repos/*\/*\/pulls" or a RegExp over "METHOD /path") fail with `status`. */
  failNext(pattern: string | RegExp, status: number, times?: number, body?: unknown): void;
  /** The next `times` matching requests are carried out, then the connection drops before the answer. */
  loseNextAnswer(pattern: string | RegExp, times?: number): void;
  close(): Promise<void>;
}

const stamp = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

export async function startGithubEmulator(options: GithubEmulatorOptions = {}): Promise<GithubEmulator> {
  const token = options.token ?? "ghp_emulator0000000000000000000000000000";
  const now = options.now ?? (() => new Date());
  const repos = new Map<string, Repo>();
  const failures: { match: (call: string) => boolean; reply: Reply; times: number }[] = [];
  const lostAnswers: { match: (call: string) => boolean; times: number }[] = [];
  const calls: RecordedCall[] = [];
  const urls: Urls = { api: "", web: (options.webUrl ?? "https://github.com").replace(/\/+$/, ""), login: options.login ?? "firebreak-bot" };
  let used = 0;

  const key = (owner: string, name: string) => `${owner}/${name}`.toLowerCase();
  const ctx = { urls, repo: (owner: string, name: string) => repos.get(key(owner, name)), now: () => stamp(now()) };

  function find(repo: string): Repo {
    const matches = repo.includes("/") ? [repos.get(repo.toLowerCase())] : [...repos.values()].filter((r) => r.name.toLowerCase() === repo.toLowerCase());
    const [found] = matches;
    if (!found || matches.length > 1) throw new Error(`the GitHub emulator holds no single repository "${repo}"`);
    return found;
  }

  function authorize(header: string | undefined): Reply | undefined {
    if (!header) return basicError(401, "Requires authentication");
    const [scheme, value] = header.split(/\s+/, 2);
    const ok = (scheme?.toLowerCase() === "token" || scheme?.toLowerCase() === "bearer") && value === token;
    return ok ? undefined : basicError(401, "Bad credentials");
  }

  function rateHeaders(remaining = 5000 - used, resetIn = 3600): Record<string, string> {
    return {
      "x-ratelimit-limit": "5000", "x-ratelimit-remaining": String(Math.max(remaining, 0)), "x-ratelimit-used": String(used),
      "x-ratelimit-reset": String(Math.floor(now().getTime() / 1000) + resetIn), "x-ratelimit-resource": "core",
      "x-github-media-type": "github.v3; format=json", "x-github-request-id": `0000:${String(calls.length).padStart(5, "0")}`,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", urls.api);
    const method = req.method ?? "GET";
    const query: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = parseBody(Buffer.concat(chunks).toString("utf8"));
    const failure = failures.find((f) => f.times > 0 && f.match(`${method} ${url.pathname}`));
    let reply = authorize(req.headers.authorization);
    if (!reply && failure) {
      failure.times -= 1;
      reply = failure.reply;
    }
    if (!reply) {
      used += 1;
      reply = route(ctx, method, url.pathname, url.searchParams, body);
    }
    calls.push({ method, path: url.pathname, query, headers: req.headers, body, status: reply.status });
    const lost = lostAnswers.find((l) => l.times > 0 && l.match(`${method} ${url.pathname}`));
    if (lost) {
      lost.times -= 1;
      res.socket?.destroy();
      return;
    }
    res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...rateHeaders(), ...reply.headers });
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ message: `Server Error: ${String(err)}` }));
    });
  });
  // Clients close idle connections first (see src/http/server.ts): no reset under a reused one.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  urls.api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function failureReply(status: number, body: unknown): Reply {
    if (body !== undefined) return { status, body };
    // GitHub's primary rate limit: remaining 0 and a reset (epoch seconds) the throttle plugin waits for.
    if (status === 429 || status === 403) {
      return { ...basicError(status, "API rate limit exceeded for user ID 1."), headers: rateHeaders(0, 1) };
    }
    if (status === 422) return validationFailed("https://docs.github.com/rest", { resource: "Emulated", code: "invalid", field: "emulated" });
    const messages: Record<number, string> = { 401: "Bad credentials", 404: "Not Found", 409: "Conflict" };
    return basicError(status, messages[status] ?? (status >= 500 ? "Server Error" : "Emulated failure"));
  }

  return {
    url: urls.api,
    token,
    calls,
    addRepo(owner, name, { defaultBranch = "main", push = true, hasIssues = true } = {}) {
      const repo = createRepo(repos.size + 1, owner, name, defaultBranch, stamp(now()));
      repo.canPush = push;
      repo.hasIssues = hasIssues;
      repos.set(key(owner, name), repo);
      return { fullName: `${owner}/${name}`, defaultBranch, headSha: repo.branches.get(defaultBranch) ?? "" };
    },
    branches: (repo) => [...find(repo).branches.keys()],
    file(repo, branch, path) {
      const r = find(repo);
      const head = headCommit(r, branch);
      return head ? readFile(r, head, path)?.content.toString("utf8") : undefined;
    },
    commits(repo, branch) {
      const r = find(repo);
      return history(r, r.branches.get(branch)).map((c) => ({ sha: c.sha, message: c.message, parents: [...c.parents] }));
    },
    pulls(repo) {
      const r = find(repo);
      return [...r.pulls.values()].map((p) => ({
        number: p.number, title: p.title, body: p.body, head: p.head, base: p.base, state: p.state,
        url: `${urls.web}/${r.owner}/${r.name}/pull/${p.number}`,
      }));
    },
    issues(repo) {
      const r = find(repo);
      return [...r.issues.values()].map((i) => ({
        number: i.number, title: i.title, body: i.body, labels: [...i.labels], state: i.state,
        url: `${urls.web}/${r.owner}/${r.name}/issues/${i.number}`, assignees: [...(i.assignees ?? [])],
      }));
    },
    labels: (repo) => [...find(repo).labels.values()].map((l) => l.name),
    pushFile(repo, branch, path, content, message = `Update ${path}`) {
      return commitFile(find(repo), branch, path, Buffer.from(content), message, stamp(now())).commit.sha;
    },
    closePull(repo, number) {
      const pull = find(repo).pulls.get(number);
      if (!pull) throw new Error(`no pull request #${number} in ${repo}`);
      pull.state = "closed";
    },
    addCollaborator(repo, login) {
      find(repo).collaborators.add(login);
    },
    setIssueState(repo, number, state) {
      const issue = find(repo).issues.get(number);
      if (!issue) throw new Error(`no issue #${number} in ${repo}`);
      if (issue.state === state) return;
      issue.state = state;
      issue.updatedAt = stamp(now());
      if (state === "closed") issue.closedAt = issue.updatedAt;
    },
    failNext(pattern, status, times = 1, body) {
      failures.push({ match: patternMatcher(pattern), reply: failureReply(status, body), times });
    },
    loseNextAnswer(pattern, times = 1) {
      lostAnswers.push({ match: patternMatcher(pattern), times });
    },
    close: () => closeServer(server),
  };
}
