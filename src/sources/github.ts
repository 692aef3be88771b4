// GitHub `issues` webhook payloads, as much of them as follow-up tracking reads: which issue,
// in which repository, its state, when it last changed, and who it is assigned to. The shape is
// octokit/webhooks' payload examples and schemas (test/fixtures/github/webhooks/README.md); the
// rest of the payload passes through unread.
import { z } from "zod";
import { parseWith } from "./alert-group.js";

const user = z.object({ login: z.string() });

export const githubIssuesPayloadSchema = z.object({
  action: z.string(),
  issue: z.object({
    number: z.number().int().positive(),
    state: z.enum(["open", "closed"]),
    updated_at: z.string(),
    closed_at: z.string().nullable().optional(),
    assignees: z.array(user).nullish(),
  }),
  repository: z.object({ full_name: z.string() }),
});
export type GithubIssuesPayload = z.infer<typeof githubIssuesPayloadSchema>;

/** The actions that change what Firebreak tracks; others (edited, labeled, …) are acknowledged and ignored. */
export const TRACKED_ISSUE_ACTIONS = new Set(["closed", "reopened", "assigned", "unassigned"]);

/** Parses a raw, signature-checked body; throws malformed_body or invalid_payload (400). */
export function parseGithubIssuesBody(raw: Buffer | string): GithubIssuesPayload {
  return parseWith(githubIssuesPayloadSchema, raw, "GitHub");
}
