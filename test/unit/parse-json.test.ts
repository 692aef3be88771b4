// One way to turn stored payloads and Slack values into typed data: parse, validate, and fail
// as invalid_payload with a one-line reason that names what was being read.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CodedError } from "../../src/kernel/errors.js";
import { parseJsonWith, tryParseJsonWith, validateWith } from "../../src/kernel/parse-json.js";

const stepButton = z.object({ runId: z.number().int(), position: z.number().int().min(0) });

function failure(fn: () => unknown): CodedError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodedError) return error;
    throw error;
  }
  throw new Error("expected a CodedError");
}

describe("parseJsonWith", () => {
  it("returns the typed value for JSON that matches the schema", () => {
    expect(parseJsonWith(stepButton, '{"runId":7,"position":0}', "a step button's value")).toEqual({ runId: 7, position: 0 });
  });

  it("refuses text that is not JSON, without quoting it", () => {
    const error = failure(() => parseJsonWith(stepButton, "{runId: secret-token", "a step button's value"));
    expect(error.code).toBe("invalid_payload");
    expect(error.status).toBe(400);
    expect(error.message).toBe("a step button's value is not valid: it is not JSON");
    expect(error.message).not.toContain("secret-token");
  });

  it("refuses a missing value (Slack omits `value` on some elements)", () => {
    expect(failure(() => parseJsonWith(stepButton, undefined, "a step button's value")).message).toBe("a step button's value is not valid: it is not JSON");
  });

  it("names the first field that does not match, on one line", () => {
    const error = failure(() => parseJsonWith(stepButton, '{"runId":7,"position":-1}', "a step button's value"));
    expect(error.code).toBe("invalid_payload");
    expect(error.message).toMatch(/^a step button's value is not valid: position: .+$/);
    expect(error.message).not.toContain("\n");
  });
});

describe("validateWith", () => {
  it("checks an already parsed payload (a job's jsonb column) and keeps zod's output type", () => {
    const reminder = z.object({ due: z.coerce.date() });
    expect(validateWith(reminder, { due: "2026-06-01T12:20:00Z" }, "a reminder job's payload").due).toEqual(new Date("2026-06-01T12:20:00Z"));
    expect(failure(() => validateWith(reminder, { due: "soon" }, "a reminder job's payload")).message).toMatch(/^a reminder job's payload is not valid: due: /);
    expect(failure(() => validateWith(reminder, null, "a reminder job's payload")).message).toBe("a reminder job's payload is not valid: Invalid input: expected object, received null");
  });
});

describe("tryParseJsonWith", () => {
  it("answers undefined for a value it cannot read (a button from an older version) and the value otherwise", () => {
    expect(tryParseJsonWith(stepButton, '{"runId":"7"}', "a step button's value")).toBeUndefined();
    expect(tryParseJsonWith(stepButton, "not json", "a step button's value")).toBeUndefined();
    expect(tryParseJsonWith(stepButton, '{"runId":7,"position":2}', "a step button's value")).toEqual({ runId: 7, position: 2 });
  });
});
