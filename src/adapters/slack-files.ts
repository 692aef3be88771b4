// The chat files port over Slack's Web API (the writes client: no retries inside a call, the
// job retries and looks first). The bytes go to the upload URL Slack returns, which is not a Web
// API method, so they are POSTed with fetch as raw bytes, which the method page allows
// ("Files can be sent as raw bytes or can be multipart form encoded"; Slack answers 200 when the
// upload succeeded): https://docs.slack.dev/reference/methods/files.getUploadURLExternal
import type { WebClient } from "@slack/web-api";
import type { ChatFilesPort } from "../ports/chat-files.js";
import { VendorError } from "../ports/vendor-error.js";
import { toVendorError, type SlackClients } from "./slack-chat.js";

export function createSlackFiles(clients: SlackClients, options: { timeoutMs?: number } = {}): ChatFilesPort {
  const { reads, writes } = clients;
  const call = async <T>(method: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw toVendorError(method, error);
    }
  };
  return {
    async upload({ filename, bytes, altText }) {
      const answer = await call("files.getUploadURLExternal", () =>
        writes.files.getUploadURLExternal({ filename, length: bytes.byteLength, ...(altText && { alt_txt: altText }) }),
      );
      if (!answer.upload_url || !answer.file_id) throw new VendorError("slack", "bad_response", "Slack files.getUploadURLExternal answered without an upload_url or file_id");
      let response: Response;
      try {
        response = await fetch(answer.upload_url, {
          method: "POST",
          headers: { "content-type": "application/octet-stream" },
          body: bytes,
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
        await response.arrayBuffer();
      } catch (error) {
        throw new VendorError("slack", "request_failed", `Slack's upload URL could not be reached: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      if (response.status !== 200) throw new VendorError("slack", `http_${response.status}`, `Slack's upload URL refused the file with ${response.status}`);
      return { fileId: answer.file_id };
    },
    async complete(fileId, share) {
      await call("files.completeUploadExternal", () =>
        writes.files.completeUploadExternal({
          files: [{ id: fileId, title: share.title }],
          channel_id: share.channelId,
          ...(share.threadTs && { thread_ts: share.threadTs }),
          ...(share.initialComment && { initial_comment: share.initialComment }),
        } as never),
      );
    },
    async isShared(fileId, where) {
      return sharedIn(reads, fileId, where);
    },
  };
}

/** Looks through the thread's replies (or the channel's history) since `since` for a message carrying the file. */
async function sharedIn(client: WebClient, fileId: string, where: { channelId: string; threadTs?: string; since: Date }): Promise<boolean> {
  const oldest = (Math.floor(where.since.getTime() / 1000) - 60).toString();
  let cursor: string | undefined;
  do {
    const args = { channel: where.channelId, oldest, limit: 200, ...(cursor && { cursor }) };
    let page;
    try {
      page = where.threadTs ? await client.conversations.replies({ ...args, ts: where.threadTs }) : await client.conversations.history(args);
    } catch (error) {
      throw toVendorError(where.threadTs ? "conversations.replies" : "conversations.history", error);
    }
    const messages = (page.messages ?? []) as { files?: { id?: string }[] }[];
    if (messages.some((m) => m.files?.some((f) => f.id === fileId))) return true;
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return false;
}
