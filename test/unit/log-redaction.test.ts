import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/kernel/log.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe("log redaction", () => {
  it("never writes tokens, signing secrets, Authorization headers or connection-URL passwords", () => {
    const secrets = ["xoxb-123-secret-token", "8f742231b10e8888abcd99yyyzzz85a5", "pd-token-value", "dbpassw0rd"];
    const { lines, destination } = capture();
    const log = createLogger({ secrets, destination, level: "debug" });
    const child = log.child({ requestId: "r1" });
    child.info({ headers: { authorization: "Bearer xoxb-123-secret-token", "x-slack-signature": "v0=abcdef", "user-agent": "Slackbot" } }, "request");
    child.info({ req: { headers: { Authorization: "Token token=pd-token-value" } } }, "outgoing");
    child.warn({ err: new Error("connect failed for postgres://firebreak:dbpassw0rd@db.internal:5432/firebreak") }, "db down");
    child.info({ url: "postgres://admin:other-pass@localhost/x" }, "connecting");
    child.info({ config: { botToken: "xoxb-123-secret-token", signingSecret: "8f742231b10e8888abcd99yyyzzz85a5" } }, "config");
    child.error(`token leaked into a message: xoxb-123-secret-token and ${encodeURIComponent("dbpassw0rd")}`);
    // Keys are matched in any case and at any depth, in arrays, in errors' own properties, and in bindings.
    const vendorError = Object.assign(new Error("Slack refused the call"), { request: { headers: { AUTHORIZATION: "Bearer key-in-error-1" } } });
    child.warn({ err: vendorError, calls: [{ options: { deep: { Token: "key-in-array-2" } } }] }, "vendor error");
    log.child({ cookie: "session=key-in-binding-3" }).info("bound");
    const record = { headers: { authorization: "Bearer key-kept-in-caller" } };
    child.info(record, "the caller's object is not changed");
    expect(record.headers.authorization).toBe("Bearer key-kept-in-caller");
    const output = lines.join("");
    for (const secret of ["key-in-error-1", "key-in-array-2", "key-in-binding-3", "key-kept-in-caller"]) expect(output).not.toContain(secret);
    expect(output).toContain("Slack refused the call");

    for (const secret of [...secrets, "other-pass", "v0=abcdef"]) expect(output).not.toContain(secret);
    expect(output).toContain("Slackbot");
    expect(output).toContain("db.internal:5432");
    expect(output).toContain('"requestId":"r1"');
    expect(lines).toHaveLength(9);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
