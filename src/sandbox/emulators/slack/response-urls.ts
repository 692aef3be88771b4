// response_url: the URL an interaction (a slash command, a button click, a shortcut) carries,
// to which the app may post its answer to the person who made it, whether or not they are in the
// channel. Slack allows up to five posts within 30 minutes of the interaction
// (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses); the answer
// is ephemeral unless `response_type` is "in_channel"
// (https://docs.slack.dev/interactivity/implementing-slash-commands#responding_to_commands).
import { createHash } from "node:crypto";
import { z } from "zod";
import { invalidBlocks } from "./block-kit/block-kit-errors.js";
import { validateBlocks } from "./block-kit/validate-blocks.js";
import type { Workspace } from "./workspace-state.js";

export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
const PATH = /^\/hooks\/(actions|commands)\/([A-Z0-9]+)\/(\d+)\/([0-9a-f]{24})$/;

/** A response_url for an interaction `user` is about to make, in Slack's form (hooks.slack.com/actions/T…/…/…). */
export function issueResponseUrl(workspace: Workspace, origin: string, to: { user: string; channel?: string; kind?: "actions" | "commands" }): string {
  if (!workspace.users.has(to.user)) throw new Error(`Unknown user ${to.user}.`);
  const serial = workspace.responseUrls.size + 1;
  const secret = createHash("sha1").update(`${workspace.team.id}:${serial}:${workspace.nowMs()}`).digest("hex").slice(0, 24);
  const path = `/hooks/${to.kind ?? "actions"}/${workspace.team.id}/${serial}/${secret}`;
  workspace.responseUrls.set(path, { user: to.user, channel: to.channel, issuedAtMs: workspace.nowMs(), uses: 0 });
  return `${origin}${path}`;
}

export const isResponseUrlPath = (path: string) => PATH.test(path);

const flag = z.union([z.boolean(), z.enum(["true", "false"])]).transform((v) => v === true || v === "true");
const post = z.object({
  text: z.string().optional(),
  blocks: z.array(z.record(z.string(), z.unknown())).optional(),
  response_type: z.enum(["ephemeral", "in_channel"]).optional(),
  replace_original: flag.optional(),
  delete_original: flag.optional(),
  thread_ts: z.string().optional(),
});

/** Answers a post to a response_url: 200 `{ok:true}`, or 404 once the URL is unknown, used up or expired. */
export function postToResponseUrl(context: { workspace: Workspace; strict: boolean }, url: string, path: string, raw: string): { status: number; body: Record<string, unknown> } {
  const { workspace, strict } = context;
  const record = workspace.responseUrls.get(path);
  if (!record || record.uses >= RESPONSE_URL_USES || workspace.nowMs() - record.issuedAtMs > RESPONSE_URL_LIFETIME_MS) return { status: 404, body: { ok: false, error: "expired_url" } };
  let parsed: z.infer<typeof post>;
  try {
    const result = post.safeParse(JSON.parse(raw));
    if (!result.success) return { status: 400, body: { ok: false, error: "invalid_payload" } };
    parsed = result.data;
  } catch {
    return { status: 400, body: { ok: false, error: "invalid_payload" } };
  }
  if (!parsed.delete_original && !parsed.text && !parsed.blocks?.length) return { status: 400, body: { ok: false, error: "no_text" } };
  if (strict && parsed.blocks) {
    const issues = validateBlocks(parsed.blocks, "message", "/blocks");
    if (issues.length > 0) return { status: 400, body: invalidBlocks(issues) };
  }
  record.uses += 1;
  workspace.responses.push({
    url,
    user: record.user,
    channel: record.channel,
    at: workspace.nowMs(),
    text: parsed.text,
    blocks: parsed.blocks,
    response_type: parsed.response_type ?? "ephemeral",
    replace_original: parsed.replace_original ?? false,
    delete_original: parsed.delete_original ?? false,
  });
  return { status: 200, body: { ok: true } };
}
