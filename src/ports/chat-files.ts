// Files in Slack through its external upload flow (files.getUploadURLExternal → POST the bytes
// to the URL it returns → files.completeUploadExternal), split into its steps so a durable job
// can record each and never complete the same upload twice.
// https://docs.slack.dev/reference/methods/files.getUploadURLExternal
// https://docs.slack.dev/reference/methods/files.completeUploadExternal

export interface ChatFilesPort {
  /** Asks for an upload URL and sends the bytes to it; answers the file id, not yet shared. */
  upload(file: { filename: string; bytes: Uint8Array; altText?: string }): Promise<{ fileId: string }>;
  /** Shares an uploaded file in a channel (in a thread with `threadTs`). Slack completes an upload only once. */
  complete(fileId: string, share: { channelId: string; title: string; threadTs?: string; initialComment?: string }): Promise<void>;
  /** Whether the file is already shared in the thread (or channel): what a completion whose answer was lost left behind. */
  isShared(fileId: string, where: { channelId: string; threadTs?: string; since: Date }): Promise<boolean>;
}
