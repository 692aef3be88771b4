// X-Hub-Signature-256, against GitHub's own test vector.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { signGithubBody, verifyGithubSignature } from "../../src/http/github-signature.js";

const vector = JSON.parse(readFileSync(new URL("../fixtures/github/webhooks/signature-test-vector.docs.json", import.meta.url), "utf8")) as { secret: string; payload: string; "X-Hub-Signature-256": string };

describe("GitHub webhook signatures", () => {
  it("accept GitHub's documented test vector", () => {
    expect(signGithubBody(vector.payload, vector.secret)).toBe(vector["X-Hub-Signature-256"]);
    expect(() => verifyGithubSignature({ rawBody: Buffer.from(vector.payload), header: vector["X-Hub-Signature-256"], secret: vector.secret })).not.toThrow();
  });

  it.each([
    ["a missing header", undefined],
    ["another body's signature", signGithubBody("Hello, World?", vector.secret)],
    ["another secret's signature", signGithubBody(vector.payload, "not the secret at all")],
    ["the legacy SHA-1 form", "sha1=0123456789abcdef0123456789abcdef01234567"],
    ["a 40-hex sha256 value (the OpenAPI example)", "sha256=6dcb09b5b57875f334f61aebed695e2e4193db5e"],
  ])("refuse %s with 401", (_name, header) => {
    expect(() => verifyGithubSignature({ rawBody: Buffer.from(vector.payload), header, secret: vector.secret })).toThrow(expect.objectContaining({ code: "bad_signature", status: 401 }));
  });
});
