// Slack's published payloads of every type Firebreak receives, aimed at our own listeners (our
// action and callback ids), then broken in one place: a field at any depth removed, nulled, or
// given another type. Sent correctly signed, they reach the receiver's checks and, where those
// let them through, Bolt and the listeners.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { actionIds, callbackIds } from "./payload-arbitraries.js";
import { fuzzBody, type FuzzBody } from "./fuzz-arbitraries.js";

type Json = Record<string, unknown>;
const fixture = (path: string) => JSON.parse(readFileSync(`test/fixtures/slack/${path}`, "utf8")) as Json;

const button = fixture("interactivity/block_actions.button.json");
const ephemeralButton = fixture("interactivity/block_actions.bolt-python.json");
const submission = fixture("interactivity/view_submission.json");
const messageAction = fixture("interactivity/message_action.json");
const shortcut = fixture("interactivity/shortcut.python-slack-sdk.json");
const reaction = fixture("events/event_callback.reaction_added.json");
const command = Object.fromEntries(new URLSearchParams(readFileSync("test/fixtures/slack/slash-command/signing-doc-example.body.txt", "utf8")));

const withAction = (base: Json, action: Json): Json => ({ ...structuredClone(base), actions: [{ ...(base.actions as Json[])[0], ...action }] });
const withView = (type: string, callbackId: string): Json => ({ ...structuredClone(submission), type, view: { ...(submission.view as Json), callback_id: callbackId } });

/** One well-formed payload per interaction type, addressed to a Firebreak listener. */
const validPayload: fc.Arbitrary<Json> = fc.oneof(
  fc.tuple(fc.constantFrom(...actionIds), fc.constantFrom(button, ephemeralButton)).map(([id, base]) => withAction(base, { action_id: id, value: JSON.stringify({ incidentId: 1, runId: 1, stepIndex: 0 }) })),
  fc.constant(withAction(button, { type: "static_select", action_id: "timeline_edit_select", selected_option: { value: '{"incidentId":1,"entryId":1}' } })),
  fc.constantFrom(...callbackIds).map((id) => withView("view_submission", id)),
  fc.constantFrom(...callbackIds).map((id) => withView("view_closed", id)),
  fc.constantFrom("declare_incident_from_message", "add_to_timeline_from_message").map((id) => ({ ...structuredClone(messageAction), callback_id: id })),
  fc.constant(structuredClone(shortcut)),
  fc.constant({ ...structuredClone(shortcut), type: "block_suggestion", action_id: "service", block_id: "service", value: "ap" } as Json),
);

type Path = (string | number)[];
function paths(value: unknown, prefix: Path = [], depth = 0): Path[] {
  if (value === null || typeof value !== "object" || depth > 4) return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...paths(child, [...prefix, key], depth + 1)]);
}

const replacements = [null, 0, 1.5, "", "x", true, [], {}, [null], { id: null }];
type Change = { label: string; value: unknown } | { label: "removed" };
const change: fc.Arbitrary<Change> = fc.oneof(
  { arbitrary: fc.constant<Change>({ label: "removed" }), weight: 2 },
  { arbitrary: fc.constantFrom(...replacements).map((value): Change => ({ label: `= ${JSON.stringify(value)}`, value })), weight: 3 },
);

function applied(body: Json, path: Path, how: Change): Json {
  const copy = structuredClone(body);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if ("value" in how) parent[last] = structuredClone(how.value);
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

export interface SignedCase {
  body: FuzzBody;
  contentType: string;
}

const asForm = (payload: Json, label: string): SignedCase => ({
  body: fuzzBody(label, new URLSearchParams({ payload: JSON.stringify(payload) }).toString()),
  contentType: "application/x-www-form-urlencoded",
});

/** An interaction of any type with one field, at any depth, removed, nulled or retyped. */
export const brokenInteraction: fc.Arbitrary<SignedCase> = validPayload.chain((payload) =>
  fc.tuple(fc.constantFrom(...paths(payload)), change).map(([path, how]) => asForm(applied(payload, path, how), `${String(payload.type)} with ${path.join(".")} ${how.label}`)),
);

/** An Events API callback with one field removed, nulled or retyped. */
export const brokenEventCallback: fc.Arbitrary<SignedCase> = fc.tuple(fc.constantFrom(...paths(reaction)), change, fc.uuid()).map(([path, how, eventId]) => ({
  body: fuzzBody(`event_callback with ${path.join(".")} ${how.label}`, JSON.stringify(applied({ ...reaction, event_id: `Ev${eventId}` }, path, how))),
  contentType: "application/json",
}));

/** `/incident` with one form field removed, emptied, or joined by a field of another payload kind. */
export const brokenCommand: fc.Arbitrary<SignedCase> = fc
  .tuple(fc.constantFrom(...Object.keys(command)), fc.constantFrom("removed", "emptied", "event", "actions", "name", "payload"), fc.constantFrom("help", "status", "declare db down", ""))
  .map(([field, how, text]) => {
    const fields: Record<string, string> = { ...command, command: "/incident", text };
    if (how === "removed") delete fields[field];
    else if (how === "emptied") fields[field] = "";
    else fields[how] = how === "payload" ? "{}" : "x";
    return { body: fuzzBody(`/incident with ${field} ${how}`, new URLSearchParams(fields).toString()), contentType: "application/x-www-form-urlencoded" };
  });
