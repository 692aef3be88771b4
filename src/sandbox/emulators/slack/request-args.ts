// What a Web API request carries: the method from the path, arguments from the query string and
// a form or JSON body, and the token from the Authorization header or a `token` field.
// @slack/web-api sends forms and JSON-encodes any non-scalar value (blocks, view, ...) inside
// its field; those fields are decoded here so recorded calls show the structure that was sent.
import type { IncomingMessage } from "node:http";

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const STRUCTURED_FIELDS = new Set(["blocks", "attachments", "view", "metadata"]);

export type ParsedRequest =
  | { kind: "call"; method: string; args: Record<string, unknown>; token: string | undefined }
  | { kind: "not_found" }
  | { kind: "bad_body"; method: string; error: "invalid_json" | "json_not_object" | "invalid_form_data" };

export async function parseRequest(req: IncomingMessage): Promise<ParsedRequest> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const match = /^\/api\/([\w.]+)$/.exec(url.pathname);
  if (!match) return { kind: "not_found" };
  const method = match[1]!;
  const raw = await readBody(req);
  const contentType = (req.headers["content-type"] ?? "").toLowerCase();
  const args: Record<string, unknown> = Object.fromEntries(url.searchParams);

  if (raw.length > 0) {
    if (contentType.startsWith("application/json")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString("utf8"));
      } catch {
        return { kind: "bad_body", method, error: "invalid_json" };
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { kind: "bad_body", method, error: "json_not_object" };
      Object.assign(args, parsed);
    } else if (contentType.startsWith("multipart/form-data")) {
      // File uploads are not emulated.
      return { kind: "bad_body", method, error: "invalid_form_data" };
    } else {
      for (const [key, value] of new URLSearchParams(raw.toString("utf8"))) args[key] = STRUCTURED_FIELDS.has(key) ? decodeJson(value) : value;
    }
  }

  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const token = bearer ?? (typeof args.token === "string" && args.token !== "" ? args.token : undefined);
  delete args.token;
  return { kind: "call", method, args, token };
}

function decodeJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`Request body over ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
