import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CodedError } from "../../src/kernel/errors.js";
import { slackSignature, verifySlackRequest } from "../../src/http/slack-signature.js";

const fixture = JSON.parse(readFileSync("test/fixtures/slack/signing-vectors.json", "utf8"));
const [valid, modifiedBody, stale] = fixture.vectors;

const codeOf = (fn: () => void) => {
  try {
    fn();
    return "valid";
  } catch (error) {
    return (error as CodedError).code;
  }
};

describe("Slack request signatures (Slack's published vectors)", () => {
  it("computes the documented signature", () => {
    expect(slackSignature(valid.signing_secret, valid.timestamp, valid.raw_body)).toBe(valid.expected_signature);
  });

  it("accepts the worked example at its own time, and a body sent as bytes", () => {
    const input = { signingSecret: valid.signing_secret, timestamp: valid.timestamp, signature: valid.expected_signature, nowMs: valid.now_for_test * 1000 };
    expect(codeOf(() => verifySlackRequest({ ...input, rawBody: valid.raw_body }))).toBe("valid");
    expect(codeOf(() => verifySlackRequest({ ...input, rawBody: Buffer.from(valid.raw_body) }))).toBe("valid");
  });

  it("rejects a modified body, a stale timestamp, a future timestamp and missing headers", () => {
    const base = { signingSecret: valid.signing_secret, timestamp: valid.timestamp, signature: valid.expected_signature };
    expect(codeOf(() => verifySlackRequest({ ...base, rawBody: modifiedBody.raw_body, nowMs: modifiedBody.now_for_test * 1000 }))).toBe("bad_signature");
    expect(codeOf(() => verifySlackRequest({ ...base, rawBody: stale.raw_body, nowMs: Date.now() }))).toBe("stale_timestamp");
    expect(codeOf(() => verifySlackRequest({ ...base, rawBody: valid.raw_body, nowMs: (Number(valid.timestamp) - 301) * 1000 }))).toBe("stale_timestamp");
    expect(codeOf(() => verifySlackRequest({ ...base, rawBody: valid.raw_body, nowMs: (Number(valid.timestamp) + 300) * 1000 }))).toBe("valid");
    expect(codeOf(() => verifySlackRequest({ ...base, signature: undefined, rawBody: valid.raw_body, nowMs: valid.now_for_test * 1000 }))).toBe("bad_signature");
    expect(codeOf(() => verifySlackRequest({ ...base, timestamp: undefined, rawBody: valid.raw_body, nowMs: valid.now_for_test * 1000 }))).toBe("bad_signature");
    expect(codeOf(() => verifySlackRequest({ ...base, signature: "v0=short", rawBody: valid.raw_body, nowMs: valid.now_for_test * 1000 }))).toBe("bad_signature");
  });
});
