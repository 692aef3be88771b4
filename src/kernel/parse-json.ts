// The one way stored payloads (jobs' payload) and Slack values (a button's `value`, a modal's
// `private_metadata`) become typed: parse, then validate with zod, and fail as `invalid_payload`
// with a one-line reason. Inside, only the typed value travels (STYLE.md: zod at every boundary).
import type { z } from "zod";
import { CodedError } from "./errors.js";

/** `value` (already parsed, e.g. a jsonb column) checked against `schema`; `what` names it in the error. */
export function validateWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
  throw new CodedError("invalid_payload", `${what} is not valid: ${where}${issue?.message ?? "it does not match its schema"}`, { cause: result.error });
}

/** JSON `text` parsed and checked against `schema`; `what` names it in the error. */
export function parseJsonWith<S extends z.ZodType>(schema: S, text: string | null | undefined, what: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text ?? "");
  } catch (error) {
    // One line: JSON.parse's message can quote the whole text, which may be long or private.
    throw new CodedError("invalid_payload", `${what} is not valid: it is not JSON`, { cause: error });
  }
  return validateWith(schema, value, what);
}

/**
 * As parseJsonWith, but undefined when the text is not what we expect: a button on a message
 * posted by an older version is a normal thing to meet, answered with a sentence, not a failure.
 */
export function tryParseJsonWith<S extends z.ZodType>(schema: S, text: string | null | undefined, what: string): z.output<S> | undefined {
  try {
    return parseJsonWith(schema, text, what);
  } catch (error) {
    if (error instanceof CodedError && error.code === "invalid_payload") return undefined;
    throw error;
  }
}
