// The GitHub port over octokit, for publishing post-mortems. octokit's retry plugin retries 5xx
// and network failures a bounded number of times; its throttle plugin spaces writes as GitHub
// asks of integrations and waits out a rate limit only when the reset is near. Every failure
// becomes a VendorError("github", code) with one line an operator can act on.
// octokit is loaded on first use: it is one of the heaviest imports, and start-up (readiness on a
// restart or a rolling deploy) does not need it.
import type { Octokit, RequestError } from "octokit";
import type { Config } from "../kernel/config.js";
import { loadOnce } from "../kernel/load-once.js";
import { VendorError } from "../ports/vendor-error.js";
import type { GithubPort, GithubPull } from "../ports/github.js";

type GithubConfig = NonNullable<Config["github"]>;

export interface GithubLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface GithubClientOptions {
  /** Retries of a 5xx, timeout or network failure (default 2). */
  retries?: number;
  /** Base of the quadratic backoff between retries: waits base, 4×base, … (default 1000 ms). */
  retryDelayMs?: number;
  /** A rate limit resetting later than this fails at once instead of waiting (default 60 s). */
  maxRateLimitWaitSeconds?: number;
  /**
   * Serialise writes at least a second apart, as GitHub's best practices ask to avoid secondary
   * rate limits (default true). Tests against the emulator turn it off to stay fast.
   */
  throttle?: boolean;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  log?: GithubLog;
}

// 409 (a moved blob sha) is answered by refetching, not by sending the same request again.
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 451];

export function createGithub(config: GithubConfig, options: GithubClientOptions = {}): GithubPort {
  const { owner, repo } = config;
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const waitOnce = (retryAfter: number, request: { method: string; url: string }, octokit: Octokit, retryCount: number) => {
    const retry = retryCount < 1 && retryAfter <= maxWait;
    octokit.log.warn(`GitHub rate limit on ${request.method} ${request.url}: ${retry ? `retrying in ${retryAfter} s` : `resets in ${retryAfter} s, not waiting`}`);
    return retry;
  };
  const client = loadOnce(async () => {
    const { Octokit } = await import("octokit");
    return new Octokit({
    auth: config.token,
    baseUrl: config.apiUrl,
    ...(options.log && { log: options.log }),
    retry: { retries: options.retries ?? 2, retryAfterBaseValue: options.retryDelayMs ?? 1000, doNotRetry: DO_NOT_RETRY },
    throttle: options.throttle === false ? { enabled: false } : { onRateLimit: waitOnce, onSecondaryRateLimit: waitOnce },
    // A fresh timeout per attempt: a signal made once would stay aborted for the retries.
    request: { fetch: (url: string, init?: RequestInit) => fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) }) },
    });
  });

  const fail = (error: unknown, action: string) => toVendorError(error, action, config);
  const call = async <T>(action: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw fail(error, action);
    }
  };
  const statusOf = (error: unknown) => (isRequestError(error) && error.response ? error.status : undefined);
  const orUndefinedOn404 = async <T>(action: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw fail(error, action);
    }
  };
  const toPull = (p: { number: number; html_url: string; title: string; body: string | null }): GithubPull => ({
    number: p.number, url: p.html_url, title: p.title, body: p.body ?? "",
  });

  let repositoryUrl: string | undefined;
  const getFile: GithubPort["getFile"] = (path, ref) =>
    orUndefinedOn404(`read ${path} on ${ref}`, async () => {
      const { data } = await (await client()).rest.repos.getContent({ owner, repo, path, ref });
      if (Array.isArray(data) || data.type !== "file" || !("content" in data)) {
        throw new VendorError("github", "invalid", `${path} in ${owner}/${repo} is not a file; choose another post-mortem path.`);
      }
      // Files over 1 MB come without content; a post-mortem that large is a mistake worth stopping on.
      if (data.encoding !== "base64") throw new VendorError("github", "invalid", `${path} in ${owner}/${repo} is too large for the contents API.`);
      return { sha: data.sha, content: Buffer.from(data.content, "base64").toString("utf8") };
    });

  return {
    async repositoryUrl() {
      repositoryUrl ??= await call("read the repository", async () => (await (await client()).rest.repos.get({ owner, repo })).data.html_url);
      return repositoryUrl;
    },
    getBranchSha: (branch) =>
      orUndefinedOn404(`read branch ${branch}`, async () => (await (await client()).rest.git.getRef({ owner, repo, ref: `heads/${branch}` })).data.object.sha),
    createBranch: (name, sha) =>
      call(`create branch ${name}`, async () => {
        await (await client()).rest.git.createRef({ owner, repo, ref: `refs/heads/${name}`, sha });
      }),
    getFile,
    async putFile({ path, branch, content, message, sha }) {
      const action = `commit ${path} to ${branch}`;
      const put = async (blob: string | undefined) =>
        (await client()).rest.repos.createOrUpdateFileContents({
          owner, repo, path, branch, message, content: Buffer.from(content, "utf8").toString("base64"), ...(blob !== undefined && { sha: blob }),
        });
      try {
        await put(sha);
        return { committed: true };
      } catch (error) {
        // The blob moved (409), or the file appeared since we looked (422 "sha" wasn't supplied).
        const moved = statusOf(error) === 409 || (statusOf(error) === 422 && sha === undefined && /"sha"/.test(String((error as Error).message)));
        if (!moved) throw fail(error, action);
      }
      const current = await getFile(path, branch);
      if (current?.content === content) return { committed: false };
      await call(action, () => put(current?.sha));
      return { committed: true };
    },
    findOpenPull: (head) =>
      call(`find the pull request for ${head}`, async () => {
        const { data } = await (await client()).rest.pulls.list({ owner, repo, state: "open", head: `${owner}:${head}`, per_page: 10 });
        const [pull] = data;
        return pull ? toPull(pull) : undefined;
      }),
    createPull: (pull) => call(`open a pull request from ${pull.head}`, async () => toPull((await (await client()).rest.pulls.create({ owner, repo, ...pull })).data)),
    updatePull: (number, { title, body }) =>
      call(`update pull request #${number}`, async () => {
        await (await client()).rest.pulls.update({ owner, repo, pull_number: number, title, body });
      }),
    async ensureLabel(name) {
      const action = `create the ${name} label`;
      const exists = await orUndefinedOn404(action, async () => (await (await client()).rest.issues.getLabel({ owner, repo, name })).data);
      if (exists) return;
      try {
        await (await client()).rest.issues.createLabel({ owner, repo, name, color: "5319e7", description: "Follow-up from an incident post-mortem" });
      } catch (error) {
        if (!(statusOf(error) === 422 && validationCodes(error).includes("already_exists"))) throw fail(error, action);
      }
    },
    createIssue: ({ title, body, labels, assignees = [] }) =>
      call(`open issue "${title}"`, async () => {
        // Not retried: a 5xx on create can still have opened the issue, and a retry would open a second.
        const create = async (who: string[]) =>
          (await (await client()).rest.issues.create({ owner, repo, title, body, labels, ...(who.length > 0 && { assignees: who }), request: { retries: 0 } })).data;
        let data;
        try {
          data = await create(assignees);
        } catch (error) {
          // GitHub refuses a login it cannot assign (not a collaborator) with 422 on `assignees`,
          // and opens nothing: the issue is opened unassigned instead of not at all.
          if (!(assignees.length > 0 && statusOf(error) === 422 && validationFields(error).includes("assignees"))) throw error;
          data = await create([]);
        }
        return { number: data.number, url: data.html_url, assignees: (data.assignees ?? []).map((a) => a.login) };
      }),
    findIssue: ({ title, body, label, since }) =>
      call(`look for the issue "${title}"`, async () => {
        // Pull requests are issues too in this listing; they carry `pull_request`.
        for (let page = 1; ; page++) {
          const { data } = await (await client()).rest.issues.listForRepo({ owner, repo, labels: label, state: "all", since: since.toISOString(), per_page: 100, page });
          const found = data.find((i) => !i.pull_request && i.title === title && (i.body ?? "") === body);
          if (found) return { number: found.number, url: found.html_url };
          if (data.length < 100) return undefined;
        }
      }),
    getIssue: (number) =>
      orUndefinedOn404(`read issue #${number}`, async () => {
        const { data } = await (await client()).rest.issues.get({ owner, repo, issue_number: number });
        return {
          number: data.number,
          state: data.state === "closed" ? ("closed" as const) : ("open" as const),
          updatedAt: new Date(data.updated_at),
          closedAt: data.closed_at ? new Date(data.closed_at) : null,
          assignees: (data.assignees ?? []).map((a) => a.login),
        };
      }),
    setIssueState: (number, state) =>
      call(`${state === "closed" ? "close" : "reopen"} issue #${number}`, async () => {
        await (await client()).rest.issues.update({ owner, repo, issue_number: number, state });
      }),
    updateIssue: (number, { title, body }) =>
      call(`update issue #${number}`, async () => {
        const { data } = await (await client()).rest.issues.update({ owner, repo, issue_number: number, title, body });
        return { number: data.number, url: data.html_url };
      }),
  };
}

/** octokit's RequestError, recognised without loading octokit (it names itself HttpError). */
function isRequestError(error: unknown): error is RequestError {
  return error instanceof Error && error.name === "HttpError" && typeof (error as { status?: unknown }).status === "number";
}

function validationFields(error: unknown): string[] {
  const data = isRequestError(error) ? (error.response?.data as { errors?: { field?: unknown }[] } | undefined) : undefined;
  return (data?.errors ?? []).map((e) => String(e.field));
}

function validationCodes(error: unknown): string[] {
  const data = isRequestError(error) ? (error.response?.data as { errors?: { code?: unknown }[] } | undefined) : undefined;
  return (data?.errors ?? []).map((e) => String(e.code));
}

/** GitHub's message plus its validation errors, without the documentation link. */
function detailOf(data: unknown): string {
  if (typeof data === "string") return data;
  const body = data as { message?: unknown; errors?: { message?: unknown; code?: unknown; field?: unknown }[] } | undefined;
  const errors = (body?.errors ?? []).map((e) => (e.message ? String(e.message) : [e.field, e.code].filter(Boolean).join(" ")));
  return [body?.message ? String(body.message) : undefined, ...errors].filter(Boolean).join(": ");
}

export function toVendorError(error: unknown, action: string, config: GithubConfig): VendorError {
  if (error instanceof VendorError) return error;
  const where = `${config.owner}/${config.repo}`;
  const scrub = (text: string) => text.replace(/\s+/g, " ").trim().split(config.token).join("[redacted]");
  const make = (code: string, message: string) => new VendorError("github", code, scrub(message), { cause: error });
  if (!(isRequestError(error)) || !error.response) {
    const reason = error instanceof Error ? error.message : String(error);
    return make("unreachable", `Could not reach GitHub at ${config.apiUrl} to ${action}: ${reason}. Check GITHUB_API_URL and the network.`);
  }
  const status = error.status;
  const detail = detailOf(error.response.data);
  const headers = error.response.headers;
  if (status === 429 || (status === 403 && (headers["x-ratelimit-remaining"] === "0" || /rate limit/i.test(detail)))) {
    const reset = Number(headers["x-ratelimit-reset"]);
    const when = Number.isFinite(reset) && reset > 0 ? ` It resets at ${new Date(reset * 1000).toISOString()}.` : "";
    return make("rate_limited", `GitHub's rate limit stopped Firebreak from trying to ${action} in ${where}.${when} Publish again after that.`);
  }
  switch (status) {
    case 401:
      return make("unauthorized", `GitHub rejected the token when Firebreak tried to ${action} (401 ${detail}). Set GITHUB_TOKEN to a valid, unexpired token.`);
    case 403:
      return make("http_403", `GitHub refused to let Firebreak ${action} in ${where} (403 ${detail}). The token needs write access to contents, pull requests and issues there.`);
    case 404:
      return make("not_found", `GitHub answered 404 when Firebreak tried to ${action} in ${where}: the repository or branch may not exist, or the token may not be allowed to see it. Check POSTMORTEM_REPO, POSTMORTEM_BRANCH and the token's repository access.`);
    case 409:
      return make("conflict", `GitHub reported a conflict when Firebreak tried to ${action} in ${where} (${detail}). Someone changed it at the same time; publish again.`);
    case 422:
      return make("invalid", `GitHub refused to ${action} in ${where} (422 ${detail}).`);
    default:
      return make(`http_${status}`, `GitHub answered ${status} when Firebreak tried to ${action} in ${where}${detail ? ` (${detail})` : ""}. Publish again later.`);
  }
}
