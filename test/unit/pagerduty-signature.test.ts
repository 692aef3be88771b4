import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CodedError } from "../../src/kernel/errors.js";
import { signPagerdutyBody, verifyPagerdutySignature } from "../../src/http/pagerduty-signature.js";

const dir = "test/fixtures/pagerduty/webhooks-v3";
const fixture = JSON.parse(readFileSync(`${dir}/signature-vectors.json`, "utf8"));
const vectors: { id: string; secret: string; raw_body: string; raw_body_file?: string; headers: Record<string, string>; expected_valid: boolean }[] =
  fixture.vectors;
const valid = vectors.find((v) => v.id === "go-pagerduty-valid")!;
// Byte-exact: read as a Buffer, never re-serialised.
const rawBody = readFileSync(`${dir}/${valid.raw_body_file}`);
const validHeader = valid.headers["X-PagerDuty-Signature"]!;

const outcome = (fn: () => void) => {
  try {
    fn();
    return "valid";
  } catch (error) {
    return (error as CodedError).code;
  }
};

describe("PagerDuty webhook signatures (go-pagerduty's vectors)", () => {
  it.each(vectors.map((v) => [v.id, v] as const))("%s", (_id, vector) => {
    const result = outcome(() =>
      verifyPagerdutySignature({ rawBody: vector.raw_body, header: vector.headers["X-PagerDuty-Signature"], secrets: [vector.secret] }),
    );
    expect(result).toBe(vector.expected_valid ? "valid" : "bad_signature");
  });

  it("verifies the byte-exact body file, which is the vector's raw_body", () => {
    expect(rawBody.toString("utf8")).toBe(valid.raw_body);
    expect(rawBody.at(-1)).toBe("}".charCodeAt(0));
    expect(outcome(() => verifyPagerdutySignature({ rawBody, header: validHeader, secrets: [valid.secret] }))).toBe("valid");
    expect(signPagerdutyBody(rawBody, valid.secret)).toBe(validHeader);
  });

  it("uses the secret as-is, not base64-decoded", () => {
    const decoded = Buffer.from(valid.secret, "base64").toString("latin1");
    expect(outcome(() => verifyPagerdutySignature({ rawBody, header: validHeader, secrets: [decoded] }))).toBe("bad_signature");
  });

  it("rejects a body changed by one byte, e.g. re-serialised with a trailing newline", () => {
    const changed = Buffer.concat([rawBody, Buffer.from("\n")]);
    expect(outcome(() => verifyPagerdutySignature({ rawBody: changed, header: validHeader, secrets: [valid.secret] }))).toBe("bad_signature");
  });

  it("accepts either secret during a rotation, whichever of several v1 values matches", () => {
    const newSecret = "rotated-secret-9f3c";
    const oldSig = signPagerdutyBody(rawBody, valid.secret);
    const newSig = signPagerdutyBody(rawBody, newSecret);
    const both = `${oldSig},${newSig}`;
    expect(outcome(() => verifyPagerdutySignature({ rawBody, header: both, secrets: [newSecret] }))).toBe("valid");
    expect(outcome(() => verifyPagerdutySignature({ rawBody, header: both, secrets: [valid.secret] }))).toBe("valid");
    expect(outcome(() => verifyPagerdutySignature({ rawBody, header: newSig, secrets: [valid.secret, newSecret] }))).toBe("valid");
    expect(outcome(() => verifyPagerdutySignature({ rawBody, header: oldSig, secrets: ["other", "another"] }))).toBe("bad_signature");
  });

  it("ignores other versions, whitespace and malformed entries around a good v1", () => {
    const header = ` v2=${"ab".repeat(32)} , v1=nothex, v1 = ${validHeader.slice(3).toUpperCase()} ,junk`;
    expect(outcome(() => verifyPagerdutySignature({ rawBody, header, secrets: [valid.secret] }))).toBe("valid");
  });

  it("parses the documented two-signature header, which matches no known secret", () => {
    const header = fixture.documented_header_example as string;
    expect(outcome(() => verifyPagerdutySignature({ rawBody, header, secrets: [valid.secret] }))).toBe("bad_signature");
  });

  it("rejects missing, empty and v1-less headers, and an empty secret list, with a sentence", () => {
    for (const header of [undefined, "", "v1=", "v0=abc", "v1=" + "0".repeat(63), "garbage"]) {
      expect(outcome(() => verifyPagerdutySignature({ rawBody, header, secrets: [valid.secret] }))).toBe("bad_signature");
    }
    expect(() => verifyPagerdutySignature({ rawBody, header: validHeader, secrets: [] })).toThrow(/PAGERDUTY_WEBHOOK_SECRETS/);
    expect(() => verifyPagerdutySignature({ rawBody, header: validHeader, secrets: [""] })).toThrow(/PAGERDUTY_WEBHOOK_SECRETS/);
    expect(() => verifyPagerdutySignature({ rawBody, header: undefined, secrets: [valid.secret] })).toThrow(/X-PagerDuty-Signature/);
  });
});
