// A flow-level world: the real flows, job handlers and step worker on a real store (PGlite),
// with chat and paging ports faked here, in memory. No HTTP, no emulators: a test reads what
// the fakes received and what the database holds. Work is run to completion with `settle()`,
// which stops only when the job runner and the step worker both report idle from the database.
import type { SqlStore } from "../../src/adapters/store/store.js";
import { configFileSchema, type ConfigFile } from "../../src/kernel/config-file.js";
import { OPEN_CHANNEL_JOB } from "../../src/incidents/declare-incident.js";
import type { IncidentDeps } from "../../src/incidents/deps.js";
import { lifecycleJobs } from "../../src/incidents/lifecycle/lifecycle-jobs.js";
import { openChannelJob } from "../../src/incidents/open-channel.js";
import { PAGERDUTY_NOTE_JOB, pagerdutyNoteJob } from "../../src/incidents/pagerduty-note.js";
import type { ChannelInfo, ChatMessage, ChatPort } from "../../src/ports/chat.js";
import type { PagingPort } from "../../src/ports/paging.js";
import { createJobRunner } from "../../src/jobs/job-runner.js";
import { createLogger } from "../../src/kernel/log.js";
import { createActionRegistry, type ActionDefinition } from "../../src/playbooks/action-registry.js";
import { createPlaybookEngine, type PlaybookEngine } from "../../src/playbooks/engine/create-engine.js";
import type { Playbook } from "../../src/domain/playbook-schema.js";
import { openTestStore } from "../helpers/databases.js";

export interface FakeChat extends ChatPort {
  channels: ChannelInfo[];
  invited: { channel: string; users: string[] }[];
  posted: { channel: string; ts: string; message: ChatMessage }[];
  ephemeral: { channel: string; user: string; text: string }[];
  pinned: { channel: string; ts: string }[];
}

/** A Slack workspace in memory: `users` maps e-mail to user id for the on-call lookup. */
export function fakeChat(users: Record<string, string> = {}): FakeChat {
  const channels: ChannelInfo[] = [];
  const invited: FakeChat["invited"] = [];
  const posted: FakeChat["posted"] = [];
  const ephemeral: FakeChat["ephemeral"] = [];
  const pinned: FakeChat["pinned"] = [];
  let n = 0;
  return {
    channels,
    invited,
    posted,
    ephemeral,
    pinned,
    createChannel: async (name) => {
      const channel = { id: `C${String(++n).padStart(6, "0")}`, name };
      channels.push(channel);
      return channel;
    },
    findChannelByName: async (name) => channels.find((c) => c.name === name),
    channelMembers: async (channel) => [...new Set(invited.filter((i) => i.channel === channel).flatMap((i) => i.users))],
    botUserId: async () => "UFIREBREAK",
    invite: async (channel, userIds) => void invited.push({ channel, users: userIds }),
    lookupUserByEmail: async (email) => users[email],
    postMessage: async (channel, message) => {
      const ts = `1772900000.${String(++n).padStart(6, "0")}`;
      posted.push({ channel, ts, message });
      return { ts };
    },
    takePostSlot: async () => undefined,
    updateMessage: async (channel, ts, message) => {
      const existing = posted.find((p) => p.channel === channel && p.ts === ts);
      if (!existing) throw new Error(`no message ${ts} in ${channel}`);
      existing.message = message;
    },
    postEphemeral: async (channel, user, message) => void ephemeral.push({ channel, user, text: message.text }),
    // A DM is the bot's conversation with the person: recorded as a post to their user id.
    postDirect: async (user, message) => void posted.push({ channel: user, ts: `1700000000.${String(++n).padStart(6, "0")}`, message }),
    pin: async (channel, ts) => void pinned.push({ channel, ts }),
    permalink: async (channel, ts) => `https://acme.slack.com/archives/${channel}/p${ts.replace(".", "")}`,
    message: async () => undefined,
    reactionCount: async () => 0,
    renameChannel: async () => undefined,
    archiveChannel: async () => undefined,
    userName: async () => undefined,
    userGroupMembers: async () => [],
    findTaggedMessage: async () => undefined,
    addBookmark: async () => undefined,
    bookmarkLinks: async () => [],
  };
}

export interface FakePaging extends PagingPort {
  added: { incident: string; content: string; at: Date }[];
  statuses: { incident: string; status: string }[];
}

/** PagerDuty in memory: `oncall` maps an escalation policy to the on-call people's e-mails. */
export function fakePaging(oncall: Record<string, string[]> = {}): FakePaging {
  const added: FakePaging["added"] = [];
  const statuses: FakePaging["statuses"] = [];
  return {
    added,
    statuses,
    oncallEmails: async (policy) => oncall[policy] ?? [],
    addNote: async (incident, content) => void added.push({ incident, content, at: new Date() }),
    notes: async (incident) => added.filter((n) => n.incident === incident).map((n) => ({ content: n.content, createdAt: n.at })),
    setStatus: async (incident, status) => void statuses.push({ incident, status }),
  };
}

export interface FlowWorld {
  store: SqlStore;
  chat: FakeChat;
  paging: FakePaging;
  deps: IncidentDeps;
  engine: PlaybookEngine;
  file: ConfigFile;
  /** Runs due jobs and ready steps until the database says nothing is running or due. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function flowWorld(options: {
  file?: Record<string, unknown>;
  users?: Record<string, string>;
  oncall?: Record<string, string[]>;
  playbooks?: Playbook[];
  actions?: ActionDefinition[];
  now?: () => Date;
  incidentsChannel?: string;
} = {}): Promise<FlowWorld> {
  const store = await openTestStore("pglite");
  const file = configFileSchema.parse(options.file ?? {});
  const chat = fakeChat(options.users);
  const paging = fakePaging(options.oncall);
  const log = createLogger({ level: "silent" });
  const now = options.now ?? (() => new Date());
  const deps: IncidentDeps = {
    store, chat, paging, log, now,
    timezone: "UTC",
    services: file.services,
    lifecycle: file.lifecycle,
    permissions: file.permissions,
    approverGroups: file.approver_groups,
    ...(options.incidentsChannel && { incidentsChannel: options.incidentsChannel }),
    markers: false,
    nudge: () => undefined,
  };
  const engine = createPlaybookEngine({
    store, chat, log, now, timezone: "UTC", file, markers: false, nudgeJobs: () => undefined,
    registry: createActionRegistry(options.actions ?? []),
    playbooks: options.playbooks ?? [],
  });
  const runner = createJobRunner({
    jobs: store.jobs, log, now,
    handlers: { [OPEN_CHANNEL_JOB]: openChannelJob(deps), [PAGERDUTY_NOTE_JOB]: pagerdutyNoteJob(deps), ...lifecycleJobs(deps), ...engine.jobHandlers },
  });
  return {
    store, chat, paging, deps, engine, file,
    async settle() {
      for (let round = 0; round < 50; round++) {
        await runner.drain();
        await engine.worker.drain();
        if ((await runner.idleNow()) === true && (await engine.worker.idleNow()) === true) return;
      }
      throw new Error(`still busy after 50 rounds: ${await runner.idleNow()} / ${await engine.worker.idleNow()}`);
    },
    close: () => store.close(),
  };
}
