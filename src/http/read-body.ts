import type { IncomingMessage } from "node:http";
import { CodedError } from "../errors.js";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the raw body, refusing (413) as soon as it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const tooLarge = (limit: number) => new CodedError("body_too_large", `The body is larger than ${limit} bytes.`);
