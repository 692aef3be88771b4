// The Slack emulator's external upload flow refuses what Slack refuses (file-methods.ts cites the
// method pages): missing arguments, a body of the wrong size, an unknown or already completed
// file, and sharing where the bot is not a member.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";

let slack: SlackEmulator;
let api = "";
beforeAll(async () => {
  slack = createSlackEmulator();
  api = (await slack.start()).url;
});
afterAll(() => slack.stop());

async function call(method: string, args: Record<string, string>) {
  const response = await fetch(`${api}${method}`, { method: "POST", headers: { authorization: `Bearer ${slack.botToken}`, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(args) });
  return (await response.json()) as { ok: boolean; error?: string; upload_url?: string; file_id?: string; files?: { id: string; title: string }[] };
}
const bytes = Buffer.from("not really a png, but eleven bytes more");

async function uploaded(filename = "chart.png") {
  const started = await call("files.getUploadURLExternal", { filename, length: String(bytes.length) });
  expect((await fetch(started.upload_url!, { method: "POST", body: bytes })).status).toBe(200);
  return started.file_id!;
}

describe("files.getUploadURLExternal", () => {
  it("requires a filename and a length", async () => {
    expect(await call("files.getUploadURLExternal", { filename: "chart.png" })).toMatchObject({ ok: false, error: "invalid_arguments" });
    expect(await call("files.getUploadURLExternal", { length: "10" })).toMatchObject({ ok: false, error: "invalid_arguments" });
    expect(await call("files.getUploadURLExternal", { filename: "chart.png", length: "ten" })).toMatchObject({ ok: false, error: "invalid_arguments" });
  });

  it("gives an upload URL that takes exactly the announced length, once", async () => {
    const started = await call("files.getUploadURLExternal", { filename: "chart.png", length: String(bytes.length) });
    expect(started).toMatchObject({ ok: true, file_id: expect.stringMatching(/^F/) });
    expect((await fetch(started.upload_url!, { method: "POST", body: bytes.subarray(1) })).status).toBe(400);
    expect((await fetch(started.upload_url!, { method: "POST", body: bytes })).status).toBe(200);
    expect((await fetch(started.upload_url!, { method: "POST", body: bytes })).status).toBe(400);
    expect((await fetch(`${started.upload_url!}x`, { method: "POST", body: bytes })).status).toBe(404);
  });
});

describe("files.completeUploadExternal", () => {
  it("shares an uploaded file in a thread once; a second completion is refused", async () => {
    const channel = slack.addChannel({ name: "inc-7-payments" });
    const parent = slack.postAsUser(channel, slack.addUser({ name: "ada" }), "the preview");
    const id = await uploaded();
    const done = await call("files.completeUploadExternal", { files: JSON.stringify([{ id, title: "Chart" }]), channel_id: channel, thread_ts: parent.ts, initial_comment: "The chart" });
    expect(done).toEqual({ ok: true, files: [{ id, title: "Chart" }] });
    expect(slack.thread(channel, parent.ts).filter((m) => m.files)).toMatchObject([{ text: "The chart", thread_ts: parent.ts, files: [{ id, title: "Chart", mimetype: "image/png" }] }]);
    expect(await call("files.completeUploadExternal", { files: JSON.stringify([{ id }]), channel_id: channel })).toMatchObject({ ok: false, error: "file_not_found" });
    expect(slack.thread(channel, parent.ts).filter((m) => m.files)).toHaveLength(1);
  });

  it("refuses unknown files, files whose bytes never came, and channels the bot is not in", async () => {
    expect(await call("files.completeUploadExternal", { files: JSON.stringify([{ id: "F0NOPE" }]) })).toMatchObject({ ok: false, error: "file_not_found" });
    const pending = await call("files.getUploadURLExternal", { filename: "chart.png", length: "3" });
    expect(await call("files.completeUploadExternal", { files: JSON.stringify([{ id: pending.file_id }]) })).toMatchObject({ ok: false, error: "file_not_found" });
    expect(await call("files.completeUploadExternal", {})).toMatchObject({ ok: false, error: "invalid_arguments" });
    const outside = slack.addChannel({ name: "not-invited", botIsMember: false });
    expect(await call("files.completeUploadExternal", { files: JSON.stringify([{ id: await uploaded() }]), channel_id: outside })).toMatchObject({ ok: false, error: "not_in_channel" });
  });
});
