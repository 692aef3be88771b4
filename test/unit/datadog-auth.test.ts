import { describe, expect, it } from "vitest";
import type { CodedError } from "../../src/kernel/errors.js";
import { verifyDatadogSecret, type HeaderBag } from "../../src/http/datadog-auth.js";

const secret = "s3cret-Shared-with-Datadog";
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

const outcome = (headers: HeaderBag, configured = secret) => {
  try {
    verifyDatadogSecret({ headers, secret: configured });
    return "valid";
  } catch (error) {
    return (error as CodedError).code;
  }
};

describe("Datadog webhook shared secret", () => {
  it("accepts the secret in X-Firebreak-Token, whatever the header's case", () => {
    expect(outcome({ "x-firebreak-token": secret })).toBe("valid");
    expect(outcome({ "X-Firebreak-Token": secret })).toBe("valid");
    expect(outcome({ "x-firebreak-token": [secret] })).toBe("valid");
  });

  it("accepts the secret as the basic-auth password with any username, including one with a colon in the password", () => {
    expect(outcome({ authorization: basic("datadog", secret) })).toBe("valid");
    expect(outcome({ authorization: basic("", secret) })).toBe("valid");
    expect(outcome({ authorization: basic("x", "a:b") }, "a:b")).toBe("valid");
  });

  it("accepts a request when either place holds the secret", () => {
    expect(outcome({ "x-firebreak-token": "wrong", authorization: basic("datadog", secret) })).toBe("valid");
    expect(outcome({ "x-firebreak-token": secret, authorization: basic("datadog", "wrong") })).toBe("valid");
  });

  it("refuses a wrong, partial, longer or missing secret as unauthorized", () => {
    expect(outcome({})).toBe("unauthorized");
    expect(outcome({ "x-firebreak-token": "wrong" })).toBe("unauthorized");
    expect(outcome({ "x-firebreak-token": secret.slice(0, -1) })).toBe("unauthorized");
    expect(outcome({ "x-firebreak-token": `${secret}x` })).toBe("unauthorized");
    expect(outcome({ "x-firebreak-token": "" })).toBe("unauthorized");
    expect(outcome({ authorization: basic(secret, "wrong") })).toBe("unauthorized");
    expect(outcome({ authorization: `Bearer ${secret}` })).toBe("unauthorized");
    expect(outcome({ authorization: `Basic ${Buffer.from(secret).toString("base64")}` })).toBe("unauthorized");
  });

  it("never accepts anything when no secret is configured", () => {
    expect(outcome({ "x-firebreak-token": "" }, "")).toBe("unauthorized");
    expect(outcome({ authorization: basic("datadog", "") }, "")).toBe("unauthorized");
  });

  it("tells the operator where the secret goes", () => {
    expect(() => verifyDatadogSecret({ headers: {}, secret })).toThrow(/X-Firebreak-Token.*basic-auth password/);
  });
});
