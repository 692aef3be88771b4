// The server side of a WebSocket (RFC 6455), just what Socket Mode needs: the opening handshake,
// text frames each way, ping answered with pong, and the close handshake. Written on node:http's
// `upgrade` so the emulator ships without a WebSocket dependency.
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

// RFC 6455 §1.3: the accept key is SHA-1 of the client's key and this GUID, base64.
const HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface WebSocketConnection {
  send(text: string): void;
  /** Starts the close handshake (RFC 6455 §5.5.1); the socket ends when the client answers. */
  close(code?: number, reason?: string): void;
  /** Ends the TCP connection with no close frame: a network drop, as a client sees one. */
  destroy(): void;
  onMessage(listener: (text: string) => void): void;
  onClose(listener: () => void): void;
  readonly open: boolean;
}

/** Completes the handshake on `socket`; undefined (and a 400 written) when the request is not a WebSocket upgrade. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex): WebSocketConnection | undefined {
  const key = req.headers["sec-websocket-key"];
  if (typeof key !== "string" || req.headers.upgrade?.toLowerCase() !== "websocket") {
    socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    return undefined;
  }
  const accept = createHash("sha1").update(key + HANDSHAKE_GUID).digest("base64");
  socket.write(["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${accept}`, "", ""].join("\r\n"));

  const messageListeners: ((text: string) => void)[] = [];
  const closeListeners: (() => void)[] = [];
  let buffered = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  let open = true;
  let closeSent = false;

  const frame = (opcode: number, payload: Buffer) => {
    // Server frames are never masked (RFC 6455 §5.1).
    const length = payload.length;
    const header = length < 126 ? Buffer.from([0x80 | opcode, length]) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
    if (length >= 126) {
      header[0] = 0x80 | opcode;
      if (length < 65_536) {
        header[1] = 126;
        header.writeUInt16BE(length, 2);
      } else {
        header[1] = 127;
        header.writeBigUInt64BE(BigInt(length), 2);
      }
    }
    if (!socket.destroyed) socket.write(Buffer.concat([header, payload]));
  };

  const ended = () => {
    if (!open && closeListeners.length === 0) return;
    open = false;
    for (const listener of closeListeners.splice(0)) listener();
  };

  const closeFrame = (code: number, reason: string) => {
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    return payload;
  };

  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (buffered.length < 2) return;
      const fin = (buffered[0]! & 0x80) !== 0;
      const opcode = buffered[0]! & 0x0f;
      const masked = (buffered[1]! & 0x80) !== 0;
      let length = buffered[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) return;
        length = buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffered.length < 10) return;
        length = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      // Clients must mask every frame (RFC 6455 §5.1); the server closes with 1002 otherwise.
      if (!masked) {
        frame(OPCODE.close, closeFrame(1002, "unmasked frame"));
        socket.destroy();
        return;
      }
      if (buffered.length < offset + 4 + length) return;
      const mask = buffered.subarray(offset, offset + 4);
      const payload = Buffer.from(buffered.subarray(offset + 4, offset + 4 + length));
      for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      buffered = buffered.subarray(offset + 4 + length);

      if (opcode === OPCODE.ping) frame(OPCODE.pong, payload);
      else if (opcode === OPCODE.close) {
        // Answer the client's close (or take its answer to ours), then end the connection.
        if (!closeSent) frame(OPCODE.close, payload.subarray(0, 2));
        closeSent = true;
        socket.end();
        ended();
        return;
      } else if (opcode === OPCODE.text || opcode === OPCODE.continuation) {
        fragments.push(payload);
        if (fin) {
          const text = Buffer.concat(fragments).toString("utf8");
          fragments = [];
          for (const listener of messageListeners) listener(text);
        }
      }
    }
  });
  socket.on("close", ended);
  socket.on("error", () => socket.destroy());

  return {
    send(text) {
      if (open && !closeSent) frame(OPCODE.text, Buffer.from(text, "utf8"));
    },
    close(code = 1000, reason = "") {
      if (!open || closeSent) return;
      closeSent = true;
      frame(OPCODE.close, closeFrame(code, reason));
    },
    destroy() {
      socket.destroy();
      ended();
    },
    onMessage: (listener) => void messageListeners.push(listener),
    onClose: (listener) => void closeListeners.push(listener),
    get open() {
      return open && !closeSent;
    },
  };
}
