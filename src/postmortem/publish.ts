// Publishes a post-mortem as a reviewed pull request: one branch, one file, one pull request, and
// one labelled issue per remediation. Every step first looks at what GitHub already holds, so a
// second call with the same input changes nothing and a call after edits updates in place. A
// call that failed halfway is finished by calling again: issues are reported through onIssue as
// each is created, and the caller passes their numbers back in so none is opened twice.
import { VendorError } from "../ports/vendor-error.js";
import { writeOnce, type WriteLedger } from "../jobs/write-ledger.js";
import type { PublishedIssue } from "../domain/postmortem.js";
import type { GithubPort, GithubPull } from "../ports/github.js";

export const POSTMORTEM_LABEL = "postmortem";

export interface RemediationIssue {
  followupId: number;
  title: string;
  body: string;
  /** The issue a previous publish opened for this follow-up: it is updated, not opened again. */
  issueNumber?: number;
  /** GitHub logins to assign a new issue to (an issue already open keeps whoever GitHub has). */
  assignees?: string[];
}

/** Text, or text rendered from the issues (so the document can link them in the same commit). */
export type Rendered = string | ((issues: readonly PublishedIssue[]) => string);

export interface PublishRequest {
  baseBranch: string;
  /** e.g. "postmortem/inc-42". */
  branch: string;
  /** Where the document lives in the repository, e.g. "postmortems/inc-42.md". */
  path: string;
  markdown: Rendered;
  /** Files committed beside the document before it (the chart's SVG), each only when it changed. */
  attachments?: { path: string; content: string; message: string }[];
  /** Pull request title and body. */
  title: string;
  body: Rendered;
  remediations: RemediationIssue[];
  commitMessage?: string;
  /**
   * Called as each issue is opened, before the next step. Persist the number here and pass it
   * back as `issueNumber`: a publish that fails later (say the pull request answers 500) is then
   * finished by calling again, without duplicate issues. If it throws, publishing stops there.
   */
  onIssue?: (followupId: number, issue: PublishedIssue) => void | Promise<void>;
  /**
   * The caller's record of creates sent without a known outcome (jobs/write-ledger.ts). GitHub
   * can open an issue and lose the answer; an issue sent before is looked for before it is sent
   * again. Without it, every create goes straight out.
   */
  writes?: WriteLedger;
}

export interface PublishResult {
  branch: string;
  pullRequest: { number: number; url: string };
  /** One per remediation, in request order. */
  issues: PublishedIssue[];
  created: { branch: boolean; commit: boolean; pull: boolean; issues: number };
}

export async function publishPostmortem(github: GithubPort, request: PublishRequest): Promise<PublishResult> {
  const fileUrl = `${await github.repositoryUrl()}/blob/${encodePath(request.branch)}/${encodePath(request.path)}`;
  const { issues, created: createdIssues } = await publishIssues(github, request, fileUrl);
  const render = (text: Rendered) => (typeof text === "string" ? text : text(issues));

  const createdBranch = await ensureBranch(github, request.branch, request.baseBranch);

  let committed = false;
  // Before the document, so the image it links is there in every commit that has the link.
  for (const attachment of request.attachments ?? []) {
    const existing = await github.getFile(attachment.path, request.branch);
    if (existing?.content === attachment.content) continue;
    const put = await github.putFile({ path: attachment.path, branch: request.branch, content: attachment.content, message: attachment.message, ...(existing && { sha: existing.sha }) });
    committed ||= put.committed;
  }

  const markdown = render(request.markdown);
  const current = await github.getFile(request.path, request.branch);
  if (current?.content !== markdown) {
    const message = request.commitMessage ?? `${current ? "Update" : "Add"} post-mortem: ${request.title}`;
    const put = await github.putFile({ path: request.path, branch: request.branch, content: markdown, message, ...(current && { sha: current.sha }) });
    committed ||= put.committed;
  }

  const body = render(request.body);
  const existing = await github.findOpenPull(request.branch);
  const { pull, created: createdPull } = existing
    ? { pull: existing, created: false }
    : await createPull(github, { title: request.title, head: request.branch, base: request.baseBranch, body });
  if (pull.title !== request.title || pull.body !== body) await github.updatePull(pull.number, { title: request.title, body });

  return {
    branch: request.branch,
    pullRequest: { number: pull.number, url: pull.url },
    issues,
    created: { branch: createdBranch, commit: committed, pull: createdPull, issues: createdIssues },
  };
}

async function publishIssues(github: GithubPort, request: PublishRequest, fileUrl: string): Promise<{ issues: PublishedIssue[]; created: number }> {
  const issues: PublishedIssue[] = [];
  let created = 0;
  if (request.remediations.length > 0) await github.ensureLabel(POSTMORTEM_LABEL);
  for (const remediation of request.remediations) {
    const content = { title: remediation.title, body: issueBody(remediation.body, request.path, fileUrl) };
    const updated = remediation.issueNumber === undefined ? undefined : await updateIssue(github, remediation.issueNumber, content);
    if (updated) {
      issues.push({ followupId: remediation.followupId, number: updated.number, url: updated.url });
      continue;
    }
    const create = () => github.createIssue({ ...content, labels: [POSTMORTEM_LABEL], ...(remediation.assignees?.length && { assignees: remediation.assignees }) });
    // GitHub's clock and ours may disagree; look a little before the first try.
    const look = (since: Date) => github.findIssue({ ...content, label: POSTMORTEM_LABEL, since: new Date(since.getTime() - 5 * 60_000) });
    const opened = request.writes ? await writeOnce(request.writes, `github.issue:${remediation.followupId}`, look, create) : await create();
    const issue: PublishedIssue = { followupId: remediation.followupId, number: opened.number, url: opened.url };
    created += 1;
    await request.onIssue?.(remediation.followupId, issue);
    issues.push(issue);
  }
  return { issues, created };
}

/** Updates the issue, or returns undefined when it is gone (deleted or transferred) so a new one is opened. */
async function updateIssue(github: GithubPort, number: number, content: { title: string; body: string }) {
  try {
    return await github.updateIssue(number, content);
  } catch (error) {
    if (error instanceof VendorError && (error.code === "not_found" || error.code === "http_410")) return undefined;
    throw error;
  }
}

export function issueBody(body: string, path: string, fileUrl: string): string {
  const link = `From the post-mortem [\`${path}\`](${fileUrl}).`;
  return body.trim() === "" ? link : `${body.trimEnd()}\n\n---\n${link}`;
}

/** True when this call created the branch. */
async function ensureBranch(github: GithubPort, branch: string, baseBranch: string): Promise<boolean> {
  if ((await github.getBranchSha(branch)) !== undefined) return false;
  const base = await github.getBranchSha(baseBranch);
  if (base === undefined) {
    throw new VendorError("github", "not_found", `GitHub has no branch "${baseBranch}" to start ${branch} from; set POSTMORTEM_BRANCH to the repository's base branch.`);
  }
  try {
    await github.createBranch(branch, base);
    return true;
  } catch (error) {
    // Another publish created it between our read and our write ("Reference already exists").
    if (error instanceof VendorError && error.code === "invalid" && (await github.getBranchSha(branch)) !== undefined) return false;
    throw error;
  }
}

async function createPull(github: GithubPort, pull: { title: string; head: string; base: string; body: string }): Promise<{ pull: GithubPull; created: boolean }> {
  try {
    return { pull: await github.createPull(pull), created: true };
  } catch (error) {
    // "A pull request already exists": another publish opened it after our lookup.
    const existing = error instanceof VendorError && error.code === "invalid" ? await github.findOpenPull(pull.head) : undefined;
    if (existing) return { pull: existing, created: false };
    throw error;
  }
}

const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");
