// GitHub: can the token see POSTMORTEM_REPO, push a branch to it and open issues in it?
// GET /repos/{owner}/{repo} answers the caller's `permissions` and whether the repository has
// issues on (`has_issues`) (https://docs.github.com/rest/repos/repos#get-a-repository); a
// repository the token cannot see is a 404, a bad token a 401.
import type { Config } from "../kernel/config.js";
import { describeAnswer, failed, getJson, passed, type CheckLine, type Fetch } from "./doctor-check.js";

type GithubConfig = NonNullable<Config["github"]>;

export async function checkGithub(config: GithubConfig, fetchFn: Fetch = fetch): Promise<CheckLine[]> {
  const repo = `${config.owner}/${config.repo}`;
  const url = `${config.apiUrl}/repos/${encodeURIComponent(config.owner)}/${encodeURIComponent(config.repo)}`;
  const answer = await getJson(fetchFn, url, { authorization: `Bearer ${config.token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" });
  if (answer.status === 401) return [failed("GitHub refused GITHUB_TOKEN (Bad credentials)", "create a token with Contents, Pull requests and Issues write access to the repository and set GITHUB_TOKEN")];
  if (answer.status === 404) return [failed(`GitHub shows GITHUB_TOKEN no repository ${repo}`, `check POSTMORTEM_REPO, and give the token access to ${repo} (a fine-grained token lists its repositories)`)];
  if (answer.status !== 200) return [failed(`GitHub could not be asked about ${repo}: ${describeAnswer(answer, url)}`, "check GITHUB_API_URL and the network path to GitHub")];
  const body = answer.body as { permissions?: { push?: unknown }; has_issues?: unknown };
  const lines: CheckLine[] = [];
  lines.push(
    body.permissions?.push === true
      ? passed(`GitHub: GITHUB_TOKEN can push to ${repo}`)
      : failed(`GitHub: GITHUB_TOKEN can read ${repo} but not push to it, so post-mortem pull requests cannot be opened`, `give the token write access to ${repo} (Contents and Pull requests: read and write)`),
  );
  lines.push(
    body.has_issues === false
      ? failed(`GitHub: ${repo} has issues turned off, so follow-ups cannot become issues`, `turn on Issues in ${repo}'s Settings → General → Features`)
      : passed(`GitHub: ${repo} has issues on for follow-ups`),
  );
  return lines;
}
