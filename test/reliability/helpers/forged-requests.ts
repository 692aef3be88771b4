// Ways a request can fail verification at each endpoint, as fast-check arbitraries that turn a
// body into the headers an attacker, a misconfigured sender or a replay would send.
import fc from "fast-check";
import { signPagerdutyBody } from "../../../src/http/pagerduty-signature.js";
import { slackSignature } from "../../../src/http/slack-signature.js";
import { hex64, headerValue } from "./fuzz-arbitraries.js";

export type Forge = (body: Buffer) => Record<string, string>;
// Named, so a counterexample reads "stale by 301s" rather than a function's source.
const forge = (label: string, make: Forge): Forge => Object.assign(make, { [fc.toStringMethod]: () => label });
const now = () => Math.floor(Date.now() / 1000);

/** Slack requests that must get 401: unsigned, forged, replayed or signed with another secret. */
export function slackForgeries(secret: string): fc.Arbitrary<Forge> {
  const signed = (timestamp: string, key: string, body: Buffer | string) => ({ "x-slack-request-timestamp": timestamp, "x-slack-signature": slackSignature(key, timestamp, body) });
  return fc.oneof(
    fc.constant(forge("unsigned", () => ({}))),
    fc.constant(forge("signature without timestamp", (b) => ({ "x-slack-signature": signed(String(now()), secret, b)["x-slack-signature"] }))),
    fc.constant(forge("timestamp without signature", () => ({ "x-slack-request-timestamp": String(now()) }))),
    headerValue.map((sig) => forge(`random signature ${JSON.stringify(sig)}`, () => ({ "x-slack-request-timestamp": String(now()), "x-slack-signature": sig }))),
    hex64.map((hex) => forge(`random v0=${hex}`, () => ({ "x-slack-request-timestamp": String(now()), "x-slack-signature": `v0=${hex}` }))),
    headerValue.map((other) => forge(`signed with another secret ${JSON.stringify(other)}`, (b) => signed(String(now()), `${other}x`, b))),
    fc.constant(forge("signature of another body", (b) => signed(String(now()), secret, Buffer.concat([b, Buffer.from(" ")])))),
    fc.constant(forge("v1= prefix", (b) => ({ ...signed(String(now()), secret, b), "x-slack-signature": signed(String(now()), secret, b)["x-slack-signature"].replace("v0=", "v1=") }))),
    fc.integer({ min: 301, max: 2_000_000_000 }).map((skew) => forge(`stale by ${skew}s`, (b) => signed(String(Math.max(0, now() - skew)), secret, b))),
    fc.integer({ min: 301, max: 10_000_000 }).map((skew) => forge(`future by ${skew}s`, (b) => signed(String(now() + skew), secret, b))),
    headerValue
      .filter((ts) => !/^\d+$/.test(ts) || Math.abs(Number(ts) - now()) > 600)
      .map((ts) => forge(`bad timestamp ${JSON.stringify(ts)}`, (b) => signed(ts, secret, b))),
  );
}

/** PagerDuty requests that must get 401. */
export function pagerdutyForgeries(secrets: readonly string[]): fc.Arbitrary<Forge> {
  const sig = (body: Buffer) => signPagerdutyBody(body, secrets[0]!);
  return fc.oneof(
    fc.constant(forge("unsigned", () => ({}))),
    headerValue.map((value) => forge(`random header ${JSON.stringify(value)}`, () => ({ "x-pagerduty-signature": value }))),
    fc.array(hex64, { minLength: 1, maxLength: 5 }).map((hexes) => forge("random v1 signatures", () => ({ "x-pagerduty-signature": hexes.map((h) => `v1=${h}`).join(",") }))),
    headerValue.map((other) => forge(`signed with another secret ${JSON.stringify(other)}`, (b) => ({ "x-pagerduty-signature": signPagerdutyBody(b, `${other}x`) }))),
    fc.constant(forge("signature of another body", (b) => ({ "x-pagerduty-signature": sig(Buffer.concat([b, Buffer.from("\n")])) }))),
    fc.constant(forge("right digest, wrong version", (b) => ({ "x-pagerduty-signature": sig(b).replace("v1=", "v0=") }))),
    fc.constant(forge("right digest, no version", (b) => ({ "x-pagerduty-signature": sig(b).slice(3) }))),
    fc.constant(forge("truncated digest", (b) => ({ "x-pagerduty-signature": sig(b).slice(0, -2) }))),
    fc.constant(forge("base64-decoded secret", (b) => ({ "x-pagerduty-signature": signPagerdutyBody(b, Buffer.from(secrets[0]!, "base64").toString("latin1")) }))),
  );
}

/** Datadog requests that must get 401: no secret, a wrong one, or the right one in the wrong place. */
export function datadogForgeries(secret: string): fc.Arbitrary<Forge> {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  return fc.oneof(
    fc.constant(forge("no secret", () => ({}))),
    headerValue.map((value) => forge(`wrong token ${JSON.stringify(value)}`, () => ({ "x-firebreak-token": value === secret ? `${value}x` : value }))),
    fc.constant(forge("secret with a suffix", () => ({ "x-firebreak-token": `${secret} ` + "x" }))),
    fc.constant(forge("secret upper-cased", () => ({ "x-firebreak-token": secret.toUpperCase() }))),
    fc.constant(forge("secret prefix", () => ({ "x-firebreak-token": secret.slice(0, -1) }))),
    fc.constant(forge("secret as bearer token", () => ({ authorization: `Bearer ${secret}` }))),
    fc.constant(forge("secret as basic-auth user", () => ({ authorization: basic(secret, "") }))),
    headerValue.map((password) => forge(`basic auth, wrong password ${JSON.stringify(password)}`, () => ({ authorization: basic("firebreak", password === secret ? `${password}x` : password) }))),
    fc.constant(forge("secret in another header", () => ({ "x-datadog-token": secret }))),
    headerValue.map((value) => forge(`malformed basic ${JSON.stringify(value)}`, () => ({ authorization: `Basic ${value}` }))),
  );
}
