// A local Slack Web API on loopback HTTP. Firebreak's real client (@slack/web-api's WebClient,
// with `slackApiUrl` set to `start()`'s url) talks to it in tests, the sandbox and benchmarks.
// It keeps a workspace in memory, answers in Slack's documented shapes and errors (HTTP 200
// with ok:false; only rate limiting is a 429 with Retry-After), records every call, and can be
// told to fail, to be slow, or to enforce Slack's rate limits.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { chatMethods, postAsUser } from "./chat-methods.js";
import { conversationMethods } from "./conversation-methods.js";
import { directoryMethods } from "./directory-methods.js";
import type { ChannelSnapshot, SlackEmulator, SlackEmulatorOptions } from "./emulator-api.js";
import { createEmitter, type RecordedCall } from "./emulator-events.js";
import { createFailureInjector, failureResponse, rateLimitedResponse, type FailureSpec, type InjectedResponse } from "./failure-injection.js";
import { fail, ok, type MethodHandler, type SlackBody } from "./method-kit.js";
import { bookmarkMethods } from "./bookmark-methods.js";
import { fileMethods, receiveUpload, uploadedFiles, UPLOAD_PATH } from "./file-methods.js";
import { pinAndReactionMethods } from "./pin-and-reaction-methods.js";
import { createRateLimiter, defaultRateLimits } from "./rate-limits.js";
import { argumentsError } from "./method-arguments.js";
import { parseRequest, readBody, type ParsedRequest } from "./request-args.js";
import { isResponseUrlPath, issueResponseUrl, postToResponseUrl } from "./response-urls.js";
import { userShape } from "./slack-shapes.js";
import { viewMethods } from "./view-methods.js";
import { createSocketModeServer } from "./socket-mode-server.js";
import { addChannel, addUser, addUserGroup, channelByName, createWorkspace, issueTrigger, type ChannelRecord, type Workspace } from "./workspace-state.js";

export type { ChannelSnapshot, PinSnapshot, SlackEmulator, SlackEmulatorOptions } from "./emulator-api.js";
export type { RecordedCall, SlackEmulatorEvents } from "./emulator-events.js";
export type { FailureSpec } from "./failure-injection.js";
export type { DisconnectReason, EnvelopeType, SocketModeAck, SocketModeEnvelope, SocketModeServer } from "./socket-mode-server.js";
export type { RateLimitSettings, RateLimitViolation } from "./rate-limits.js";
export type { BookmarkRecord, ChannelSeed, EphemeralMessage, ResponsePost, SlackMessage, SlackView, UserGroupSeed, UserSeed } from "./workspace-state.js";

const methods: Record<string, MethodHandler> = {
  ...directoryMethods,
  ...conversationMethods,
  ...chatMethods,
  ...pinAndReactionMethods,
  ...bookmarkMethods,
  ...viewMethods,
  ...fileMethods,
};

/** A generously installed bot: every scope an incident bot commonly asks for. */
const DEFAULT_BOT_SCOPES = [
  "bookmarks:read", "bookmarks:write", "channels:history", "channels:join", "channels:manage", "channels:read", "chat:write", "commands",
  "files:write", "groups:history", "groups:read", "groups:write", "im:write", "pins:read", "pins:write", "reactions:read",
  "usergroups:read", "users:read", "users:read.email",
];

export function createSlackEmulator(options: SlackEmulatorOptions = {}): SlackEmulator {
  const now = options.now ?? Date.now;
  const strict = options.strict ?? true;
  const tokenList = typeof options.botToken === "string" ? [options.botToken] : [...(options.botToken ?? ["xoxb-firebreak-emulator"])];
  const tokens = new Set(tokenList);
  const botScopes = [...(options.botScopes ?? DEFAULT_BOT_SCOPES)];
  const appToken = options.appToken ?? "xapp-1-firebreak-emulator";
  const identity = {
    teamId: options.teamId ?? "T0FIREBRK1",
    teamName: options.teamName ?? "Firebreak Sandbox",
    teamDomain: options.teamDomain ?? "firebreak-sandbox",
    botName: options.botName ?? "firebreak",
  };
  let workspace: Workspace = createWorkspace(identity, now);
  const socketMode = createSocketModeServer({ appId: workspace.bot.appId, ...(options.socketModeAckTimeoutMs && { ackTimeoutMs: options.socketModeAckTimeoutMs }) });
  let latencyMs = options.latencyMs ?? 0;
  let recorded: RecordedCall[] = [];
  const emitter = createEmitter();
  const failures = createFailureInjector();
  const limiter = createRateLimiter({ ...defaultRateLimits, ...options.rateLimits });
  let server: Server | undefined;
  let url: string | undefined;

  const json = (body: SlackBody): InjectedResponse => ({ status: 200, headers: {}, body });

  function answer(method: string, args: Record<string, unknown>, token: string | undefined): InjectedResponse {
    if (method === "api.test") return json(ok({ args }));
    if (method === "apps.connections.open") return json(connectionsOpen(token));
    // An app-level token is for Socket Mode (and app-level methods), not for acting as the bot.
    if (token === appToken) return json(fail("not_allowed_token_type"));
    const handler = methods[method];
    if (!handler) return json(fail("unknown_method"));
    if (!token) return json(fail("not_authed"));
    if (!tokens.has(token)) return json(fail("invalid_auth"));
    const limit = limiter.check(method, args, now());
    if (limit.limited && options.enforceRateLimits) return rateLimitedResponse(limit.retryAfter);
    const refused = strict ? argumentsError(method, args) : undefined;
    if (refused) return json(refused);
    // Slack names the token's scopes on every authenticated answer:
    // https://docs.slack.dev/authentication/tokens ("X-OAuth-Scopes" response header).
    return { ...json(handler({ workspace, emit: emitter.emit, strict, scopes: botScopes, ...(url && { origin: origin() }) }, args)), headers: { "x-oauth-scopes": botScopes.join(",") } };
  }

  /**
   * apps.connections.open takes only the app-level token, sent in the Authorization header
   * (https://docs.slack.dev/reference/methods/apps.connections.open: token type "app", scope
   * connections:write); a bot token is `not_allowed_token_type`, an unknown one `invalid_auth`.
   */
  function connectionsOpen(token: string | undefined): SlackBody {
    if (!token) return fail("not_authed");
    if (token === appToken) return ok({ url: socketMode.issueUrl(origin()) });
    return fail(tokens.has(token) ? "not_allowed_token_type" : "invalid_auth");
  }

  function respond(parsed: Exclude<ParsedRequest, { kind: "not_found" }>): { response: InjectedResponse; lost?: FailureSpec } {
    if (parsed.kind === "bad_body") return { response: json(fail(parsed.error)) };
    const injected = failures.take(parsed.method);
    const lost = injected?.lost ? { lost: injected } : {};
    if (injected && !injected.afterApplying) return { response: failureResponse(injected), ...lost };
    const response = answer(parsed.method, parsed.args, parsed.token);
    return { response: injected ? failureResponse(injected) : response, ...lost };
  }

  /** The request's body, or undefined once a 413 has answered one over the limit. */
  async function bodyOr413(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
    try {
      return await readBody(req);
    } catch {
      res.writeHead(413, { connection: "close" }).end();
      return undefined;
    }
  }

  async function handleResponseUrl(req: IncomingMessage, res: ServerResponse, path: string) {
    const raw = await bodyOr413(req, res);
    if (!raw) return;
    if (latencyMs > 0) await sleep(latencyMs);
    const answer = postToResponseUrl({ workspace, strict }, `${origin()}${path}`, path, raw.toString("utf8"));
    const payload = JSON.stringify(answer.body);
    if (res.destroyed) return;
    res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(payload) });
    res.end(payload);
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, path: string) {
    const raw = await bodyOr413(req, res);
    if (!raw) return;
    const answer = receiveUpload(workspace, path, raw, req.headers["content-type"]);
    if (res.destroyed) return;
    res.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(answer.text) });
    res.end(answer.text);
  }

  const origin = () => {
    if (!url) throw new Error("Start the Slack emulator before issuing response_urls.");
    return url.replace(/\/api\/$/, "");
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method === "POST" && isResponseUrlPath(path)) return handleResponseUrl(req, res, path);
    if (req.method === "POST" && path.startsWith(UPLOAD_PATH)) return handleUpload(req, res, path);
    let parsed: ParsedRequest;
    try {
      parsed = await parseRequest(req);
    } catch {
      res.writeHead(413, { connection: "close" }).end();
      return;
    }
    if (parsed.kind === "not_found") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("The Web API is served under /api/<method>.\n");
      return;
    }
    if (latencyMs > 0) await sleep(latencyMs);
    let response: InjectedResponse;
    let lost: FailureSpec | undefined;
    try {
      ({ response, lost } = respond(parsed));
    } catch (error) {
      // A fault in the emulator itself: say so plainly rather than pass for Slack degrading.
      response = { status: 500, headers: {}, body: { ok: false, error: "emulator_fault", detail: String(error) } };
    }
    const payload = JSON.stringify(response.body);
    const call: RecordedCall = {
      method: parsed.method,
      args: parsed.kind === "call" ? parsed.args : {},
      at: now(),
      // Parsed back from what was sent, so later changes to the workspace don't rewrite history.
      response: { status: response.status, headers: response.headers, body: JSON.parse(payload) as Record<string, unknown> },
    };
    recorded.push(call);
    emitter.emit("call", call);
    if (lost?.lost === "drop") {
      res.socket?.destroy();
      return;
    }
    if (lost?.lost === "timeout") await untilClosed(res, lost.holdMs ?? 60_000);
    // stop() may have closed the connection while this call was waiting out its latency.
    if (res.destroyed) return;
    res.writeHead(response.status, { ...response.headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(payload) });
    res.end(payload);
  }

  function channelOrThrow(id: string): ChannelRecord {
    const channel = workspace.channels.get(id);
    if (!channel) throw new Error(`Unknown channel ${id}.`);
    return channel;
  }

  return {
    async start(port = 0) {
      if (server) throw new Error("The Slack emulator is already started.");
      const listening = createServer((req, res) => void handle(req, res));
      listening.on("upgrade", (req, socket, head) => {
        // Bytes that arrived with the upgrade request belong to the WebSocket.
        if (head.length > 0) socket.unshift(head);
        if (!socketMode.handleUpgrade(req, socket)) socket.end("HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n");
      });
      // Clients close idle connections first (see src/http/server.ts): no reset under a reused one.
      listening.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        listening.once("error", reject);
        listening.listen(port, "127.0.0.1", () => resolve());
      });
      server = listening;
      url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/api/`;
      return { url };
    },
    async stop() {
      const closing = server;
      server = undefined;
      url = undefined;
      if (!closing) return;
      // Upgraded sockets are not the server's any more: closeAllConnections() would leave them open.
      socketMode.close();
      await new Promise<void>((resolve) => {
        closing.close(() => resolve());
        // WebClient keeps connections alive; don't wait for them to idle out.
        closing.closeAllConnections();
      });
    },
    get url() {
      return url;
    },
    botToken: tokenList[0]!,
    appToken,
    socketMode,
    get botUserId() {
      return workspace.bot.userId;
    },
    get botId() {
      return workspace.bot.botId;
    },
    teamId: identity.teamId,

    addUser: (seed) => addUser(workspace, seed),
    addChannel(seed) {
      const id = addChannel(workspace, seed);
      emitter.emit("channel", { action: "created", channel: id });
      return id;
    },
    addUserGroup: (seed) => addUserGroup(workspace, seed),
    postAsUser(channelId, userId, text, opts = {}) {
      const message = postAsUser(workspace, channelId, userId, text, opts.threadTs);
      emitter.emit("message", { channel: channelId, message });
      return structuredClone(message);
    },
    issueTrigger: () => issueTrigger(workspace),
    issueResponseUrl: (to) => issueResponseUrl(workspace, origin(), to),
    setViewState(viewId, values) {
      const view = workspace.views.get(viewId);
      if (!view) throw new Error(`Unknown view ${viewId}.`);
      view.state = { values: structuredClone(values) };
    },

    user(id) {
      const user = workspace.users.get(id);
      return user && userShape(workspace, user);
    },
    channel: (id) => snapshot(workspace.channels.get(id)),
    channelByName: (name) => snapshot(channelByName(workspace, name)),
    messages: (channelId) => structuredClone(workspace.channels.get(channelId)?.messages ?? []),
    files: () => uploadedFiles(workspace),
    thread(channelId, threadTs) {
      const messages = workspace.channels.get(channelId)?.messages ?? [];
      return structuredClone(messages.filter((m) => m.ts === threadTs || m.thread_ts === threadTs));
    },
    ephemerals: (channelId) => structuredClone(workspace.ephemerals.filter((e) => channelId === undefined || e.channel === channelId)),
    responses: (userId) => structuredClone(workspace.responses.filter((r) => userId === undefined || r.user === userId)),
    directMessages: (userId) => structuredClone(workspace.ims.get(userId)?.messages ?? []),
    pins(channelId) {
      const channel = channelOrThrow(channelId);
      return channel.pins.map((pin) => ({
        ts: pin.ts,
        created: pin.created,
        created_by: pin.createdBy,
        message: structuredClone(channel.messages.find((m) => m.ts === pin.ts)),
      }));
    },
    bookmarks: (channelId) => structuredClone(channelOrThrow(channelId).bookmarks),
    views: () => structuredClone([...workspace.views.values()]),
    view: (id) => structuredClone(workspace.views.get(id)),
    homeView: (userId) => structuredClone(workspace.homeViews.get(userId)),

    failNext: (method, spec) => failures.failNext(method, spec),
    failAll: (method, spec) => failures.failAll(method, spec),
    clearFailures: () => failures.clear(),
    setLatency(ms) {
      latencyMs = ms;
    },

    calls: (method) => structuredClone(recorded.filter((c) => method === undefined || c.method === method)),
    clearCalls() {
      recorded = [];
    },
    rateLimitViolations: () => limiter.violations(),
    reset() {
      workspace = createWorkspace(identity, now);
      recorded = [];
      failures.clear();
      limiter.reset();
    },

    on: (event, listener) => emitter.on(event, listener),
  };
}

/** Resolves when the client closes the connection (its timeout fired) or after `ms`. */
function untilClosed(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function snapshot(channel: ChannelRecord | undefined): ChannelSnapshot | undefined {
  if (!channel) return undefined;
  return {
    id: channel.id,
    name: channel.name,
    is_private: channel.isPrivate,
    is_archived: channel.isArchived,
    created: channel.created,
    creator: channel.creator,
    members: [...channel.members],
    topic: { ...channel.topic },
    purpose: { ...channel.purpose },
    previous_names: [...channel.previousNames],
  };
}
