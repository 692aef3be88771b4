// Publishing a post-mortem through the real octokit adapter against the local GitHub emulator:
// what the first publish creates, that publishing again creates nothing, that edits land on the
// same branch and pull request, and that a publish which failed halfway is finished by the next.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGithub } from "../../src/adapters/github.js";
import { startGithubEmulator, type GithubEmulator } from "../../src/sandbox/emulators/github/github-emulator.js";
import { VendorError } from "../../src/ports/vendor-error.js";
import type { PublishedIssue } from "../../src/domain/postmortem.js";
import { publishPostmortem, type PublishRequest } from "../../src/postmortem/publish.js";
import { type GithubPort } from "../../src/ports/github.js";

const REPO = "acme/postmortems";
const BRANCH = "postmortem/inc-42";
const PATH = "postmortems/2026-03-08-inc-42.md";
const FILE_URL = `https://github.com/${REPO}/blob/${BRANCH}/${PATH}`;

describe("publishing a post-mortem to GitHub", () => {
  let gh: GithubEmulator;
  let github: GithubPort;
  let stored: Map<number, number>;

  const connect = (overrides: { token?: string; repo?: string } = {}) =>
    createGithub(
      { token: overrides.token ?? gh.token, apiUrl: gh.url, owner: "acme", repo: overrides.repo ?? "postmortems", baseBranch: "main" },
      // One quick retry and no write spacing: the emulator needs neither backoff nor pacing.
      { retries: 1, retryDelayMs: 1, throttle: false },
    );

  // Plays the caller: keeps each issue number onIssue reports and passes it back next time.
  const request = (overrides: Partial<PublishRequest> = {}): PublishRequest => {
    const base: PublishRequest = {
      baseBranch: "main",
      branch: BRANCH,
      path: PATH,
      markdown: "# INC-42: Checkout outage\n\nCheckout failed for 14 minutes.\n",
      title: "Post-mortem: INC-42 Checkout outage",
      body: "The post-mortem of INC-42, for review.",
      remediations: [
        { followupId: 1, title: "Alert on checkout p99 latency", body: "Page when p99 > 2 s for 5 minutes." },
        { followupId: 2, title: "Load-test the payment gateway", body: "" },
      ],
      onIssue: (followupId, issue) => void stored.set(followupId, issue.number),
      ...overrides,
    };
    return { ...base, remediations: base.remediations.map((r) => ({ ...r, ...(stored.has(r.followupId) && { issueNumber: stored.get(r.followupId) }) })) };
  };
  const rejection = (publish: Promise<unknown>) =>
    publish.then(() => expect.unreachable("the publish should have failed"), (error: unknown) => error as VendorError);
  const writesSince = (mark: number) => gh.calls.slice(mark).filter((c) => c.method !== "GET").map((c) => `${c.method} ${decodeURIComponent(c.path)}`);

  beforeEach(async () => {
    gh = await startGithubEmulator({ token: "ghp_s3cretTokenValue0000000000000000000000" });
    gh.addRepo("acme", "postmortems", { defaultBranch: "main" });
    github = connect();
    stored = new Map();
  });
  afterEach(() => gh.close());

  it("creates the branch, one commit of the file, one pull request and one labelled issue per remediation", async () => {
    const result = await publishPostmortem(github, request());

    expect(result.created).toEqual({ branch: true, commit: true, pull: true, issues: 2 });
    expect(gh.branches(REPO).sort()).toEqual(["main", BRANCH]);
    const commits = gh.commits(REPO, BRANCH);
    expect(commits).toHaveLength(2);
    expect(commits[0]?.message).toBe("Add post-mortem: Post-mortem: INC-42 Checkout outage");
    expect(gh.file(REPO, BRANCH, PATH)).toBe(request().markdown);
    expect(gh.file(REPO, "main", PATH)).toBeUndefined();

    const [pull] = gh.pulls(REPO);
    expect(gh.pulls(REPO)).toHaveLength(1);
    expect(pull).toMatchObject({ head: BRANCH, base: "main", title: "Post-mortem: INC-42 Checkout outage", body: "The post-mortem of INC-42, for review.", state: "open" });
    expect(result.pullRequest).toEqual({ number: pull?.number, url: `https://github.com/${REPO}/pull/${pull?.number}` });

    const issues = gh.issues(REPO);
    expect(issues.map((i) => [i.title, i.labels])).toEqual([
      ["Alert on checkout p99 latency", ["postmortem"]],
      ["Load-test the payment gateway", ["postmortem"]],
    ]);
    expect(issues[0]?.body).toBe(`Page when p99 > 2 s for 5 minutes.\n\n---\nFrom the post-mortem [\`${PATH}\`](${FILE_URL}).`);
    expect(issues[1]?.body).toBe(`From the post-mortem [\`${PATH}\`](${FILE_URL}).`);
    expect(result.issues).toEqual(issues.map((i, n) => ({ followupId: n + 1, number: i.number, url: i.url })));
    expect([...stored]).toEqual(issues.map((i, n) => [n + 1, i.number]));
    expect(gh.labels(REPO)).toEqual(["postmortem"]);

    const ref = gh.calls.find((c) => c.method === "POST" && c.path.endsWith("/git/refs"));
    expect(ref?.body).toEqual({ ref: `refs/heads/${BRANCH}`, sha: gh.commits(REPO, "main")[0]?.sha });
    const put = gh.calls.find((c) => c.method === "PUT");
    expect(Buffer.from((put?.body as { content: string }).content, "base64").toString("utf8")).toBe(request().markdown);
    expect(put?.headers.authorization).toBe(`token ${gh.token}`);
  });

  it("creates nothing when published again with the same content", async () => {
    await publishPostmortem(github, request());
    const mark = gh.calls.length;
    const again = await publishPostmortem(github, request());

    expect(again.created).toEqual({ branch: false, commit: false, pull: false, issues: 0 });
    // Issue texts are rewritten in place (PATCH); nothing is created, committed or reopened.
    expect(writesSince(mark).filter((w) => !/^PATCH \/repos\/acme\/postmortems\/issues\/\d+$/.test(w))).toEqual([]);
    expect(gh.commits(REPO, BRANCH)).toHaveLength(2);
    expect(gh.pulls(REPO)).toHaveLength(1);
    expect(gh.issues(REPO)).toHaveLength(2);
  });

  it("adds exactly one commit and updates the pull request when the post-mortem was edited", async () => {
    const first = await publishPostmortem(github, request());
    const edited = await publishPostmortem(github, request({ markdown: "# INC-42: Checkout outage\n\nRoot cause: an expired certificate.\n", body: "Updated after review." }));

    expect(edited.created).toEqual({ branch: false, commit: true, pull: false, issues: 0 });
    expect(gh.commits(REPO, BRANCH).map((c) => c.message)).toEqual([
      "Update post-mortem: Post-mortem: INC-42 Checkout outage", "Add post-mortem: Post-mortem: INC-42 Checkout outage", "Initial commit",
    ]);
    expect(gh.file(REPO, BRANCH, PATH)).toContain("expired certificate");
    expect(edited.pullRequest).toEqual(first.pullRequest);
    expect(gh.pulls(REPO).map((p) => p.body)).toEqual(["Updated after review."]);
    expect(gh.issues(REPO)).toHaveLength(2);
  });

  it("opens exactly one issue for a remediation added since the last publish", async () => {
    await publishPostmortem(github, request());
    const remediations = [...request().remediations, { followupId: 3, title: "Rotate certificates automatically", body: "Use the cert manager." }];
    const result = await publishPostmortem(github, request({ remediations }));

    expect(result.created.issues).toBe(1);
    expect(gh.issues(REPO).map((i) => i.title)).toEqual(["Alert on checkout p99 latency", "Load-test the payment gateway", "Rotate certificates automatically"]);
    expect(result.issues.map((i) => i.followupId)).toEqual([1, 2, 3]);
    expect(stored.get(3)).toBe(gh.issues(REPO)[2]?.number);
    expect(gh.calls.filter((c) => c.method === "POST" && c.path.endsWith("/labels"))).toHaveLength(1);
  });

  it("links the issues from the document in the same commit when the markdown is rendered from them", async () => {
    const markdown = (issues: readonly PublishedIssue[]) => `# INC-42\n\n${issues.map((i) => `- [#${i.number}](${i.url})`).join("\n")}\n`;
    const result = await publishPostmortem(github, request({ markdown }));

    expect(gh.commits(REPO, BRANCH)).toHaveLength(2);
    expect(gh.file(REPO, BRANCH, PATH)).toBe(`# INC-42\n\n- [#1](https://github.com/${REPO}/issues/1)\n- [#2](https://github.com/${REPO}/issues/2)\n`);
    expect(result.issues.map((i) => i.number)).toEqual([1, 2]);
    expect((await publishPostmortem(github, request({ markdown }))).created.commit).toBe(false);
  });

  it("recovers from a 409 on the file: refetches the blob sha and commits once", async () => {
    await publishPostmortem(github, request());
    gh.failNext("PUT /repos/acme/postmortems/contents/*", 409);
    const result = await publishPostmortem(github, request({ markdown: "# INC-42\n\nSecond draft.\n" }));
    expect(result.created.commit).toBe(true);
    expect(gh.calls.filter((c) => c.method === "PUT").map((c) => c.status)).toEqual([201, 409, 200]);
    expect(gh.commits(REPO, BRANCH)).toHaveLength(3);

    // A real stale sha: someone pushed after we read the file.
    const stale = await github.getFile(PATH, BRANCH);
    gh.pushFile(REPO, BRANCH, PATH, "# INC-42\n\nA reviewer's edit.\n");
    await expect(github.putFile({ path: PATH, branch: BRANCH, content: "# INC-42\n\nThird draft.\n", message: "Third", sha: stale?.sha })).resolves.toEqual({ committed: true });
    expect(gh.file(REPO, BRANCH, PATH)).toBe("# INC-42\n\nThird draft.\n");
    expect(gh.calls.filter((c) => c.method === "PUT").map((c) => c.status).slice(-2)).toEqual([409, 200]);

    // Someone pushed exactly our text: nothing left to commit.
    const before = gh.commits(REPO, BRANCH).length;
    const current = await github.getFile(PATH, BRANCH);
    gh.pushFile(REPO, BRANCH, PATH, "# INC-42\n\nFourth draft.\n");
    await expect(github.putFile({ path: PATH, branch: BRANCH, content: "# INC-42\n\nFourth draft.\n", message: "Fourth", sha: current?.sha })).resolves.toEqual({ committed: false });
    expect(gh.commits(REPO, BRANCH)).toHaveLength(before + 1);
  });

  it("finishes a publish whose pull request failed, without duplicating issues", async () => {
    gh.failNext("POST /repos/acme/postmortems/pulls", 500, 2);
    const failed = await rejection(publishPostmortem(github, request()));
    expect(failed).toBeInstanceOf(VendorError);
    expect(failed).toMatchObject({ vendor: "github", code: "http_500" });
    expect(gh.issues(REPO)).toHaveLength(2);
    expect(gh.pulls(REPO)).toHaveLength(0);

    const finished = await publishPostmortem(github, request());
    expect(finished.created).toEqual({ branch: false, commit: false, pull: true, issues: 0 });
    expect(gh.issues(REPO)).toHaveLength(2);
    expect(gh.pulls(REPO)).toHaveLength(1);
    expect(gh.commits(REPO, BRANCH)).toHaveLength(2);
  });

  it("retries a single 500 on its own, and treats a branch or pull request created meanwhile as its own", async () => {
    gh.failNext("POST /repos/acme/postmortems/pulls", 500, 1);
    expect((await publishPostmortem(github, request())).created.pull).toBe(true);

    gh.addRepo("acme", "racy");
    const racy = connect({ repo: "racy" });
    await publishPostmortem(racy, request({ remediations: [] }));
    // The lookups miss what another publish just made; the writes then answer 422.
    gh.failNext("GET /repos/acme/racy/git/ref/*", 404);
    gh.failNext("GET /repos/acme/racy/pulls", 200, 1, []);
    const again = await publishPostmortem(racy, request({ remediations: [], body: "Edited." }));
    expect(again.created).toEqual({ branch: false, commit: false, pull: false, issues: 0 });
    expect(gh.calls.filter((c) => c.path.startsWith("/repos/acme/racy") && c.status === 422).map((c) => c.method)).toEqual(["POST", "POST"]);
    expect(gh.pulls("acme/racy").map((p) => p.body)).toEqual(["Edited."]);
  });

  it("names the problem without the token: a bad token, a missing repository, a missing base branch", async () => {
    const badToken = "ghp_wrongToken111111111111111111111111111";
    const unauthorized = await rejection(publishPostmortem(connect({ token: badToken }), request()));
    expect(unauthorized).toMatchObject({ vendor: "github", code: "unauthorized" });
    expect(unauthorized.message).toMatch(/rejected the token.*Bad credentials.*GITHUB_TOKEN/);
    expect(gh.calls.at(-1)?.status).toBe(401);

    const missing = await rejection(publishPostmortem(connect({ repo: "nope" }), request()));
    expect(missing).toMatchObject({ vendor: "github", code: "not_found" });
    expect(missing.message).toContain("acme/nope: the repository or branch may not exist, or the token may not be allowed to see it");

    const noBase = await rejection(publishPostmortem(github, request({ baseBranch: "trunk", remediations: [] })));
    expect(noBase).toMatchObject({ code: "not_found", message: expect.stringContaining('no branch "trunk"') });

    for (const error of [unauthorized, missing, noBase]) {
      expect(error.message).not.toContain(gh.token);
      expect(error.message).not.toContain(badToken);
      expect(error.message).not.toContain("\n");
    }
  });

  it("answers in GitHub's shapes: Bearer or token auth, error bodies, fully qualified refs", async () => {
    const api = (method: string, path: string, body?: unknown, auth = `Bearer ${gh.token}`) =>
      fetch(`${gh.url}${path}`, { method, headers: { authorization: auth }, ...(body !== undefined && { body: JSON.stringify(body) }) })
        .then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown>, remaining: r.headers.get("x-ratelimit-remaining") }));
    const main = gh.commits(REPO, "main")[0]?.sha;

    expect(await api("GET", `/repos/${REPO}`, undefined, "token nope")).toMatchObject({ status: 401, body: { message: "Bad credentials", documentation_url: expect.any(String) } });
    expect(await api("GET", "/repos/acme/elsewhere")).toMatchObject({ status: 404, body: { message: "Not Found" } });
    expect(await api("GET", `/repos/${REPO}/git/ref/heads/main`)).toMatchObject({ status: 200, body: { ref: "refs/heads/main", object: { sha: main, type: "commit" } } });
    expect(await api("POST", `/repos/${REPO}/git/refs`, { ref: "heads/x", sha: main })).toMatchObject({ status: 422 });
    expect(await api("POST", `/repos/${REPO}/git/refs`, { ref: "refs/heads/main", sha: main })).toMatchObject({ status: 422, body: { message: "Reference already exists" } });
    await api("POST", `/repos/${REPO}/labels`, { name: "postmortem" });
    expect(await api("POST", `/repos/${REPO}/labels`, { name: "Postmortem" })).toMatchObject({
      status: 422, body: { message: "Validation Failed", errors: [{ resource: "Label", code: "already_exists", field: "name" }] },
    });

    const created = await api("PUT", `/repos/${REPO}/contents/notes.md`, { message: "add", content: Buffer.from("hello\n").toString("base64") });
    // git hash-object of "hello\n".
    expect(created).toMatchObject({ status: 201, body: { content: { sha: "ce013625030ba8dba906f756967f9e9ca394464a" }, commit: { parents: [{ sha: main }] } } });
    expect(await api("PUT", `/repos/${REPO}/contents/notes.md`, { message: "again", content: "aGk=" })).toMatchObject({ status: 422 });
    expect(await api("PUT", `/repos/${REPO}/contents/notes.md`, { message: "stale", content: "aGk=", sha: main })).toMatchObject({
      status: 409, body: { message: `notes.md does not match ${main}` },
    });
    expect(await api("GET", `/repos/${REPO}/contents/notes.md`)).toMatchObject({ status: 200, body: { encoding: "base64", content: "aGVsbG8K\n", type: "file" } });
    expect((await api("GET", `/repos/${REPO}`)).remaining).toMatch(/^\d+$/);
  });
});
