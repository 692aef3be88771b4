// The GitHub REST subset Firebreak's post-mortem publisher calls, with GitHub's refusals: a 409
// for a stale blob sha, 422 for an existing ref or label, a missing field or a duplicate pull
// request, 404 for a repository, branch or file that is not there.
import {
  commitFile, hasCommitsBeyond, headCommit, readFile,
  type Issue, type Pull, type Repo,
} from "./git-model.js";
import {
  basicError, docs, fileJson, issueJson, labelJson, pullJson, putFileJson, refJson, repoJson, validationFailed,
  type Reply, type Urls,
} from "./github-shapes.js";

export interface RouteContext {
  urls: Urls;
  repo(owner: string, name: string): Repo | undefined;
  now(): string;
}

type Body = Record<string, unknown>;
type Query = URLSearchParams;

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;

export function route(ctx: RouteContext, method: string, rawPath: string, query: Query, rawBody: unknown): Reply {
  // octokit sends `/` inside a path or ref parameter as %2F; GitHub reads both forms alike.
  const parts = rawPath.split("/").slice(1).map((p) => decodeURIComponent(p));
  if (parts[0] !== "repos" || parts.length < 3) return basicError(404, "Not Found");
  const repo = ctx.repo(parts[1] ?? "", parts[2] ?? "");
  if (!repo) return basicError(404, "Not Found", docs.repo);
  const [resource, ...rest] = parts.slice(3);
  const tail = rest.join("/");
  const body: Body = typeof rawBody === "object" && rawBody !== null ? (rawBody as Body) : {};
  const call = `${method} ${resource ?? ""}${rest.length ? "/:x" : ""}`;
  switch (call) {
    case "GET ": return { status: 200, body: repoJson(ctx.urls, repo) };
    case "GET git/:x": return getRef(ctx, repo, tail);
    case "POST git/:x": return tail === "refs" ? createRef(ctx, repo, body) : basicError(404, "Not Found");
    case "GET contents/:x": return getFile(ctx, repo, tail, query.get("ref") ?? repo.defaultBranch);
    case "PUT contents/:x": return putFile(ctx, repo, tail, body);
    case "GET labels/:x": {
      const label = repo.labels.get(tail.toLowerCase());
      return label ? { status: 200, body: labelJson(ctx.urls, repo, label) } : basicError(404, "Not Found", docs.getLabel);
    }
    case "POST labels": return createLabel(ctx, repo, body);
    case "GET issues": return { status: 200, body: listIssues(repo, query).map((i) => issueJson(ctx.urls, repo, i)) };
    // "Create an issue": 410 Gone when the repository has issues turned off
    // (https://docs.github.com/rest/issues/issues#create-an-issue).
    case "POST issues": return repo.hasIssues ? createIssue(ctx, repo, body) : basicError(410, "Issues are disabled for this repo");
    case "GET issues/:x":
    case "PATCH issues/:x": return issue(ctx, repo, Number(tail), method === "PATCH" ? body : undefined);
    case "GET pulls": return { status: 200, body: listPulls(repo, query).map((p) => pullJson(ctx.urls, repo, p)) };
    case "POST pulls": return createPull(ctx, repo, body);
    case "GET pulls/:x":
    case "PATCH pulls/:x": return pull(ctx, repo, Number(tail), method === "PATCH" ? body : undefined);
    default: return basicError(404, "Not Found");
  }
}

function getRef(ctx: RouteContext, repo: Repo, tail: string): Reply {
  // GET /git/ref/heads/x (the documented form) and the older /git/refs/heads/x.
  const branch = /^refs?\/heads\/(.+)$/.exec(tail)?.[1];
  const sha = branch === undefined ? undefined : repo.branches.get(branch);
  return branch !== undefined && sha !== undefined ? { status: 200, body: refJson(ctx.urls, repo, branch, sha) } : basicError(404, "Not Found", docs.getRef);
}

function createRef(ctx: RouteContext, repo: Repo, body: Body): Reply {
  const [ref, sha] = [str(body.ref), str(body.sha)];
  if (ref === undefined) return basicError(422, "Invalid request.\n\n\"ref\" wasn't supplied.", docs.ref);
  if (sha === undefined) return basicError(422, "Invalid request.\n\n\"sha\" wasn't supplied.", docs.ref);
  // "If it doesn't start with 'refs' and have at least two slashes, it will be rejected."
  if (!ref.startsWith("refs/") || ref.split("/").length < 3) return basicError(422, "Reference name must contain at least three slash-separated components.", docs.ref);
  if (!ref.startsWith("refs/heads/")) return basicError(422, `${ref} is not a valid ref name.`, docs.ref);
  if (!repo.commits.has(sha)) return basicError(422, "Object does not exist", docs.ref);
  const branch = ref.slice("refs/heads/".length);
  if (repo.branches.has(branch)) return basicError(422, "Reference already exists", docs.ref);
  repo.branches.set(branch, sha);
  const json = refJson(ctx.urls, repo, branch, sha);
  return { status: 201, body: json, headers: { location: json.url } };
}

function getFile(ctx: RouteContext, repo: Repo, path: string, ref: string): Reply {
  const commit = headCommit(repo, ref) ?? repo.commits.get(ref);
  if (!commit) return basicError(404, `No commit found for the ref ${ref}`, docs.getContent);
  const file = readFile(repo, commit, path);
  return file ? { status: 200, body: fileJson(ctx.urls, repo, path, file.sha, file.content, ref) } : basicError(404, "Not Found", docs.getContent);
}

function putFile(ctx: RouteContext, repo: Repo, path: string, body: Body): Reply {
  for (const field of ["message", "content"]) {
    if (str(body[field]) === undefined) return basicError(422, `Invalid request.\n\n"${field}" wasn't supplied.`, docs.contents);
  }
  const content = str(body.content) ?? "";
  if (!BASE64.test(content)) return basicError(422, "content is not valid Base64", docs.contents);
  const branch = str(body.branch) ?? repo.defaultBranch;
  const head = headCommit(repo, branch);
  if (!head) return basicError(404, `Branch ${branch} not found`, docs.contents);
  const existing = readFile(repo, head, path);
  const sha = str(body.sha);
  if (existing && sha === undefined) return basicError(422, "Invalid request.\n\n\"sha\" wasn't supplied.", docs.contents);
  if (existing && sha !== existing.sha) return basicError(409, `${path} does not match ${sha}`, docs.contents);
  const bytes = Buffer.from(content, "base64");
  const { commit, blob } = commitFile(repo, branch, path, bytes, str(body.message) ?? "", ctx.now());
  return { status: existing ? 200 : 201, body: putFileJson(ctx.urls, repo, path, blob, bytes.length, branch, commit) };
}

function createLabel(ctx: RouteContext, repo: Repo, body: Body): Reply {
  const name = str(body.name)?.trim();
  if (!name) return validationFailed(docs.label, { resource: "Label", code: "missing_field", field: "name" });
  const color = (str(body.color) ?? "ededed").replace(/^#/, "");
  if (!/^[0-9a-fA-F]{6}$/.test(color)) return validationFailed(docs.label, { resource: "Label", code: "invalid", field: "color" });
  if (repo.labels.has(name.toLowerCase())) return validationFailed(docs.label, { resource: "Label", code: "already_exists", field: "name" });
  const label = { id: repo.id * 1000 + repo.labels.size + 1, name, color, description: str(body.description) ?? null };
  repo.labels.set(name.toLowerCase(), label);
  return { status: 201, body: labelJson(ctx.urls, repo, label) };
}

function labelNames(ctx: RouteContext, repo: Repo, labels: unknown): string[] {
  const names = Array.isArray(labels) ? labels.map((l) => str(l) ?? str((l as Body | null)?.name)).filter((n): n is string => Boolean(n)) : [];
  // GitHub creates a label named on an issue when the caller may push, instead of refusing it.
  for (const name of names) if (!repo.labels.has(name.toLowerCase())) createLabel(ctx, repo, { name });
  return names.map((n) => repo.labels.get(n.toLowerCase())?.name ?? n);
}

function createIssue(ctx: RouteContext, repo: Repo, body: Body): Reply {
  const title = str(body.title) ?? (typeof body.title === "number" ? String(body.title) : undefined);
  if (!title?.trim()) return validationFailed(docs.issue, { resource: "Issue", code: "missing_field", field: "title" });
  const assignees = Array.isArray(body.assignees) ? body.assignees.filter((a): a is string => typeof a === "string") : [];
  // "Only users with push access can set assignees for new issues. Assignees are silently dropped
  // otherwise." (https://docs.github.com/rest/issues/issues#create-an-issue). A login that cannot
  // be assigned (neither the owner nor a collaborator: "Check if a user can be assigned",
  // https://docs.github.com/rest/issues/assignees#check-if-a-user-can-be-assigned) is refused
  // with 422 on `assignees`, and no issue is opened, as GitHub answers
  // (recorded in https://github.com/buildo/gh-issue-mover/issues/9).
  if (repo.canPush) {
    const refused = assignees.find((login) => !assignable(repo, login));
    if (refused !== undefined) return validationFailed(docs.issue, { value: refused, resource: "Issue", field: "assignees", code: "invalid" });
  }
  const at = ctx.now();
  const issue: Issue = {
    number: repo.nextNumber++, title, body: str(body.body) ?? null, labels: labelNames(ctx, repo, body.labels),
    state: "open", createdAt: at, updatedAt: at, assignees: repo.canPush ? [...new Set(assignees)] : [], closedAt: null,
  };
  repo.issues.set(issue.number, issue);
  const json = issueJson(ctx.urls, repo, issue);
  return { status: 201, body: json, headers: { location: json.url } };
}

/**
 * GET /repos/{owner}/{repo}/issues: `labels` (all of them), `state` (default open), `since`
 * (updated at or after), newest first, `per_page` (max 100) and `page`
 * (https://docs.github.com/rest/issues/issues#list-repository-issues).
 */
function listIssues(repo: Repo, query: Query): Issue[] {
  const labels = (query.get("labels") ?? "").split(",").map((l) => l.trim().toLowerCase()).filter(Boolean);
  const state = query.get("state") ?? "open";
  const since = query.get("since");
  const perPage = Math.min(Number(query.get("per_page")) || 30, 100);
  const page = Math.max(Number(query.get("page")) || 1, 1);
  return [...repo.issues.values()]
    .filter((i) => state === "all" || i.state === state)
    .filter((i) => labels.every((l) => i.labels.some((name) => name.toLowerCase() === l)))
    .filter((i) => !since || Date.parse(i.updatedAt) >= Date.parse(since))
    .sort((a, b) => b.number - a.number)
    .slice((page - 1) * perPage, page * perPage);
}

function issue(ctx: RouteContext, repo: Repo, number: number, patch: Body | undefined): Reply {
  const found = repo.issues.get(number);
  if (!found) return basicError(404, "Not Found", docs.getIssue);
  if (patch) {
    if (patch.title !== undefined && !str(patch.title)?.trim()) return validationFailed(docs.issue, { resource: "Issue", code: "missing_field", field: "title" });
    applyEdits(ctx, found, patch);
    if (patch.labels !== undefined) found.labels = labelNames(ctx, repo, patch.labels);
  }
  return { status: 200, body: issueJson(ctx.urls, repo, found) };
}

function applyEdits(ctx: RouteContext, item: Issue | Pull, patch: Body): void {
  if (str(patch.title) !== undefined) item.title = str(patch.title) ?? item.title;
  if (patch.body !== undefined) item.body = str(patch.body) ?? null;
  if ((patch.state === "open" || patch.state === "closed") && patch.state !== item.state) {
    item.state = patch.state;
    if ("labels" in item) item.closedAt = patch.state === "closed" ? ctx.now() : item.closedAt ?? null;
  }
  item.updatedAt = ctx.now();
}

const assignable = (repo: Repo, login: string) => login.toLowerCase() === repo.owner.toLowerCase() || [...repo.collaborators].some((c) => c.toLowerCase() === login.toLowerCase());

/** Branch of a `head` given as "owner:branch" (or plain, for a branch of this repository). */
function headBranch(repo: Repo, head: string): string | undefined {
  const colon = head.indexOf(":");
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? head.slice(colon + 1) : undefined;
}

function listPulls(repo: Repo, query: Query): Pull[] {
  const state = query.get("state") ?? "open";
  const head = query.get("head");
  const base = query.get("base");
  const perPage = Math.min(Number(query.get("per_page") ?? 30) || 30, 100);
  return [...repo.pulls.values()]
    .filter((p) => state === "all" || p.state === state)
    // GitHub reads `head` only as user:ref-name; a bare branch name filters nothing.
    .filter((p) => !head?.includes(":") || headBranch(repo, head) === p.head)
    .filter((p) => !base || p.base === base)
    .sort((a, b) => b.number - a.number)
    .slice(0, perPage);
}

function createPull(ctx: RouteContext, repo: Repo, body: Body): Reply {
  const [title, head, base] = [str(body.title), str(body.head), str(body.base)];
  for (const [field, value] of [["title", title], ["head", head], ["base", base]] as const) {
    if (!value?.trim()) return validationFailed(docs.pull, { resource: "PullRequest", code: "missing_field", field });
  }
  const branch = headBranch(repo, head ?? "");
  if (branch === undefined || !repo.branches.has(branch)) return validationFailed(docs.pull, { resource: "PullRequest", field: "head", code: "invalid" });
  if (!repo.branches.has(base ?? "")) return validationFailed(docs.pull, { resource: "PullRequest", field: "base", code: "invalid" });
  if ([...repo.pulls.values()].some((p) => p.state === "open" && p.head === branch && p.base === base)) {
    return validationFailed(docs.pull, { resource: "PullRequest", code: "custom", message: `A pull request already exists for ${repo.owner}:${branch}.` });
  }
  if (!hasCommitsBeyond(repo, branch, base ?? "")) {
    return validationFailed(docs.pull, { resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${branch}` });
  }
  const at = ctx.now();
  const created: Pull = { number: repo.nextNumber++, title: title ?? "", body: str(body.body) ?? null, head: branch, base: base ?? "", state: "open", createdAt: at, updatedAt: at };
  repo.pulls.set(created.number, created);
  const json = pullJson(ctx.urls, repo, created);
  return { status: 201, body: json, headers: { location: json.url } };
}

function pull(ctx: RouteContext, repo: Repo, number: number, patch: Body | undefined): Reply {
  const found = repo.pulls.get(number);
  if (!found) return basicError(404, "Not Found", docs.getPull);
  if (patch) applyEdits(ctx, found, patch);
  return { status: 200, body: pullJson(ctx.urls, repo, found) };
}
