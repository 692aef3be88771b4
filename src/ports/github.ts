// What publishing a post-mortem needs from GitHub: a branch, a file, a pull request and issues,
// each readable before it is written. src/adapters/github.ts implements it over octokit.

export interface GithubPull {
  number: number;
  url: string;
  title: string;
  body: string;
}

export interface GithubPort {
  /** Web address of the repository (https://github.com/owner/name). */
  repositoryUrl(): Promise<string>;
  /** The commit `branch` points at, or undefined when there is no such branch. */
  getBranchSha(branch: string): Promise<string | undefined>;
  /** Creates refs/heads/<name> at `sha`; an existing branch is a VendorError "invalid". */
  createBranch(name: string, sha: string): Promise<void>;
  /** The file's text and blob sha at `ref`, or undefined when it is not there. */
  getFile(path: string, ref: string): Promise<{ sha: string; content: string } | undefined>;
  /**
   * Commits `content` (creating the file when `sha` is absent). When the blob moved meanwhile
   * (409) it refetches and retries once; `committed` is false when the file already held `content`.
   */
  putFile(file: { path: string; branch: string; content: string; message: string; sha?: string }): Promise<{ committed: boolean }>;
  findOpenPull(head: string): Promise<GithubPull | undefined>;
  createPull(pull: { title: string; head: string; base: string; body: string }): Promise<GithubPull>;
  updatePull(number: number, changes: { title: string; body: string }): Promise<void>;
  /** Creates the label unless it exists. */
  ensureLabel(name: string): Promise<void>;
  /**
   * Opens an issue. `assignees` GitHub cannot assign (not collaborators) are left off rather than
   * failing the issue; `assignees` in the answer says who it was assigned to.
   */
  createIssue(issue: { title: string; body: string; labels: string[]; assignees?: string[] }): Promise<{ number: number; url: string; assignees?: string[] }>;
  /** An issue with exactly this title and body, carrying `label`, updated since `since`: one an earlier create may have opened. */
  findIssue(query: { title: string; body: string; label: string; since: Date }): Promise<{ number: number; url: string } | undefined>;
  updateIssue(number: number, changes: { title: string; body: string }): Promise<{ number: number; url: string }>;
  /** The issue's state as GitHub holds it, or undefined when it is gone (deleted, or transferred away). */
  getIssue(number: number): Promise<GithubIssueState | undefined>;
  setIssueState(number: number, state: "open" | "closed"): Promise<void>;
}

export interface GithubIssueState {
  number: number;
  state: "open" | "closed";
  updatedAt: Date;
  closedAt: Date | null;
  assignees: string[];
}
