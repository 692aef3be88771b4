import type { IncomingMessage } from "node:http";
import { CodedError } from "../kernel/errors.js";

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads the raw body, refusing (413) as soon as it passes `limit` bytes. It stops listening rather
 * than destroying the request, so the socket lives on to carry the answer (see drainUnreadBody).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.pause();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
  });
}

/**
 * Reads and discards what is left of a body nobody read (refused early: too large, unsigned, or
 * sent to an endpoint that takes none), up to a bound, so a client still uploading reads our
 * answer. Closing a socket with unread data makes the kernel reset it, and the client then sees
 * EPIPE or ECONNRESET instead of the 401 or 413 that says what to fix.
 */
export function drainUnreadBody(req: IncomingMessage, maxBytes = 16 * 1024 * 1024, maxMs = 5_000): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      req.off("data", onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const timer = setTimeout(done, maxMs);
    req.on("data", onData);
    req.once("end", done);
    req.once("close", done);
    req.once("error", done);
    req.resume();
  });
}

const tooLarge = (limit: number) => new CodedError("body_too_large", `The body is larger than ${limit} bytes.`);
