// Vendor payloads for the fuzzing: documented shapes broken in one required place (must be a
// 400), and well-formed ones carrying hostile text (must never be a 5xx). The broken fields
// follow the vendors' documents and README's contract, not Firebreak's schema code.
import fc from "fast-check";
import { renderDatadogPayload } from "../../helpers/datadog-events.js";
import { pagerdutyEvent } from "../../helpers/pagerduty-events.js";
import { fuzzBody, hostileKeys, jsonText, text, type FuzzBody } from "./fuzz-arbitraries.js";

type Json = Record<string, unknown>;
type Mutation = { label: string; apply(body: Json, event: Json, data: Json): void };
const nonEmpty = text.filter((s) => s.length > 0);
const notIsoDate = text.filter((s) => !/^\d{4}-\d\d-\d\dT/.test(s));
const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
const missingOrWrong = fc.oneof(fc.constant(undefined), fc.constant(""), notString);
const handledTypes = ["incident.triggered", "incident.acknowledged", "incident.resolved", "incident.priority_updated", "incident.annotated"];
const mutation = (label: string, apply: Mutation["apply"]): Mutation => ({ label, apply });

/** Splices a raw `"key": value` pair into the first object of the JSON text: __proto__ survives. */
const withPair = (json: string, key: string, value: string) => `{${JSON.stringify(key)}:${value},${json.slice(1)}`;

const breakEnvelope: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant(mutation("no event", (body) => delete body.event)),
  notString.map((v) => mutation(`event is ${JSON.stringify(v)}`, (body) => (body.event = v))),
  missingOrWrong.map((v) => mutation(`event.id is ${JSON.stringify(v)}`, (_b, event) => (event.id = v))),
  missingOrWrong.map((v) => mutation(`event.event_type is ${JSON.stringify(v)}`, (_b, event) => (event.event_type = v))),
  fc.oneof(fc.constant(undefined), notIsoDate, fc.integer()).map((v) => mutation(`event.occurred_at is ${JSON.stringify(v)}`, (_b, event) => (event.occurred_at = v))),
  missingOrWrong.map((v) =>
    mutation(`the incident id is ${JSON.stringify(v)}`, (_b, event, data) => {
      if (event.event_type === "incident.annotated") (data.incident as Json).id = v;
      else data.id = v;
    }),
  ),
  fc.oneof(fc.constant(undefined), notString, text).map((v) => mutation(`event.data is ${JSON.stringify(v)}`, (_b, event) => (event.data = v))),
);

/** A V3 envelope of a type Firebreak handles, with one required field missing or of the wrong type. */
export const invalidPagerdutyEnvelope: fc.Arbitrary<FuzzBody> = fc
  .tuple(fc.constantFrom(...handledTypes), breakEnvelope, fc.uuid())
  .map(([type, broken, eventId]) => {
    const body = pagerdutyEvent(type, { eventId, incidentId: "PFUZZ1" }) as Json;
    const event = body.event as Json;
    broken.apply(body, event, event.data as Json);
    return fuzzBody(`${type} with ${broken.label}`, JSON.stringify(body));
  });

/** Well-formed V3 envelopes whose free text, ids and extra keys are hostile; unhandled types carry any data. */
export const hostilePagerdutyEnvelope: fc.Arbitrary<FuzzBody> = fc
  .record({
    type: fc.oneof(fc.constantFrom(...handledTypes), nonEmpty.map((t) => `service.${t}`)),
    eventId: fc.oneof(fc.uuid(), nonEmpty),
    incidentId: fc.oneof({ arbitrary: fc.constantFrom("PFUZZ1", "PFUZZ2", "PFUZZ3"), weight: 4 }, { arbitrary: nonEmpty, weight: 1 }),
    title: text,
    note: text,
    agent: text,
    extraKey: fc.constantFrom(...hostileKeys),
    extra: jsonText,
    data: fc.oneof(jsonText, fc.integer({ min: 10, max: 8_000 }).map((d) => "[".repeat(d) + "]".repeat(d))),
  })
  .map((f) => {
    const body = pagerdutyEvent(handledTypes.includes(f.type) ? f.type : "incident.resolved", { eventId: f.eventId, incidentId: f.incidentId, title: f.title }) as Json;
    const event = body.event as Json;
    event.event_type = f.type;
    (event.agent as Json).summary = f.agent;
    if (f.type === "incident.annotated") (event.data as Json).content = f.note;
    let json = JSON.stringify(body);
    if (!handledTypes.includes(f.type)) json = json.replace(/"data":\{.*\}\}$/, `"data":${f.data}}}`);
    const inner = json.indexOf('"event":{') + '"event":'.length;
    return fuzzBody(`hostile ${f.type}`, json.slice(0, inner) + withPair(json.slice(inner), f.extraKey, f.extra));
  });

const datadogValues = fc.record({
  ID: nonEmpty,
  ALERT_ID: fc.oneof({ arbitrary: fc.constantFrom("9001", "9002"), weight: 4 }, { arbitrary: nonEmpty, weight: 1 }),
  ALERT_TRANSITION: fc.oneof(fc.constantFrom("Triggered", "Recovered", "Warn", "No Data"), nonEmpty),
  DATE: fc.integer({ min: 0, max: 99_999_999_999_999 }).map(String),
  LAST_UPDATED: fc.oneof(fc.constant(""), fc.integer({ min: 0, max: 2 ** 45 }).map(String)),
  ALERT_TITLE: text,
  EVENT_MSG: text,
  TAGS: text,
  ALERT_SCOPE: text,
  HOSTNAME: text,
  LINK: text,
  ORG_NAME: text,
});

/** Firebreak's documented template, rendered with hostile values in every free-text variable. */
export const hostileDatadogPayload: fc.Arbitrary<FuzzBody> = datadogValues.map((values) => fuzzBody(`datadog ${values.ALERT_TRANSITION}`, renderDatadogPayload(values)));

/** The template with one required variable missing, empty, of the wrong type, or not epoch milliseconds. */
export const invalidDatadogPayload: fc.Arbitrary<FuzzBody> = fc
  .tuple(datadogValues, fc.constantFrom("firebreak_template", "id", "alert_id", "alert_transition", "date"), fc.oneof(fc.constant(undefined), fc.constant(""), notString))
  .map(([values, field, broken]) => {
    const body = JSON.parse(renderDatadogPayload(values)) as Json;
    body[field] = field === "date" && broken === "" ? "yesterday" : broken;
    return fuzzBody(`datadog with ${field} = ${JSON.stringify(broken)}`, JSON.stringify(body));
  });

export const actionIds = ["step_approve", "step_deny", "step_retry", "step_skip", "run_abort", "playbook_choose", "playbook_show_all", "header_update", "header_note", "header_timeline", "header_resolve", "timeline_edit_select", "postmortem_publish", "postmortem_edit"];
export const callbackIds = ["declare_incident", "declare_incident_from_message", "add_to_timeline", "add_note", "status_update", "resolve_incident", "edit_timeline_entry", "step_deny_reason", "playbook_params", "postmortem_edit_submit"];
const slackTypes = ["event_callback", "block_actions", "view_submission", "view_closed", "shortcut", "message_action", "url_verification", "block_suggestion", "interactive_message", "app_rate_limited"];
const maybe = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: undefined });
const id = fc.oneof(fc.constantFrom("U1", "C1", "T0FIREBRK1"), text);

/** Objects shaped like Slack's interaction and event payloads, with fields missing, mistyped or hostile. */
export const slackishObject: fc.Arbitrary<string> = fc
  .record({
    type: fc.oneof({ arbitrary: fc.constantFrom(...slackTypes), weight: 5 }, { arbitrary: text, weight: 1 }),
    event_id: maybe(fc.oneof(fc.constant('"Ev0FUZZ"'), id.map((s) => JSON.stringify(s)), jsonText)),
    event: maybe(fc.oneof(jsonText, fc.constant('{"type":"reaction_added","user":"U1","reaction":"pushpin","item":{"type":"message","channel":"C1","ts":"1.2"}}'))),
    user: maybe(fc.oneof(id.map((u) => JSON.stringify({ id: u })), jsonText)),
    channel: maybe(fc.oneof(id.map((c) => JSON.stringify({ id: c })), jsonText)),
    actions: maybe(fc.tuple(fc.constantFrom(...actionIds), text, text).map(([a, value, option]) => JSON.stringify([{ action_id: a, value, type: "button", selected_option: { value: option } }]))),
    view: maybe(fc.tuple(fc.constantFrom(...callbackIds), text, jsonText).map(([c, meta, state]) => `{"id":"V1","callback_id":${JSON.stringify(c)},"private_metadata":${JSON.stringify(meta)},"state":{"values":${state}}}`)),
    callback_id: maybe(fc.constantFrom(...callbackIds).map((c) => JSON.stringify(c))),
    message: maybe(fc.tuple(text, text).map(([t, ts]) => JSON.stringify({ text: t, ts, user: "U1" }))),
    trigger_id: maybe(text.map((t) => JSON.stringify(t))),
    challenge: maybe(jsonText),
  })
  .map((f) => `{${Object.entries(f).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${k === "type" ? JSON.stringify(v) : v}`).join(",")}}`);
