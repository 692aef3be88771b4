// Publishing runs as a durable job: a crash or a GitHub failure part-way through is resumed by
// publishing again, which finds the branch, the pull request and the issues already created
// (their numbers are saved as each one is made) and creates nothing twice.
import { z } from "zod";
import { humanId } from "../domain/incident.js";
import { VendorError } from "../ports/vendor-error.js";
import { syncPagerduty } from "../incidents/lifecycle/side-effects.js";
import { postOnce } from "../incidents/post-once.js";
import { enqueueBookmarks } from "../incidents/channel-bookmarks.js";
import { answerPerson } from "../incidents/answer-person.js";
import type { JobContext } from "../jobs/job-runner.js";
import { draftPostmortem } from "../views/postmortem/draft.js";
import { postmortemRecord, recordSources, type PostmortemDeps } from "./postmortem-flows.js";
import { publishPostmortem } from "./publish.js";
import { remediationIssue } from "./remediation-issue.js";
import { measureIncident } from "./measure-incident.js";
import { type GithubPort } from "../ports/github.js";
import { validateWith } from "../kernel/parse-json.js";

const payloadSchema = z.object({ incidentId: z.number().int(), userId: z.string() });

export function publishPostmortemJob(deps: PostmortemDeps, github: GithubPort) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { incidentId, userId } = validateWith(payloadSchema, payload, "a post-mortem publish job's payload");
    const incident = await deps.store.incidents.get(incidentId);
    if (!incident || !deps.github) return;
    // Figures measured when it was drafted are kept; a post-mortem published without a preview is measured now.
    await measureIncident(deps, incident);
    // The committed document lives in the pull request; linking to itself would change it on every publish.
    const { pullRequestUrl: _self, ...record } = await postmortemRecord(recordSources(deps), incident);
    const known = await deps.store.lifecycle.followupIssueNumbers(incident.id);
    const draftWith = (issues: readonly { followupId: number; url: string }[]) =>
      draftPostmortem({ ...record, followups: record.followups.map((f) => ({ ...f, issueUrl: issues.find((i) => i.followupId === f.id)?.url ?? f.issueUrl })) }, deps.postmortemTemplate);
    const first = draftWith([]);
    // Long after the click, there is no response_url: in the channel if they are in it, else a DM.
    const tell = (text: string) => answerPerson(deps, { userId, channelId: incident.channelId }, text);
    let result;
    try {
      result = await publishPostmortem(github, {
        baseBranch: deps.github.baseBranch,
        branch: `postmortem/${humanId(incident).toLowerCase()}`,
        path: first.filename,
        title: first.title,
        markdown: (issues) => draftWith(issues).markdown,
        ...(first.chart && { attachments: [{ path: first.chart.filename, content: first.chart.svg, message: `Chart for ${humanId(incident)}'s post-mortem` }] }),
        body: `Post-mortem of ${humanId(incident)} (${incident.severity}): ${incident.title}.\n\nDrafted by Firebreak from the incident's timeline; edit it here or in Slack before merging.`,
        commitMessage: `Post-mortem for ${humanId(incident)}`,
        remediations: record.followups.map((f) => remediationIssue(f, { incident, names: record.names, people: deps.people ?? {}, issueNumber: known[f.id] })),
        onIssue: (followupId, issue) => deps.store.lifecycle.setFollowupIssue(followupId, issue),
        writes: context.writes,
      });
    } catch (error) {
      // GitHub may have done the write whose answer was lost: the job tries again, and looks first.
      if (error instanceof VendorError && outcomeUnknown(error)) {
        context.log.warn({ err: error, incidentId }, "GitHub did not answer; publishing again");
        if (context.job.attempts === 1) await tell(`:hourglass: GitHub did not answer while publishing ${humanId(incident)}'s post-mortem; Firebreak keeps trying.`);
        throw error;
      }
      // The draft stays as it is; the person is told what to fix, and Publish can be pressed again.
      const reason = error instanceof VendorError ? explain(error, deps.github) : "an unexpected error; the details are in Firebreak's log";
      context.log.warn({ err: error, incidentId }, "publishing the post-mortem failed");
      await tell(`:warning: ${humanId(incident)}'s post-mortem was not published: ${reason}. The draft is kept; press Publish again once that is fixed.`);
      return;
    }
    const now = deps.now();
    const wasPublished = (await deps.store.postmortems.get(incident.id)).prUrl !== null;
    await deps.store.transaction(async (tx) => {
      await tx.postmortems.setPublished(incident.id, { branch: result.branch, prNumber: result.pullRequest.number, prUrl: result.pullRequest.url, at: now });
      await tx.timeline.append({ incidentId: incident.id, eventAt: now, kind: "postmortem", actor: userId, text: `Post-mortem ${wasPublished ? "updated" : "published"} by <@${userId}>: ${result.pullRequest.url}` });
      if (!wasPublished) {
        await syncPagerduty(tx, deps, incident, { kind: "annotated", content: `Post-mortem for ${humanId(incident)}: ${result.pullRequest.url}` }, `postmortem:${result.pullRequest.number}`, now);
        if (incident.channelId) await enqueueBookmarks(tx.jobs, incident.id, "postmortem", now);
      }
    });
    deps.nudge();
    if (incident.channelId) {
      const issues = result.created.issues > 0 ? `, ${result.created.issues} remediation issue${result.created.issues === 1 ? "" : "s"} opened` : "";
      await postOnce(deps, context.writes, incident.channelId, {
        text: `:memo: Post-mortem ${wasPublished ? "updated" : "published for review"}: ${result.pullRequest.url}${issues}`,
        tag: { incident: incident.id, part: `postmortem:${context.job.id}` },
      });
    }
  };
}

/** A failure after which GitHub may or may not have done the write: no answer, or a 5xx. */
const outcomeUnknown = (error: VendorError) => error.code === "unreachable" || /^http_5\d\d$/.test(error.code);

function explain(error: VendorError, repo: NonNullable<PostmortemDeps["github"]>): string {
  switch (error.code) {
    case "unauthorized":
      return "GitHub refused the token (401); check GITHUB_TOKEN (it needs contents, pull requests and issues write access)";
    case "not_found":
      return `GitHub has no repository ${repo.owner}/${repo.repo} or branch ${repo.baseBranch} that this token can see (404); check POSTMORTEM_REPO and POSTMORTEM_BRANCH`;
    default:
      return `GitHub said: ${error.message}`;
  }
}
