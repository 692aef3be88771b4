// What the sandbox page can do and see, as a person in the workspace: type a command or a
// message, click a button, submit a form, react. Each becomes the request Slack would send the
// bot (demo-slack-requests.ts); what the bot answers directly — a command's ephemeral reply, a
// form's field errors, a response_url post — is kept here, as Slack's own client keeps it.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { SlackMessage } from "../emulators/slack/slack-emulator.js";
import type { DemoHandles } from "./demo-handles.js";
import { blockAction, createSlackSender } from "./demo-slack-requests.js";

interface Ephemeral {
  channel: string;
  user: string;
  message_ts: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
}
export type Reply = { status: number; body?: unknown };

const id = z.string().min(1).max(64);
const ts = z.string().regex(/^\d{1,12}\.\d{6}$/);
const typed = z.object({ user: id, channel: id, text: z.string().min(1).max(8000) });
const inputs = {
  action: z.object({ user: id, channel: id, messageTs: ts, actionId: z.string(), blockId: z.string().optional(), value: z.string().optional(), selectedOption: z.object({ text: z.unknown(), value: z.string() }).optional() }),
  shortcut: z.object({ user: id, channel: id, messageTs: ts, callbackId: z.string() }),
  viewSubmit: z.object({ user: id, viewId: id, values: z.record(z.string(), z.record(z.string(), z.unknown())) }),
  viewClose: z.object({ user: id, viewId: id }),
  options: z.object({ user: id, viewId: id, actionId: z.string(), blockId: z.string(), value: z.string() }),
  reaction: z.object({ user: id, channel: id, ts, name: z.string().regex(/^[a-z0-9_+'-]+$/), add: z.boolean() }),
  dismiss: z.object({ user: id, ts }),
  homeOpened: z.object({ user: id }),
  homeAction: z.object({ user: id, actionId: z.string(), blockId: z.string().optional(), value: z.string().optional() }),
};
const viewAck = z.object({ response_action: z.string(), errors: z.record(z.string(), z.string()).optional() });
// What the bot posts to a response_url (Bolt's respond()).
const responsePost = z.looseObject({ text: z.string().optional(), blocks: z.array(z.unknown()).optional(), replace_original: z.unknown().optional(), delete_original: z.unknown().optional() });

export interface SandboxApi {
  /** What `user` sees: the workspace, their ephemerals and open form, and the repository. */
  state(user: string): Promise<unknown>;
  /** The page's POST endpoints by name ("viewSubmit" for /api/view-submit). */
  endpoints: Record<string, (body: unknown) => Promise<Reply>>;
  /** A post to a response_url handed to the bot, by the key in its path. */
  respond(key: string, body: unknown): Reply;
  close(): void;
}

/** `changed` is called whenever what some user sees may have changed. */
export async function createSandboxApi(handles: DemoHandles, options: { baseUrl: () => string; changed: () => void }): Promise<SandboxApi> {
  const { slack } = handles;
  const { changed } = options;
  const ephemerals: Ephemeral[] = [];
  const hidden = new Set<string>(); // ephemerals dismissed or replaced, by `${user} ${ts}`
  const triggers = new Map<string, string>(); // trigger_id → the user whose click made it
  const modals = new Map<string, string[]>(); // user → their open views, the top one last
  const responseUrls = new Map<string, { user: string; channel: string; source: string | undefined }>();
  const reactors = new Map<string, Set<string>>(); // `${channel} ${ts} ${name}` → users
  let counter = 0;
  let lastMicros = 0;

  const web = async (method: string, args: Record<string, unknown>) => {
    const response = await fetch(`${slack.url}${method}`, { method: "POST", headers: { authorization: `Bearer ${slack.botToken}`, "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(args) });
    return (await response.json()) as Record<string, unknown>;
  };
  const auth = await web("auth.test", {});
  const team = { id: slack.teamId, name: String(auth.team ?? "Firebreak Sandbox"), domain: /^https:\/\/([^.]+)\./.exec(String(auth.url))?.[1] ?? "sandbox" };
  // The emulator lists channels only over its Web API; after this one call, its events keep the list.
  const listed = await web("conversations.list", { types: "public_channel,private_channel", limit: 1000 });
  const bot = createSlackSender({ botUrl: handles.botUrl, signingSecret: handles.signingSecret, team });
  const channelIds = new Set(z.array(z.object({ id: z.string() })).catch([]).parse(listed.channels).map((c) => c.id));

  const unsubscribe = [
    ...(["message", "update", "ephemeral", "view", "reaction", "pin"] as const).map((event) => slack.on(event, changed)),
    slack.on("channel", ({ channel }) => {
      channelIds.add(channel);
      changed();
    }),
    // A modal belongs to whoever's click produced its trigger_id. Otherwise a call is no change:
    // every call that changes the workspace also emits its own event above, and reads the bot
    // makes (history, reactions.get) would only make every open page refetch for nothing.
    slack.on("call", ({ method, args, response }) => {
      const view = (response.body.view ?? {}) as { id?: string };
      const owner = triggers.get(String(args.trigger_id));
      if (!owner || !view.id || (method !== "views.open" && method !== "views.push")) return;
      modals.set(owner, method === "views.open" ? [view.id] : [...(modals.get(owner) ?? []), view.id]);
      changed();
    }),
  ];

  const nextTs = () => {
    lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
    return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, "0")}`;
  };
  const eventId = () => `Ev0SANDBOX${(++counter).toString(36).toUpperCase()}${Date.now().toString(36).toUpperCase()}`;
  const trigger = (user: string) => {
    // Issued by the emulator, which refuses a trigger it did not issue or one used after 3 s.
    const value = slack.issueTrigger();
    triggers.set(value, user);
    return value;
  };
  const responseUrl = (user: string, channel: string, source?: string) => {
    const key = randomBytes(12).toString("hex");
    responseUrls.set(key, { user, channel, source });
    return `${options.baseUrl()}/slack/response/${key}`;
  };
  const tell = (user: string, channel: string, text: string | undefined, blocks?: unknown[]) => {
    ephemerals.push({ channel, user, message_ts: nextTs(), text, blocks });
    changed();
  };
  const person = (user: string) => ({ id: user, name: handles.users.find((u) => u.id === user)?.name ?? user });
  const channelRef = (channel: string) => ({ id: channel, name: slack.channel(channel)?.name ?? "" });

  function findMessage(channel: string, messageTs: string): SlackMessage | undefined {
    return slack.messages(channel).find((m) => m.ts === messageTs);
  }

  const endpoints: Record<string, (body: unknown) => Promise<Reply>> = {
    async command(body) {
      const { user, channel, text } = typed.parse(body);
      const command = text.trim().split(/\s+/)[0] ?? "";
      const answer = await bot.command({
        person: person(user),
        channel: channelRef(channel),
        command,
        text: text.trim().slice(command.length).trim(),
        responseUrl: responseUrl(user, channel),
        triggerId: trigger(user),
      });
      const parsed = responsePost.safeParse(answer.body);
      // Slack shows a command's immediate answer only to whoever typed it, as an ephemeral.
      if (answer.status !== 200) tell(user, channel, `${command} failed with the error "dispatch_failed" (HTTP ${answer.status})`);
      else if (parsed.success && (parsed.data.text || parsed.data.blocks)) tell(user, channel, parsed.data.text, parsed.data.blocks);
      return { status: 200, body: { status: answer.status } };
    },
    async message(body) {
      const { user, channel, text } = typed.parse(body);
      return { status: 200, body: { ts: slack.postAsUser(channel, user, text).ts } };
    },
    async action(body) {
      const input = inputs.action.parse(body);
      const message = findMessage(input.channel, input.messageTs);
      const ephemeral = message ? undefined : visibleEphemerals(input.user).find((e) => e.message_ts === input.messageTs);
      const action = blockAction(message?.blocks ?? ephemeral?.blocks ?? [], input, nextTs());
      if (!action) return { status: 404, body: { error: `Nothing with action_id ${input.actionId} is on that message.` } };
      const answer = await bot.blockAction({
        person: person(input.user),
        channel: channelRef(input.channel),
        messageTs: input.messageTs,
        message,
        action,
        triggerId: trigger(input.user),
        responseUrl: responseUrl(input.user, input.channel, ephemeral?.message_ts),
      });
      return { status: 200, body: { status: answer.status } };
    },
    async shortcut(body) {
      const input = inputs.shortcut.parse(body);
      const message = findMessage(input.channel, input.messageTs);
      if (!message) return { status: 404, body: { error: "That message is gone." } };
      const triggerId = trigger(input.user);
      const answer = await bot.messageShortcut({ person: person(input.user), channel: channelRef(input.channel), callbackId: input.callbackId, message, triggerId, responseUrl: responseUrl(input.user, input.channel) });
      return { status: 200, body: { status: answer.status } };
    },
    async viewSubmit(body) {
      const input = inputs.viewSubmit.parse(body);
      const view = slack.view(input.viewId);
      if (!view) return { status: 404, body: { error: "That form is gone." } };
      slack.setViewState(input.viewId, input.values);
      const answer = await bot.viewSubmission({ person: person(input.user), view, values: input.values, triggerId: trigger(input.user) });
      const ack = viewAck.safeParse(answer.body);
      if (ack.success && ack.data.response_action === "errors") return { status: 200, body: { status: answer.status, errors: ack.data.errors ?? {} } };
      closeView(input.user, input.viewId, ack.success && ack.data.response_action === "clear");
      return { status: 200, body: { status: answer.status } };
    },
    // An external_select's options, asked of the bot as Slack does (block_suggestion) while the person types.
    async options(body) {
      const input = inputs.options.parse(body);
      const view = slack.view(input.viewId);
      if (!view) return { status: 404, body: { error: "That form is gone." } };
      const answer = await bot.blockSuggestion({ person: person(input.user), view, actionId: input.actionId, blockId: input.blockId, value: input.value });
      const options = (answer.body as { options?: unknown[] } | undefined)?.options ?? [];
      return { status: 200, body: { options } };
    },
    async viewClose(body) {
      const input = inputs.viewClose.parse(body);
      const view = slack.view(input.viewId);
      closeView(input.user, input.viewId, false);
      if (view?.notify_on_close) await bot.viewClosed({ person: person(input.user), view });
      return { status: 200, body: {} };
    },
    async reaction(body) {
      const input = inputs.reaction.parse(body);
      const message = findMessage(input.channel, input.ts);
      if (!message) return { status: 404, body: { error: "That message is gone." } };
      const key = `${input.channel} ${input.ts} ${input.name}`;
      const users = reactors.get(key) ?? new Set<string>();
      if (users.has(input.user) === input.add) return { status: 200, body: {} };
      // The emulator reacts as the bot only, so it holds one reaction while anyone has one on and
      // who reacted is kept here: reactions.get then tells the bot "someone still has one", as Slack would.
      const item = { channel: input.channel, timestamp: input.ts, name: input.name };
      if (input.add && users.size === 0) await web("reactions.add", item);
      if (input.add) users.add(input.user);
      else users.delete(input.user);
      reactors.set(key, users);
      if (!input.add && users.size === 0) await web("reactions.remove", item);
      const event = {
        type: input.add ? "reaction_added" : "reaction_removed",
        user: input.user,
        reaction: input.name,
        item_user: message.user,
        item: { type: "message", channel: input.channel, ts: input.ts, channel_type: "channel" },
        event_ts: nextTs(),
      };
      const answer = await bot.event({ eventId: eventId(), botUserId: slack.botUserId, event });
      changed();
      return { status: 200, body: { status: answer.status } };
    },
    async dismiss(body) {
      const input = inputs.dismiss.parse(body);
      hidden.add(`${input.user} ${input.ts}`);
      changed();
      return { status: 200, body: {} };
    },
    // Opening the app's Home tab: Slack sends app_home_opened with the tab, the person's DM
    // channel with the app and, once one was published, their current Home view
    // (https://docs.slack.dev/reference/events/app_home_opened). Firebreak answers with views.publish.
    async homeOpened(body) {
      const { user } = inputs.homeOpened.parse(body);
      const view = slack.homeView(user);
      const event = { type: "app_home_opened", user, channel: `D${user.slice(1)}`, tab: "home", event_ts: nextTs(), ...(view && { view }) };
      const answer = await bot.event({ eventId: eventId(), botUserId: slack.botUserId, event });
      return { status: 200, body: { status: answer.status } };
    },
    async homeAction(body) {
      const input = inputs.homeAction.parse(body);
      const view = slack.homeView(input.user);
      if (!view) return { status: 404, body: { error: "Firebreak has published no Home for you yet." } };
      const action = blockAction(Array.isArray(view.blocks) ? view.blocks : [], input, nextTs());
      if (!action) return { status: 404, body: { error: `Nothing with action_id ${input.actionId} is on your Home.` } };
      const answer = await bot.homeBlockAction({ person: person(input.user), view, action, triggerId: trigger(input.user) });
      return { status: 200, body: { status: answer.status } };
    },
    async page() {
      await handles.page();
      return { status: 200, body: {} };
    },
  };

  function closeView(user: string, viewId: string, all: boolean) {
    const stack = (modals.get(user) ?? []).filter((v) => v !== viewId);
    modals.set(user, all ? [] : stack);
    changed();
  }

  function visibleEphemerals(user: string): Ephemeral[] {
    const fromBot = slack.ephemerals().map((e) => ({ channel: e.channel, user: e.user, message_ts: e.message_ts, text: e.text, blocks: e.blocks }));
    return [...fromBot, ...ephemerals].filter((e) => e.user === user && !hidden.has(`${user} ${e.message_ts}`));
  }

  function respond(key: string, body: unknown): Reply {
    const target = responseUrls.get(key);
    const post = responsePost.safeParse(body);
    if (!target || !post.success) return { status: 404, body: { ok: false, error: "expired_url" } };
    const replace = post.data.replace_original === true || post.data.replace_original === "true";
    const remove = post.data.delete_original === true || post.data.delete_original === "true";
    if (target.source && (replace || remove)) hidden.add(`${target.user} ${target.source}`);
    if (!remove) tell(target.user, target.channel, post.data.text, post.data.blocks);
    return { status: 200, body: { ok: true } };
  }

  async function state(user: string) {
    const channels = [...channelIds].flatMap((channelId) => {
      const channel = slack.channel(channelId);
      if (!channel) return [];
      const messages = slack.messages(channelId).map((m) => ({ ts: m.ts, user: m.user, bot: m.bot_id !== undefined, text: m.text, blocks: m.blocks ?? [], thread_ts: m.thread_ts, pinned: (m.pinned_to ?? []).length > 0, edited: m.edited !== undefined, reactions: reactionsOf(channelId, m) }));
      return [{ id: channel.id, name: channel.name, is_archived: channel.is_archived, is_private: channel.is_private, member: channel.members.includes(user), members: channel.members, topic: channel.topic.value, messages }];
    });
    // What Firebreak sent this person by DM (chat.postMessage to their user id: nudges, answers
    // that could reach them no other way), drawn like a channel only they and the bot are in.
    const dmMessages = slack.directMessages(user).map((m) => ({ ts: m.ts, user: m.user, bot: m.bot_id !== undefined, text: m.text, blocks: m.blocks ?? [], thread_ts: m.thread_ts, pinned: false, edited: m.edited !== undefined, reactions: [] }));
    const dm = { id: "dm", name: "Firebreak (direct message)", is_dm: true, is_archived: false, is_private: true, member: true, members: [user], topic: "Messages Firebreak sent you directly", messages: dmMessages };
    const stack = modals.get(user) ?? [];
    const viewId = stack.at(-1);
    // Each person's role as Firebreak has it now (commander, a role given with /incident role),
    // after what they are in the workspace (on call, DBA); a failed read shows the latter alone.
    const incidentRoles = await handles.incidentRoles().catch(() => ({}) as Record<string, string[]>);
    const everyone = new Map<string, { id: string; name: string; role: string; bot: boolean }>(
      handles.users.map((u) => [u.id, { ...u, role: [u.role, ...(incidentRoles[u.id] ?? [])].join(", "), bot: false }]),
    );
    for (const mentioned of new Set(JSON.stringify(channels).match(/\bU[A-Z0-9]{6,}/g) ?? [])) {
      const found = everyone.has(mentioned) ? undefined : slack.user(mentioned);
      const profile = (found?.profile ?? {}) as { display_name?: string };
      if (found) everyone.set(mentioned, { id: mentioned, name: profile.display_name || String(found.real_name ?? found.name), role: found.is_bot ? "app" : "", bot: found.is_bot === true });
    }
    return {
      team: team.name,
      botUserId: slack.botUserId,
      users: [...everyone.values()],
      channels,
      dm,
      ephemerals: visibleEphemerals(user),
      modal: viewId ? (slack.view(viewId) ?? null) : null,
      // The person's App Home as Firebreak last published it (views.publish), drawn under "Home".
      home: slack.homeView(user) ?? null,
      ...(await repository().then((read) => ({ repository: read.branches, repositoryError: read.error }))),
    };
  }

  function reactionsOf(channel: string, message: SlackMessage) {
    return (message.reactions ?? []).map((r) => {
      const users = [...(reactors.get(`${channel} ${message.ts} ${r.name}`) ?? [])];
      return users.length > 0 ? { name: r.name, users, count: users.length } : r;
    });
  }

  // Reading the repository mirrors it with git, too slow for every refresh: refreshes share a
  // read, and one younger than a second is reused. The page polls, so a publish shows up anyway.
  // A failed read (git missing, say) is shown in the panel rather than breaking the page.
  type Branches = Awaited<ReturnType<DemoHandles["repository"]>>;
  let reading: Promise<{ branches: Branches; error: string | null }> | undefined;
  let lastRead: { at: number; branches: Branches; error: string | null } = { at: 0, branches: [], error: null };
  function repository() {
    if (Date.now() - lastRead.at < 1000) return Promise.resolve(lastRead);
    reading ??= handles
      .repository()
      .then((branches) => (lastRead = { at: Date.now(), branches, error: null }))
      .catch((error: unknown) => (lastRead = { ...lastRead, at: Date.now(), error: `Could not read the repository: ${String(error)}` }))
      .finally(() => (reading = undefined));
    return reading;
  }

  return { state, endpoints, respond, close: () => unsubscribe.forEach((off) => off()) };
}
