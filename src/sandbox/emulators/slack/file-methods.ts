// Slack's external file upload, the flow that replaced files.upload:
// 1. files.getUploadURLExternal (https://docs.slack.dev/reference/methods/files.getUploadURLExternal):
//    `filename` and `length` (bytes) are required; the answer is `{ ok, upload_url, file_id }`.
// 2. The bytes are POSTed to upload_url, "as raw bytes or … multipart form encoded"; Slack
//    answers HTTP 200 when the upload succeeded, anything else is a failure. The emulator also
//    refuses a body whose size is not the `length` announced (the URL is issued for that file).
// 3. files.completeUploadExternal (https://docs.slack.dev/reference/methods/files.completeUploadExternal):
//    `files` (a JSON array of `{ id, title? }`) is required; `channel_id` shares the file there
//    (without it the file stays private), `thread_ts` as a reply in that thread, with
//    `initial_comment` as the message's text. The answer is `{ ok, files: [{ id, title }] }`.
//    An unknown file id is `file_not_found`. "This method can only be called once": the page
//    names no error for a second call, and the upload it finished is no longer pending, so the
//    emulator answers a second completion as for an upload it does not know: `file_not_found`.
//    A file whose bytes never arrived has nothing to complete either: `file_not_found`. Sharing
//    needs a channel the bot can see (`channel_not_found`) and is a member of (`not_in_channel`).
// The bot needs the files:write scope for both methods (each method page's "Scopes").
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { postAsBot } from "./chat-methods.js";
import { count, fail, json, method, ok, type MethodHandler } from "./method-kit.js";
import { unixSeconds, visibleChannel, type SlackMessage, type Workspace } from "./workspace-state.js";

export interface UploadedFile {
  id: string;
  name: string;
  title: string;
  length: number;
  /** The bytes received at the upload URL, once they arrived. */
  bytes?: Buffer;
  /** Where it was shared once completed: a channel, and a thread when it was a reply. */
  completed?: { channel?: string; threadTs?: string; initialComment?: string };
}

interface FileState {
  files: Map<string, UploadedFile>;
  /** upload URL token → file id */
  tokens: Map<string, string>;
}

const states = new WeakMap<Workspace, FileState>();

function fileState(workspace: Workspace): FileState {
  let state = states.get(workspace);
  if (!state) states.set(workspace, (state = { files: new Map(), tokens: new Map() }));
  return state;
}

export const UPLOAD_PATH = "/upload/v1/";

export const fileMethods: Record<string, MethodHandler> = {
  "files.getUploadURLExternal": method(
    z.object({ filename: z.string().min(1), length: count, alt_txt: z.string().optional(), snippet_type: z.string().optional() }).loose(),
    ({ workspace, origin }, args) => {
      if (!origin) return fail("internal_error");
      const state = fileState(workspace);
      const id = workspace.nextId("F");
      const token = randomBytes(12).toString("base64url");
      state.files.set(id, { id, name: args.filename, title: args.filename, length: args.length });
      state.tokens.set(token, id);
      return ok({ upload_url: `${origin}${UPLOAD_PATH}${token}`, file_id: id });
    },
  ),

  "files.completeUploadExternal": method(
    z
      .object({
        files: json(z.array(z.object({ id: z.string(), title: z.string().optional() }).loose()).min(1)),
        channel_id: z.string().optional(),
        channels: z.string().optional(),
        thread_ts: z.string().optional(),
        initial_comment: z.string().optional(),
        blocks: z.unknown().optional(),
      })
      .loose(),
    (context, args) => {
      const { workspace } = context;
      const state = fileState(workspace);
      const files = args.files.map((f) => state.files.get(f.id));
      if (files.some((f) => !f || f.completed || !f.bytes)) return fail("file_not_found");
      const channelId = args.channel_id ?? args.channels?.split(",")[0];
      const channel = channelId === undefined ? undefined : visibleChannel(workspace, channelId);
      if (channelId !== undefined && !channel) return fail("channel_not_found");
      if (channel && !channel.members.includes(workspace.bot.userId)) return fail("not_in_channel");
      const shared = files.map((file, i) => {
        const record = file!;
        record.title = args.files[i]!.title ?? record.name;
        record.completed = { ...(channel && { channel: channel.id }), ...(args.thread_ts && { threadTs: args.thread_ts }), ...(args.initial_comment && { initialComment: args.initial_comment }) };
        return fileShape(workspace, record);
      });
      if (channel) postAsBot(context, channel, { text: args.initial_comment ?? "", files: shared }, args.thread_ts);
      return ok({ files: shared.map((f) => ({ id: f.id, title: f.title })) });
    },
  ),
};

function fileShape(workspace: Workspace, file: UploadedFile) {
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? "binary";
  return {
    id: file.id,
    created: unixSeconds(workspace),
    name: file.name,
    title: file.title,
    mimetype: extension === "png" ? "image/png" : "application/octet-stream",
    filetype: extension,
    size: file.length,
    user: workspace.bot.userId,
  };
}

/** The upload URL: answers the HTTP status Slack's upload service would. */
export function receiveUpload(workspace: Workspace, path: string, body: Buffer, contentType: string | undefined): { status: number; text: string } {
  const state = fileState(workspace);
  const id = state.tokens.get(path.slice(UPLOAD_PATH.length));
  const file = id === undefined ? undefined : state.files.get(id);
  if (!file) return { status: 404, text: "unknown upload URL" };
  if (file.bytes || file.completed) return { status: 400, text: "this upload URL was already used" };
  const bytes = /^multipart\/form-data/i.test(contentType ?? "") ? multipartFile(body, contentType!) : body;
  if (!bytes) return { status: 400, text: "no file in the multipart body" };
  if (bytes.length !== file.length) return { status: 400, text: `expected ${file.length} bytes (the length given to files.getUploadURLExternal), received ${bytes.length}` };
  file.bytes = bytes;
  return { status: 200, text: `OK - ${bytes.length}` };
}

/** The first part's content of a multipart/form-data body. */
function multipartFile(body: Buffer, contentType: string): Buffer | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const start = body.indexOf(delimiter);
  const headersEnd = body.indexOf("\r\n\r\n", start);
  const end = body.indexOf(Buffer.from(`\r\n--${boundary}`), headersEnd);
  return start < 0 || headersEnd < 0 || end < 0 ? undefined : body.subarray(headersEnd + 4, end);
}

export const uploadedFiles = (workspace: Workspace): UploadedFile[] => [...fileState(workspace).files.values()].map((f) => structuredClone(f));
