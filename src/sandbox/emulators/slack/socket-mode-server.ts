// Slack's Socket Mode, served by the emulator (https://docs.slack.dev/apis/events-api/using-socket-mode).
// apps.connections.open hands out a single-use WebSocket URL ("The URL is created at runtime ... and
// it refreshes regularly": a client calls it again for every reconnect). On connect the server says
// `hello`; it then sends envelopes (`events_api`, `slash_commands`, `interactive`), each acknowledged
// by its `envelope_id`, with a payload where `accepts_response_payload` allows one. An `events_api`
// envelope not acknowledged in time, or whose connection ended first, is sent again with
// `retry_attempt` one higher, as the Events API retries (up to 3 times,
// https://docs.slack.dev/apis/events-api/#retries); commands and interactions are not retried, as a
// person who gets no answer sees an error instead. Shapes follow the docs' and the official SDKs'
// examples (test/fixtures/slack/socket-mode).
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { acceptWebSocket, type WebSocketConnection } from "./websocket-connection.js";

export type EnvelopeType = "events_api" | "slash_commands" | "interactive";
export type DisconnectReason = "warning" | "refresh_requested" | "link_disabled" | "too_many_websockets";

export interface SocketModeEnvelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  /** events_api only: 0 on first delivery. */
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketModeAck {
  envelope_id: string;
  payload?: unknown;
  /** Which delivery of the envelope was acknowledged (its retry_attempt; 0 for commands and interactions). */
  attempt: number;
}

export interface SocketModeOptions {
  appId: string;
  /** How long an events_api envelope waits for its ack before it is sent again (Slack: 3 s). */
  ackTimeoutMs?: number;
  /** The Events API's retries after the first delivery. */
  maxRetries?: number;
}

export interface SocketModeServer {
  /** A fresh single-use URL on the emulator's port (the answer of apps.connections.open). */
  issueUrl(origin: string): string;
  /** Takes an HTTP upgrade for a Socket Mode URL; false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex): boolean;
  /** Sends an envelope (now, or when a connection opens); resolves to its envelope_id. */
  send(type: EnvelopeType, payload: Record<string, unknown>): string;
  /** Resolves with the ack of `envelopeId` once the app sends it. */
  acked(envelopeId: string): Promise<SocketModeAck>;
  acks(): SocketModeAck[];
  /** Every envelope sent down a WebSocket, retries included, in order. */
  deliveries(): SocketModeEnvelope[];
  /** Tells every connection to reconnect, as Slack does before recycling a host. */
  disconnect(reason: DisconnectReason): void;
  /** Ends every connection with no close frame: the network drops. */
  drop(): void;
  /** Connections that have been sent `hello` and are open. */
  readonly connections: number;
  /** Resolves once at least `count` connections are open (a `hello` sent on each). */
  whenConnected(count?: number): Promise<void>;
  /** Resolves when the next connection opens (after a disconnect or a drop, the client's reconnect). */
  nextConnection(): Promise<void>;
  close(): void;
}

const PATH = "/link/";

interface Pending {
  envelope: SocketModeEnvelope;
  acked: boolean;
  timer?: NodeJS.Timeout;
  on?: WebSocketConnection;
}

export function createSocketModeServer(options: SocketModeOptions): SocketModeServer {
  const ackTimeoutMs = options.ackTimeoutMs ?? 3_000;
  const maxRetries = options.maxRetries ?? 3;
  const tickets = new Set<string>();
  const open: WebSocketConnection[] = [];
  const pending = new Map<string, Pending>();
  const acks: SocketModeAck[] = [];
  const deliveries: SocketModeEnvelope[] = [];
  const ackWaiters = new Map<string, ((ack: SocketModeAck) => void)[]>();
  let connectedWaiters: { count: number; resolve: () => void }[] = [];
  let nextWaiters: (() => void)[] = [];

  function deliver(item: Pending) {
    const connection = open[0];
    item.on = connection;
    if (!connection) return; // waits for the next hello
    deliveries.push(structuredClone(item.envelope));
    connection.send(JSON.stringify(item.envelope));
    if (item.envelope.type !== "events_api") return;
    clearTimeout(item.timer);
    item.timer = setTimeout(() => retry(item, "timeout"), ackTimeoutMs);
  }

  function retry(item: Pending, reason: string) {
    clearTimeout(item.timer);
    if (item.acked) return;
    const attempt = (item.envelope.retry_attempt ?? 0) + 1;
    if (item.envelope.type !== "events_api" || attempt > maxRetries) {
      pending.delete(item.envelope.envelope_id);
      return;
    }
    item.envelope = { ...item.envelope, retry_attempt: attempt, retry_reason: reason };
    deliver(item);
  }

  function receive(text: string) {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== "string") return;
    const item = pending.get(message.envelope_id);
    if (!item || item.acked) return;
    item.acked = true;
    clearTimeout(item.timer);
    pending.delete(message.envelope_id);
    // "payload" is optional in an ack; only where accepts_response_payload is it used.
    const ack: SocketModeAck = {
      envelope_id: message.envelope_id,
      ...(message.payload !== undefined && { payload: message.payload }),
      attempt: item.envelope.retry_attempt ?? 0,
    };
    acks.push(ack);
    for (const resolve of ackWaiters.get(ack.envelope_id) ?? []) resolve(ack);
    ackWaiters.delete(ack.envelope_id);
  }

  function connected(connection: WebSocketConnection) {
    open.push(connection);
    connection.onMessage(receive);
    connection.onClose(() => {
      open.splice(open.indexOf(connection), 1);
      // What was in flight on this connection was not acknowledged: events go again on another.
      for (const item of pending.values()) if (item.on === connection && !item.acked) retry(item, "timeout");
    });
    connection.send(
      JSON.stringify({
        type: "hello",
        num_connections: open.length,
        debug_info: { host: "applink-emulator", build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: options.appId },
      }),
    );
    for (const item of pending.values()) if (!item.on && !item.acked) deliver(item);
    connectedWaiters = connectedWaiters.filter((w) => (open.length >= w.count ? (w.resolve(), false) : true));
    for (const resolve of nextWaiters.splice(0)) resolve();
  }

  return {
    issueUrl(origin) {
      const ticket = randomUUID();
      tickets.add(ticket);
      return `${origin.replace(/^http/, "ws")}${PATH}?ticket=${ticket}&app_id=${options.appId}`;
    },
    handleUpgrade(req, socket) {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== PATH) return false;
      const ticket = url.searchParams.get("ticket") ?? "";
      // A URL is good for one connection; a client reconnecting asks apps.connections.open again.
      if (!tickets.delete(ticket)) {
        socket.end("HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n");
        return true;
      }
      const connection = acceptWebSocket(req, socket);
      if (connection) connected(connection);
      return true;
    },
    send(type, payload) {
      const envelope: SocketModeEnvelope = {
        envelope_id: randomUUID(),
        type,
        payload: structuredClone(payload),
        // As in the docs' examples: commands and interactions may be answered in the ack, events not.
        accepts_response_payload: type !== "events_api",
        ...(type === "events_api" && { retry_attempt: 0, retry_reason: "" }),
      };
      const item: Pending = { envelope, acked: false };
      pending.set(envelope.envelope_id, item);
      deliver(item);
      return envelope.envelope_id;
    },
    acked(envelopeId) {
      const done = acks.find((a) => a.envelope_id === envelopeId);
      if (done) return Promise.resolve(structuredClone(done));
      return new Promise((resolve) => ackWaiters.set(envelopeId, [...(ackWaiters.get(envelopeId) ?? []), resolve]));
    },
    acks: () => structuredClone(acks),
    deliveries: () => structuredClone(deliveries),
    disconnect(reason) {
      for (const connection of [...open]) connection.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "applink-emulator" } }));
    },
    drop() {
      for (const connection of [...open]) connection.destroy();
    },
    get connections() {
      return open.length;
    },
    whenConnected(count = 1) {
      if (open.length >= count) return Promise.resolve();
      return new Promise((resolve) => connectedWaiters.push({ count, resolve }));
    },
    nextConnection: () => new Promise((resolve) => nextWaiters.push(resolve)),
    close() {
      for (const item of pending.values()) clearTimeout(item.timer);
      for (const connection of [...open]) connection.destroy();
      tickets.clear();
    },
  };
}
