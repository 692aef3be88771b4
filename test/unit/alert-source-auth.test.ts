// The verifiers of the Alertmanager, Grafana and generic webhooks: pure functions over the raw
// body, the headers, the configured secrets and a clock.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { CodedError } from "../../src/kernel/errors.js";
import { verifyWebhookToken } from "../../src/http/alertmanager-auth.js";
import { signGenericBody, verifyGenericSignature } from "../../src/http/generic-signature.js";
import { signGrafanaBody, verifyGrafanaSignature } from "../../src/http/grafana-signature.js";
import type { HeaderBag } from "../../src/http/header-credentials.js";

const code = (fn: () => void) => {
  try {
    fn();
    return "valid";
  } catch (error) {
    return (error as CodedError).code;
  }
};

describe("Alertmanager and Grafana token", () => {
  const token = "am-token-0123456789abcdef";
  const check = (headers: HeaderBag) => code(() => verifyWebhookToken({ headers, token, vendor: "Alertmanager", setting: "ALERTMANAGER_WEBHOOK_TOKEN" }));
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

  it("accepts the token as Bearer credentials (http_config.authorization) or as the basic-auth password (http_config.basic_auth)", () => {
    expect(check({ authorization: `Bearer ${token}` })).toBe("valid");
    expect(check({ Authorization: `bearer ${token}` })).toBe("valid");
    expect(check({ authorization: basic("alertmanager", token) })).toBe("valid");
    expect(check({ authorization: basic("", token) })).toBe("valid");
  });

  it("refuses a missing, wrong, partial or otherwise-schemed credential", () => {
    expect(check({})).toBe("unauthorized");
    expect(check({ authorization: "Bearer wrong" })).toBe("unauthorized");
    expect(check({ authorization: `Bearer ${token.slice(0, -1)}` })).toBe("unauthorized");
    expect(check({ authorization: basic(token, "x") })).toBe("unauthorized");
    expect(check({ authorization: `Token ${token}` })).toBe("unauthorized");
    expect(check({ "x-firebreak-token": token })).toBe("unauthorized");
  });
});

describe("generic webhook signature", () => {
  const secrets = ["generic-old-0123456789abcdef", "generic-new-0123456789abcdef"];
  const body = '{"title":"Disk full","dedupe_key":"disk-1"}';
  const now = 1_772_960_700;
  const check = (header: string | undefined, nowSeconds = now, configured = secrets) => code(() => verifyGenericSignature({ rawBody: body, header, secrets: configured, nowSeconds }));

  it("is the hex HMAC-SHA256 of \"<t>.<body>\", as the README's openssl example computes it", () => {
    const expected = createHmac("sha256", secrets[0]!).update(`${now}.${body}`).digest("hex");
    expect(signGenericBody(body, secrets[0]!, now)).toBe(`t=${now},v1=${expected}`);
    expect(check(`t=${now},v1=${expected}`)).toBe("valid");
  });

  it("accepts any configured secret, and any of several v1 signatures, during a rotation", () => {
    expect(check(signGenericBody(body, secrets[1]!, now))).toBe("valid");
    const old = signGenericBody(body, "retired-secret-0123456789", now).split(",v1=")[1];
    const fresh = signGenericBody(body, secrets[1]!, now).split(",v1=")[1];
    expect(check(`t=${now},v1=${old},v1=${fresh}`)).toBe("valid");
  });

  it("refuses a timestamp more than 300 s either side of now, even correctly signed", () => {
    expect(check(signGenericBody(body, secrets[0]!, now - 300))).toBe("valid");
    expect(check(signGenericBody(body, secrets[0]!, now - 301))).toBe("stale_timestamp");
    expect(check(signGenericBody(body, secrets[0]!, now + 301))).toBe("stale_timestamp");
  });

  it("refuses a forged, re-timed, missing or malformed signature", () => {
    expect(check(signGenericBody(body, "not-configured-0123456789", now))).toBe("bad_signature");
    // The timestamp is signed: moving it forward to pass the window breaks the signature.
    const v1 = signGenericBody(body, secrets[0]!, now - 600).split(",v1=")[1];
    expect(check(`t=${now},v1=${v1}`)).toBe("bad_signature");
    expect(check(undefined)).toBe("bad_signature");
    expect(check(`t=${now}`)).toBe("bad_signature");
    expect(check(`v1=${v1}`)).toBe("bad_signature");
    expect(check(`t=${now},v1=abc`)).toBe("bad_signature");
    expect(check(signGenericBody(body, secrets[0]!, now), now, [])).toBe("bad_signature");
  });
});

describe("Grafana HMAC signature", () => {
  const secret = "grafana-secret-0123456789ab";
  const body = '{"version":"1","status":"firing"}';
  const now = 1_772_960_700;
  const check = (headers: HeaderBag, timestampHeader?: string, nowSeconds = now) =>
    code(() => verifyGrafanaSignature({ rawBody: body, headers, secret, signatureHeader: "X-Grafana-Alerting-Signature", timestampHeader, nowSeconds }));

  it("is bare hex of HMAC-SHA256 over the body, or over \"<timestamp>:<body>\" when a timestamp header is set (grafana/alerting http/hmac.go)", () => {
    expect(signGrafanaBody(body, secret)).toBe(createHmac("sha256", secret).update(body).digest("hex"));
    expect(signGrafanaBody(body, secret, now)).toBe(createHmac("sha256", secret).update(`${now}:${body}`).digest("hex"));
    expect(check({ "x-grafana-alerting-signature": signGrafanaBody(body, secret) })).toBe("valid");
    expect(check({ "x-grafana-alerting-signature": signGrafanaBody(body, secret, now), "x-ts": String(now) }, "X-Ts")).toBe("valid");
  });

  it("with a timestamp header configured, requires a fresh timestamp", () => {
    expect(check({ "x-grafana-alerting-signature": signGrafanaBody(body, secret) }, "X-Ts")).toBe("bad_signature");
    expect(check({ "x-grafana-alerting-signature": signGrafanaBody(body, secret, now - 301), "x-ts": String(now - 301) }, "X-Ts")).toBe("stale_timestamp");
  });

  it("refuses a wrong secret, a prefixed value or a missing header", () => {
    expect(check({ "x-grafana-alerting-signature": signGrafanaBody(body, "other-secret-0123456789") })).toBe("bad_signature");
    expect(check({ "x-grafana-alerting-signature": `sha256=${signGrafanaBody(body, secret)}` })).toBe("bad_signature");
    expect(check({})).toBe("bad_signature");
  });
});
