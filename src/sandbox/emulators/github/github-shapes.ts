// JSON the GitHub emulator answers with, in the shapes of GitHub's OpenAPI examples and the
// recorded octokit fixtures (test/fixtures/github). Fields Firebreak never reads are kept where
// they are cheap, so a client that validates responses sees what GitHub sends.
import type { Commit, Issue, Label, Pull, Repo } from "./git-model.js";

export interface Urls {
  api: string;
  web: string;
  login: string;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

const DOCS = "https://docs.github.com/rest";

/** GitHub's basic-error body; recent responses repeat the status as a string. */
export function basicError(status: number, message: string, docs = DOCS): Reply {
  return { status, body: { message, documentation_url: docs, status: String(status) } };
}

/** GitHub's validation-error body (see octokit-fixtures/errors.POST.labels.422.json). */
export function validationFailed(docs: string, ...errors: Record<string, string>[]): Reply {
  return { status: 422, body: { message: "Validation Failed", errors, documentation_url: docs, status: "422" } };
}

export const docs = {
  repo: `${DOCS}/repos/repos#get-a-repository`,
  getRef: `${DOCS}/git/refs#get-a-reference`,
  ref: `${DOCS}/git/refs#create-a-reference`,
  getContent: `${DOCS}/repos/contents#get-repository-content`,
  contents: `${DOCS}/repos/contents#create-or-update-file-contents`,
  label: `${DOCS}/issues/labels#create-a-label`,
  getLabel: `${DOCS}/issues/labels#get-a-label`,
  issue: `${DOCS}/issues/issues#create-an-issue`,
  getIssue: `${DOCS}/issues/issues#get-an-issue`,
  pull: `${DOCS}/pulls/pulls#create-a-pull-request`,
  getPull: `${DOCS}/pulls/pulls#get-a-pull-request`,
};

const nodeId = (kind: string, id: number | string) => Buffer.from(`0:${kind}${id}`).toString("base64");

export function userJson(urls: Urls, login = urls.login) {
  const id = login === urls.login ? 1 : 1000 + [...login].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1_000_000, 0);
  return {
    login, id, node_id: nodeId("User", id), avatar_url: `${urls.web}/images/error/${login}.gif`,
    gravatar_id: "", url: `${urls.api}/users/${login}`, html_url: `${urls.web}/${login}`, type: "User", site_admin: false,
  };
}

const repoPath = (repo: Repo) => `${repo.owner}/${repo.name}`;

export function repoJson(urls: Urls, repo: Repo) {
  return {
    id: repo.id, node_id: nodeId("Repository", repo.id), name: repo.name, full_name: repoPath(repo), private: true,
    owner: { ...userJson(urls), login: repo.owner, url: `${urls.api}/users/${repo.owner}`, html_url: `${urls.web}/${repo.owner}` },
    html_url: `${urls.web}/${repoPath(repo)}`, url: `${urls.api}/repos/${repoPath(repo)}`, fork: false,
    default_branch: repo.defaultBranch, has_issues: repo.hasIssues,
    permissions: { admin: false, maintain: false, push: repo.canPush, triage: repo.canPush, pull: true },
  };
}

export function refJson(urls: Urls, repo: Repo, branch: string, sha: string) {
  const api = `${urls.api}/repos/${repoPath(repo)}`;
  return {
    ref: `refs/heads/${branch}`, node_id: nodeId("Ref", branch), url: `${api}/git/refs/heads/${branch}`,
    object: { sha, type: "commit", url: `${api}/git/commits/${sha}` },
  };
}

function contentLinks(urls: Urls, repo: Repo, path: string, sha: string, branch: string) {
  const api = `${urls.api}/repos/${repoPath(repo)}`;
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(branch)}`;
  const html = `${urls.web}/${repoPath(repo)}/blob/${branch}/${path}`;
  const git = `${api}/git/blobs/${sha}`;
  return {
    name: path.split("/").at(-1) ?? path, path, sha, url: self, html_url: html, git_url: git,
    download_url: `https://raw.githubusercontent.com/${repoPath(repo)}/${branch}/${path}`, type: "file",
    _links: { self, git, html },
  };
}

/** GET /contents: base64 broken into 60-character lines, as GitHub sends it. */
export function fileJson(urls: Urls, repo: Repo, path: string, sha: string, content: Buffer, branch: string) {
  const base64 = content.toString("base64").replace(/.{60}/g, "$&\n");
  return { ...contentLinks(urls, repo, path, sha, branch), size: content.length, encoding: "base64", content: base64.endsWith("\n") ? base64 : `${base64}\n` };
}

/** PUT /contents: `{ content, commit }` (see the create-file fixture). */
export function putFileJson(urls: Urls, repo: Repo, path: string, blob: string, size: number, branch: string, commit: Commit) {
  const api = `${urls.api}/repos/${repoPath(repo)}`;
  const web = `${urls.web}/${repoPath(repo)}`;
  const person = { name: urls.login, email: `${urls.login}@users.noreply.github.com`, date: commit.date };
  return {
    content: { ...contentLinks(urls, repo, path, blob, branch), size },
    commit: {
      sha: commit.sha, node_id: nodeId("Commit", commit.sha), url: `${api}/git/commits/${commit.sha}`, html_url: `${web}/commit/${commit.sha}`,
      author: person, committer: person, message: commit.message,
      tree: { sha: commit.treeSha, url: `${api}/git/trees/${commit.treeSha}` },
      parents: commit.parents.map((sha) => ({ sha, url: `${api}/git/commits/${sha}`, html_url: `${web}/commit/${sha}` })),
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
  };
}

export function labelJson(urls: Urls, repo: Repo, label: Label) {
  return {
    id: label.id, node_id: nodeId("Label", label.id), url: `${urls.api}/repos/${repoPath(repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name, color: label.color, default: false, description: label.description,
  };
}

function issueCommon(urls: Urls, repo: Repo, item: Issue | Pull, kind: "issues" | "pull") {
  const api = `${urls.api}/repos/${repoPath(repo)}`;
  return {
    id: repo.id * 100_000 + item.number, node_id: nodeId(kind, item.number), number: item.number, state: item.state,
    locked: false, title: item.title, body: item.body, user: userJson(urls),
    html_url: `${urls.web}/${repoPath(repo)}/${kind}/${item.number}`,
    comments_url: `${api}/issues/${item.number}/comments`,
    assignee: null, assignees: [], milestone: null, active_lock_reason: null,
    created_at: item.createdAt, updated_at: item.updatedAt, closed_at: null, author_association: "OWNER",
  };
}

export function issueJson(urls: Urls, repo: Repo, issue: Issue) {
  const api = `${urls.api}/repos/${repoPath(repo)}`;
  return {
    ...issueCommon(urls, repo, issue, "issues"),
    url: `${api}/issues/${issue.number}`, repository_url: api,
    labels_url: `${api}/issues/${issue.number}/labels{/name}`, events_url: `${api}/issues/${issue.number}/events`,
    labels: issue.labels.flatMap((name) => {
      const label = repo.labels.get(name.toLowerCase());
      return label ? [labelJson(urls, repo, label)] : [];
    }),
    assignee: issue.assignees?.[0] ? userJson(urls, issue.assignees[0]) : null,
    assignees: (issue.assignees ?? []).map((login) => userJson(urls, login)),
    closed_at: issue.closedAt ?? null,
    comments: 0, closed_by: null, state_reason: issue.state === "closed" ? "completed" : null,
  };
}

export function pullJson(urls: Urls, repo: Repo, pull: Pull) {
  const api = `${urls.api}/repos/${repoPath(repo)}`;
  const html = `${urls.web}/${repoPath(repo)}/pull/${pull.number}`;
  const side = (branch: string) => ({
    label: `${repo.owner}:${branch}`, ref: branch, sha: repo.branches.get(branch) ?? "", user: userJson(urls), repo: repoJson(urls, repo),
  });
  return {
    ...issueCommon(urls, repo, pull, "pull"),
    url: `${api}/pulls/${pull.number}`, diff_url: `${html}.diff`, patch_url: `${html}.patch`, issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${api}/pulls/${pull.number}/commits`, review_comments_url: `${api}/pulls/${pull.number}/comments`,
    labels: [], merged_at: null, merge_commit_sha: null, requested_reviewers: [], requested_teams: [],
    head: side(pull.head), base: side(pull.base),
    _links: { self: { href: `${api}/pulls/${pull.number}` }, html: { href: html }, issue: { href: `${api}/issues/${pull.number}` } },
    auto_merge: null, draft: false, merged: false, mergeable: null, mergeable_state: "unknown", merged_by: null,
  };
}
