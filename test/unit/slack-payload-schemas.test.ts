// Every payload Slack publishes as an example passes the receiver's checks; the fields Bolt and
// our listeners dereference, nulled, retyped or removed, do not.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeIssue, slackPayloadSchema } from "../../src/slack/payload-schemas.js";

type Json = Record<string, unknown>;
const dir = "test/fixtures/slack";
const json = (path: string) => JSON.parse(readFileSync(`${dir}/${path}`, "utf8")) as Json;
const form = (path: string) => Object.fromEntries(new URLSearchParams(readFileSync(`${dir}/${path}`, "utf8")));

function check(body: Json): string | undefined {
  const found = slackPayloadSchema(body);
  if (!found) return "not a payload Firebreak handles";
  const result = found.schema.safeParse(body);
  return result.success ? undefined : describeIssue(result.error);
}

const vendorExamples: [string, Json][] = [
  ...readdirSync(`${dir}/interactivity`).filter((f) => f.endsWith(".json")).map((f): [string, Json] => [`interactivity/${f}`, json(`interactivity/${f}`)]),
  ...readdirSync(`${dir}/slash-command`).filter((f) => f.endsWith(".txt")).map((f): [string, Json] => [`slash-command/${f}`, form(`slash-command/${f}`)]),
  ...readdirSync(`${dir}/events`).filter((f) => /^(event_callback|url_verification)\.[^/]*json$/.test(f) && !f.includes("expected")).map((f): [string, Json] => [`events/${f}`, json(`events/${f}`)]),
];

describe("Slack's published payloads", () => {
  it("covers every interaction type, commands and events", () => {
    const kinds = new Set(vendorExamples.map(([, body]) => slackPayloadSchema(body)?.kind));
    for (const kind of ["block_actions", "view_submission", "message_action", "shortcut", "command", "event_callback", "url_verification"]) expect(kinds).toContain(kind);
  });

  it.each(vendorExamples)("%s passes", (_name, body) => {
    expect(check(body)).toBeUndefined();
  });

  it("a block_actions from a modal or App Home, with no message or channel, passes", () => {
    // The bolt-python example re-homed in a view, as Slack sends a click inside a modal.
    const { channel: _c, container: _k, ...click } = json("interactivity/block_actions.bolt-python.json");
    const fromModal = { ...click, container: { type: "view", view_id: "V0MODAL1" }, view: { id: "V0MODAL1", type: "modal", callback_id: "declare_incident" } };
    expect(fromModal).not.toHaveProperty("message");
    expect(check(fromModal)).toBeUndefined();
  });
});

describe("malformed signed payloads", () => {
  const blockActions = json("interactivity/block_actions.button.json");
  const viewSubmission = json("interactivity/view_submission.json");
  const messageAction = json("interactivity/message_action.json");
  const shortcut = json("interactivity/shortcut.python-slack-sdk.json");
  const command = form("slash-command/signing-doc-example.body.txt");
  const event = json("events/event_callback.reaction_added.json");
  const view = viewSubmission.view as Json;
  it.each<[string, Json, string]>([
    ["block_actions with actions: null", { ...blockActions, actions: null }, "actions expected array, received null"],
    ["block_actions with no actions", { ...blockActions, actions: undefined }, "actions is missing"],
    ["block_actions with actions: []", { ...blockActions, actions: [] }, "actions"],
    ["block_actions with an action that is not an object", { ...blockActions, actions: ["x"] }, "actions.0"],
    ["block_actions with channel: null", { ...blockActions, channel: null }, "channel"],
    ["block_actions with user: null", { ...blockActions, user: null }, "user"],
    ["block_actions that also carries an event", { ...blockActions, event: {} }, "event"],
    ["view_submission with view: null", { ...viewSubmission, view: null }, "view expected object, received null"],
    ["view_submission with no view", { ...viewSubmission, view: undefined }, "view is missing"],
    ["view_submission with view.state: 'x'", { ...viewSubmission, view: { ...view, state: "x" } }, "view.state"],
    ["view_submission with view.blocks: {}", { ...viewSubmission, view: { ...view, blocks: {} } }, "view.blocks"],
    ["view_submission with actions", { ...viewSubmission, actions: [] }, "actions"],
    ["view_closed with view: 7", { ...viewSubmission, type: "view_closed", view: 7 }, "view"],
    ["shortcut without callback_id", { ...shortcut, callback_id: undefined }, "callback_id is missing"],
    ["shortcut with trigger_id: null", { ...shortcut, trigger_id: null }, "trigger_id"],
    ["message_action without message", { ...messageAction, message: undefined }, "message is missing"],
    ["message_action with channel: 'C1'", { ...messageAction, channel: "C1" }, "channel"],
    ["command without text", { ...command, text: undefined }, "text is missing"],
    ["command without user_id", { ...command, user_id: undefined }, "user_id is missing"],
    ["command that also carries an event", { ...command, event: "x" }, "event"],
    ["event_callback with event: null", { ...event, event: null }, "event expected object, received null"],
    ["event_callback with an event without a type", { ...event, event: {} }, "event.type is missing"],
  ])("%s is refused, naming the field", (_name, body, reason) => {
    expect(check(body)).toContain(reason);
  });
});
