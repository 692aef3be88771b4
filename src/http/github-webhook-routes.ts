// POST /webhooks/github: follow-up state read back from the post-mortem repository's issues,
// shaped as the other webhooks (webhook-routes.ts): verify X-Hub-Signature-256 on the raw body,
// parse, record the delivery and its job in one statement, answer 202; the follow-up changes when
// the job runs, from the database. GitHub does not redeliver a failed delivery by itself
// (https://docs.github.com/webhooks/using-webhooks/handling-failed-webhook-deliveries), so what a
// 503 or a lost delivery misses, the periodic reconcile (incidents/lifecycle/followup-jobs.ts)
// reads from GitHub instead.
import type { Config } from "../kernel/config.js";
import { CodedError } from "../kernel/errors.js";
import { GITHUB_DELIVERY_JOB } from "../incidents/delivery-jobs.js";
import { parseGithubIssuesBody, TRACKED_ISSUE_ACTIONS } from "../sources/github.js";
import { verifyGithubSignature } from "./github-signature.js";
import type { HttpResponse, Routes } from "./server.js";
import { storable } from "./storable.js";
import { accept, header, off, type WebhookDeps } from "./webhook-routes.js";

export interface GithubWebhookDeps extends Omit<WebhookDeps, "config"> {
  config: Pick<Config, "github">;
}

const ignored = (reason: string): HttpResponse => ({ status: 202, body: { ok: true, ignored: reason } });

export function githubWebhookRoutes(deps: GithubWebhookDeps): Routes {
  const github = deps.config.github;
  const secret = github?.webhookSecret;
  return {
    "/webhooks/github": {
      POST:
        github && secret
          ? async (req) => {
              const raw = await req.body();
              verifyGithubSignature({ rawBody: raw, header: header(req, "x-hub-signature-256"), secret });
              // The event is named by a header, the action by the body (GitHub's best practices).
              const event = header(req, "x-github-event");
              if (!event) throw new CodedError("malformed_body", "X-GitHub-Event is missing; this is not a GitHub webhook delivery.");
              // Sent when the webhook is created: proof that the URL and the secret are right.
              if (event === "ping") return { status: 200, body: { ok: true, pong: true } };
              if (event !== "issues") return ignored(`${event} events are not used; the webhook needs only Issues`);
              const deliveryId = header(req, "x-github-delivery");
              if (!deliveryId) throw new CodedError("malformed_body", "X-GitHub-Delivery is missing; this is not a GitHub webhook delivery.");
              const text = raw.toString();
              const payload = storable(parseGithubIssuesBody(text), text);
              if (!TRACKED_ISSUE_ACTIONS.has(payload.action)) return ignored(`issues.${payload.action} changes nothing Firebreak tracks`);
              if (payload.repository.full_name.toLowerCase() !== `${github.owner}/${github.repo}`.toLowerCase()) return ignored(`${payload.repository.full_name} is not POSTMORTEM_REPO`);
              const store = deps.store();
              if (!store) throw new CodedError("not_ready", "Firebreak's database is not reachable yet; retry shortly.");
              const followup = await store.followups.byIssue(payload.issue.number).catch((error: unknown) => {
                throw new CodedError("not_ready", "Firebreak could not read its follow-ups; retry shortly.", { cause: error });
              });
              // An issue no follow-up became (opened by hand in the same repository): nothing to record.
              if (!followup) return ignored(`no follow-up has issue #${payload.issue.number}`);
              return accept(deps, req, { source: "github", deliveryId, body: payload, subject: `issue:${payload.issue.number}` }, { kind: GITHUB_DELIVERY_JOB, dedupeKey: `github-delivery:${deliveryId}` }, { startNow: false });
            }
          : off("GitHub webhook", "GITHUB_WEBHOOK_SECRET (with GITHUB_TOKEN and POSTMORTEM_REPO)"),
    },
  };
}
