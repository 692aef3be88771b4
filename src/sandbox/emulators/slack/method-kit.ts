// What every emulated method is made of: a zod schema for its arguments (as they arrive,
// strings from a form or values from JSON) and a function of the workspace that answers.
import { z } from "zod";
import type { Emit } from "./emulator-events.js";
import type { Workspace } from "./workspace-state.js";

export type SlackBody = Record<string, unknown> & { ok: boolean };

export interface MethodContext {
  workspace: Workspace;
  emit: Emit;
  /** Check what Slack checks (Block Kit, triggers, membership), not only the shape of the call. */
  strict: boolean;
  /** The bot token's scopes (X-OAuth-Scopes). */
  scopes: readonly string[];
  /** Where the emulator listens (http://127.0.0.1:port), for URLs it hands out (file uploads). */
  origin?: string;
}

export type MethodHandler = (context: MethodContext, args: Record<string, unknown>) => SlackBody;

export const ok = (body: Record<string, unknown> = {}): SlackBody => ({ ok: true, ...body });
export const fail = (error: string, extra: Record<string, unknown> = {}): SlackBody => ({ ok: false, error, ...extra });

/**
 * Slack's refusal of a call the token has no scope for: `missing_scope`, naming the scope needed
 * and those provided (https://docs.slack.dev/reference/methods, "Common errors"; HTTP 200 like every error).
 */
export function missingScope(context: Pick<MethodContext, "scopes">, needed: string): SlackBody | undefined {
  return context.scopes.includes(needed) ? undefined : fail("missing_scope", { needed, provided: context.scopes.join(",") });
}

/** A handler whose arguments passed `schema`; anything else is Slack's `invalid_arguments`. */
export function method<S extends z.ZodType>(schema: S, run: (context: MethodContext, args: z.output<S>) => SlackBody): MethodHandler {
  return (context, raw) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return fail("invalid_arguments", { response_metadata: { messages: parsed.error.issues.map((i) => `[ERROR] ${i.path.join(".")}: ${i.message}`) } });
    return run(context, parsed.data);
  };
}

// Form bodies carry every value as a string: booleans as "true"/"1", numbers as digits.
export const flag = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", ""])])
  .transform((v) => v === true || v === "true" || v === "1");
export const count = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);
export const text = z.string();

/** A structured field that may arrive JSON-encoded inside a form field. */
export const json = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }, schema);

export const blocks = json(z.array(z.record(z.string(), z.unknown())));
export const attachments = json(z.array(z.record(z.string(), z.unknown())));

/** Cursor pagination as Slack does it: an opaque `next_cursor`, empty on the last page. */
export function paginate<T>(items: T[], args: { cursor?: string | undefined; limit?: number | undefined }, defaultLimit = 100) {
  const start = args.cursor ? Number(Buffer.from(args.cursor, "base64url").toString().replace(/^offset:/, "")) || 0 : 0;
  const limit = args.limit && args.limit > 0 ? Math.min(args.limit, 1000) : defaultLimit;
  const page = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(`offset:${start + limit}`).toString("base64url") : "";
  return { page, hasMore: next !== "", response_metadata: { next_cursor: next } };
}
