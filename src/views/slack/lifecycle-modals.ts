// The modals of an incident's lifecycle — status update, resolve, note, add to and edit the
// timeline — and the parsing of what comes back from each. Every block_id is the field's name
// and every action_id is "value", as in the declare modal.
import type { InputBlock, KnownBlock, PlainTextElement, View } from "@slack/types";
import { z } from "zod";
import { humanId, severities, statuses, type Incident, type Severity, type Status } from "../../domain/incident.js";
import type { TimelineEntry } from "../../domain/timeline.js";
import { formatDateTime, formatTimeOfDay, localDate, parseClockInput, zoneAbbreviation } from "../../domain/time-format.js";
import { link, userMention, slackTextToPlain } from "./mrkdwn.js";
import { tryParseJsonWith } from "../../kernel/parse-json.js";
import { parseAtTime } from "../../domain/at-time.js";

export const LIFECYCLE_CALLBACKS = {
  statusUpdate: "status_update",
  resolve: "resolve_incident",
  addToTimeline: "add_to_timeline",
  editEntry: "edit_timeline_entry",
  note: "add_note",
} as const;

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };
export interface Submission {
  state?: unknown;
  private_metadata?: string;
}

const MAX_TEXT = 3000;
const TIME_ERROR = "Use a time like 9:05am or 21:05, or a date and time like 2026-03-08 09:05.";
const outOfDate = (field: string) => ({ ok: false as const, errors: { [field]: "This form is out of date; close it and open it again." } });

/** Slack sends message text with &, < and > encoded; a text field should show what people typed. */
export { slackTextToPlain };

const plain = (text: string): PlainTextElement => ({ type: "plain_text", text });

function textField(field: string, label: string, options: { multiline?: boolean; optional?: boolean; initial?: string; placeholder?: string; hint?: string } = {}): InputBlock {
  return {
    type: "input",
    block_id: field,
    label: plain(label),
    ...(options.optional && { optional: true }),
    ...(options.hint && { hint: plain(options.hint) }),
    element: {
      type: "plain_text_input",
      action_id: "value",
      max_length: MAX_TEXT,
      ...(options.multiline && { multiline: true }),
      ...(options.initial && { initial_value: options.initial.slice(0, MAX_TEXT) }),
      ...(options.placeholder && { placeholder: plain(options.placeholder) }),
    },
  };
}

function selectField<T extends string>(field: string, label: string, values: readonly T[], initial: T | undefined): InputBlock {
  const option = (v: T) => ({ text: plain(v), value: v });
  return { type: "input", block_id: field, label: plain(label), element: { type: "static_select", action_id: "value", options: values.map(option), ...(initial && { initial_option: option(initial) }) } };
}

function timeField(at: Date, timeZone: string): InputBlock {
  return textField("time", `Time (${zoneAbbreviation(at, timeZone)})`, {
    initial: formatTimeOfDay(at, timeZone),
    hint: `${formatDateTime(at, timeZone)}. A time alone (9:05am, 21:05) stays on that day; for another day add the date, e.g. ${localDate(at, timeZone)} 09:05.`,
  });
}

function modal(callbackId: string, title: string, submit: string, metadata: object, blocks: KnownBlock[]): View {
  return { type: "modal", callback_id: callbackId, private_metadata: JSON.stringify(metadata), title: plain(title), submit: plain(submit), close: plain("Cancel"), blocks };
}

// Slack sends every field of the view back; a missing one means the view is not the one we built.
const text = z.object({ value: z.object({ value: z.string().nullish() }) });
const select = <T extends readonly [string, ...string[]]>(values: T) => z.object({ value: z.object({ selected_option: z.object({ value: z.enum(values) }).nullish() }) });
const checkboxes = z.object({ value: z.object({ selected_options: z.array(z.object({ value: z.string() })).nullish() }) });
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)));
const incidentRef = z.object({ incidentId: z.number().int().positive() });

/** The view's values and metadata, or undefined if either is not what the modal sent. */
function read<V extends z.ZodType, M extends z.ZodType>(view: Submission, values: V, metadata: M): { values: z.output<V>; metadata: z.output<M> } | undefined {
  const outer = z.object({ values: z.unknown() }).safeParse(view.state);
  const state = values.safeParse(outer.success ? outer.data.values : undefined);
  const meta = tryParseJsonWith(metadata, view.private_metadata, "the modal's metadata");
  return state.success && meta !== undefined ? { values: state.data, metadata: meta } : undefined;
}

const trimmed = (field: z.infer<typeof text>) => field.value.value?.trim() ?? "";
const result = <T>(errors: Record<string, string>, value: () => T): Parsed<T> => (Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: value() });

// Status update ---------------------------------------------------------------------------------

// Resolving asks for a resolution summary, so it has its own modal rather than a status option.
const updateStatuses = statuses.filter((s): s is Exclude<Status, "resolved"> => s !== "resolved");

export function statusUpdateModal(incident: Pick<Incident, "id" | "status" | "severity">, publicForm?: PublicForm): View {
  return modal(LIFECYCLE_CALLBACKS.statusUpdate, `Update ${humanId(incident)}`, "Post update", { incidentId: incident.id }, [
    selectField("status", "Status", updateStatuses, incident.status === "resolved" ? undefined : incident.status),
    selectField("severity", "Severity", severities, incident.severity),
    textField("summary", "Summary", { multiline: true, placeholder: "What is happening, what we are doing, what's next" }),
    ...(publicForm ? publicFields(publicForm, incident.status === "resolved" ? undefined : incident.status) : []),
  ]);
}

/** The status page's side of an update form: shown when firebreak.yaml has a status_page. */
export interface PublicForm {
  /** The incident's public title so far (its title, until a public update renames it). */
  title: string;
  components: readonly { id: string; name: string }[];
  /** Pre-filled "component: status" lines (the components mapped from the incident's services). */
  suggested: string;
}

const publicCheckbox = (label: string): InputBlock => ({
  type: "input",
  block_id: "public",
  optional: true,
  label: plain("Status page"),
  hint: plain("The public words below are shown in the channel and published only once approved."),
  element: { type: "checkboxes", action_id: "value", options: [{ text: plain(label), value: "post" }] },
});

function publicFields(form: PublicForm, status: Status | undefined, closing = false): InputBlock[] {
  const known = form.components.map((c) => `${c.id} (${c.name})`).join(", ") || "none configured";
  return [
    publicCheckbox(closing ? "Post a closing public update (Resolved)" : "Post publicly"),
    textField("public_title", "Public title", { optional: true, ...(form.title && { initial: form.title }), hint: "The incident's name on the status page; blank keeps the current one." }),
    ...(closing ? [] : [{ ...selectField("public_status", "Public status", statuses, status), optional: true }]),
    textField("public_components", "Affected components", {
      optional: true,
      multiline: true,
      initial: form.suggested,
      hint: closing
        ? `Blank puts the components named earlier back to operational. Or one per line, component: status. Components: ${known}.`
        : `One per line, component: status (operational, degraded_performance, partial_outage, major_outage). Components: ${known}.`,
    }),
    textField("public_text", "Public message", { optional: true, multiline: true, hint: "Exactly what the status page will say; everything else in this form stays internal." }),
  ];
}

/** The public part of a submitted form, when "post publicly" was ticked. */
export interface PublicSubmission {
  title: string;
  status: Status;
  components: string;
  body: string;
}

const publicValues = {
  public: checkboxes.optional(),
  public_title: text.optional(),
  public_status: select(statuses).optional(),
  public_components: text.optional(),
  public_text: text.optional(),
};

function readPublic(values: { [K in keyof typeof publicValues]?: z.infer<(typeof publicValues)[K]> }, errors: Record<string, string>, closing: boolean): PublicSubmission | undefined {
  if (!(values.public?.value.selected_options ?? []).some((o) => o.value === "post")) return undefined;
  const body = values.public_text ? trimmed(values.public_text) : "";
  const status = closing ? "resolved" : values.public_status?.value.selected_option?.value;
  if (!body) errors.public_text = "Write the words the status page will show, or untick the status page box.";
  if (!status) errors.public_status = "Choose the public status.";
  return { title: values.public_title ? trimmed(values.public_title) : "", status: status ?? "investigating", components: values.public_components ? (values.public_components.value.value ?? "") : "", body };
}

export interface StatusUpdateSubmission {
  incidentId: number;
  status: Status;
  severity: Severity;
  summary: string;
  public?: PublicSubmission;
}

export function parseStatusUpdate(view: Submission): Parsed<StatusUpdateSubmission> {
  const form = read(view, z.object({ status: select(statuses), severity: select(severities), summary: text, ...publicValues }), incidentRef);
  if (!form) return outOfDate("summary");
  const status = form.values.status.value.selected_option?.value;
  const severity = form.values.severity.value.selected_option?.value;
  const summary = trimmed(form.values.summary);
  const errors: Record<string, string> = {};
  if (!status) errors.status = "Choose a status.";
  else if (status === "resolved") errors.status = "Use Resolve to resolve: it asks for a resolution summary.";
  if (!severity) errors.severity = "Choose a severity.";
  if (!summary) errors.summary = "Say what is happening, what we are doing and what's next.";
  const publicPart = readPublic(form.values, errors, false);
  return result(errors, () => ({ incidentId: form.metadata.incidentId, status: status!, severity: severity!, summary, ...(publicPart && { public: publicPart }) }));
}

// Resolve -----------------------------------------------------------------------------------------

const MIN_RESOLUTION = 10;
/** The times' default: the moment Resolve is pressed, not the moment the form opened. */
const NOW = "now";

/** `resolvedAt` pre-fills "Resolved at" (from `/incident status at 9:45am resolved`). */
export function resolveModal(incident: Pick<Incident, "id">, timeZone = "UTC", resolvedAt?: Date, publicForm?: PublicForm): View {
  const timeHint = `“now”, or a time: 9:45am, 09:45, yesterday 13:57 or 2025-03-13 13:57 (${timeZone}).`;
  return modal(LIFECYCLE_CALLBACKS.resolve, `Resolve ${humanId(incident)}`, "Resolve", { incidentId: incident.id }, [
    textField("resolution", "Resolution summary", { multiline: true, placeholder: "What fixed it, and how we know it holds" }),
    textField("impact", "Impact", { multiline: true, optional: true, placeholder: "What users saw, with a figure: about 2,670 API requests failed", hint: "The post-mortem leads with it." }),
    textField("root_cause", "Root cause", { multiline: true, optional: true, hint: "If known; the post-mortem can settle it later." }),
    textField("mitigated_at", "Mitigated at", { initial: NOW, hint: `When users stopped being affected: ${timeHint}` }),
    textField("resolved_at", "Resolved at", { initial: resolvedAt ? `${localDate(resolvedAt, timeZone)} ${formatTimeOfDay(resolvedAt, timeZone)}` : NOW, hint: `When it was over: ${timeHint}` }),
    ...(publicForm ? publicFields({ ...publicForm, suggested: "" }, "resolved", true) : []),
  ]);
}

export interface ResolveSubmission {
  incidentId: number;
  summary: string;
  rootCause?: string;
  impact?: string;
  mitigatedAt?: Date;
  resolvedAt?: Date;
  public?: PublicSubmission;
}

/** `now` reads "now" in the time fields; a time is its latest past occurrence, as `at` is in commands. */
export function parseResolve(view: Submission, now: Date = new Date(), timeZone = "UTC"): Parsed<ResolveSubmission> {
  const form = read(view, z.object({ resolution: text, root_cause: text.optional(), impact: text.optional(), mitigated_at: text.optional(), resolved_at: text.optional(), ...publicValues }), incidentRef);
  if (!form) return outOfDate("resolution");
  const summary = trimmed(form.values.resolution);
  const optional = (field: z.infer<typeof text> | undefined) => (field ? trimmed(field) : "");
  const rootCause = optional(form.values.root_cause);
  const impact = optional(form.values.impact);
  const errors: Record<string, string> = {};
  const time = (field: string, typed: string): Date | undefined => {
    if (!typed || typed.toLowerCase() === NOW) return undefined;
    const parsed = parseAtTime(typed, now, timeZone);
    if (parsed.ok) return parsed.at;
    errors[field] = parsed.reason.replace(/`at /g, "`");
    return undefined;
  };
  const mitigatedAt = time("mitigated_at", optional(form.values.mitigated_at));
  const resolvedAt = time("resolved_at", optional(form.values.resolved_at));
  if (summary.length < MIN_RESOLUTION) errors.resolution = `Say in a sentence how it was resolved (at least ${MIN_RESOLUTION} characters).`;
  if (mitigatedAt && mitigatedAt > (resolvedAt ?? now)) errors.mitigated_at = "Mitigation comes before resolution: give a time no later than “Resolved at”.";
  const publicPart = readPublic(form.values, errors, true);
  return result(errors, () => ({
    ...(publicPart && { public: publicPart }),
    incidentId: form.metadata.incidentId,
    summary,
    ...(rootCause && { rootCause }),
    ...(impact && { impact }),
    ...(mitigatedAt && { mitigatedAt }),
    ...(resolvedAt && { resolvedAt }),
  }));
}

// Add to timeline (message shortcut) -----------------------------------------------------------------

export interface AddToTimelineInput {
  incidentId: number;
  /** The message text as Slack sends it (with &, < and > encoded). */
  text: string;
  at: Date;
  author: string | null;
  permalink: string | null;
}

const addMetadata = z.object({ incidentId: z.number().int().positive(), at: instant, author: z.string().nullable(), permalink: z.string().nullable() });

export function addToTimelineModal(input: AddToTimelineInput, timeZone: string): View {
  const source = [input.author && `From ${userMention(input.author)}`, input.permalink && link(input.permalink, "the message")].filter(Boolean).join(" · ");
  const metadata: z.infer<typeof addMetadata> = { incidentId: input.incidentId, at: input.at.toISOString(), author: input.author, permalink: input.permalink };
  return modal(LIFECYCLE_CALLBACKS.addToTimeline, "Add to timeline", "Add", metadata, [
    ...(source ? [{ type: "context" as const, elements: [{ type: "mrkdwn" as const, text: source }] }] : []),
    timeField(input.at, timeZone),
    textField("text", "What happened", { multiline: true, initial: slackTextToPlain(input.text) }),
    {
      type: "input",
      block_id: "trigger",
      optional: true,
      label: plain("Start of trouble"),
      hint: plain("Time to detect is measured from it; entries before it are the post-mortem's Background."),
      element: { type: "checkboxes", action_id: "value", options: [{ text: plain("This is when the trouble started"), value: "trigger" }] },
    },
  ]);
}

export interface AddToTimelineSubmission {
  incidentId: number;
  at: Date;
  text: string;
  author: string | null;
  permalink: string | null;
  /** Marked as the start of trouble. */
  trigger: boolean;
}

export function parseAddToTimeline(view: Submission, timeZone: string): Parsed<AddToTimelineSubmission> {
  const form = read(view, z.object({ time: text, text, trigger: checkboxes.optional() }), addMetadata);
  if (!form) return outOfDate("text");
  const { incidentId, author, permalink } = form.metadata;
  const at = parseClockInput(trimmed(form.values.time), new Date(form.metadata.at), timeZone);
  const entryText = trimmed(form.values.text);
  const errors: Record<string, string> = {};
  if (!at) errors.time = TIME_ERROR;
  if (!entryText) errors.text = "Write what happened.";
  const trigger = Boolean(form.values.trigger?.value.selected_options?.some((o) => o.value === "trigger"));
  return result(errors, () => ({ incidentId, at: at!, text: entryText, author, permalink, trigger }));
}

// Edit a timeline entry ---------------------------------------------------------------------------

// The entry's own time rides along: a bare time typed in the modal is read on that entry's day.
const editMetadata = z.object({ entryId: z.number().int().positive(), at: instant });

export function editEntryModal(entry: Pick<TimelineEntry, "id" | "eventAt" | "text">, timeZone: string): View {
  return modal(LIFECYCLE_CALLBACKS.editEntry, "Edit timeline entry", "Save", { entryId: entry.id, at: entry.eventAt.toISOString() }, [
    timeField(entry.eventAt, timeZone),
    textField("text", "What happened", { multiline: true, initial: entry.text }),
    {
      type: "input",
      block_id: "remove",
      optional: true,
      label: plain("Remove"),
      hint: plain("The removal is itself recorded on the timeline."),
      element: { type: "checkboxes", action_id: "value", options: [{ text: plain("Remove this entry"), value: "remove" }] },
    },
  ]);
}

export interface EditEntrySubmission {
  entryId: number;
  at: Date;
  text: string;
  remove: boolean;
}

/** When "remove" is ticked, the time and text do not matter and are not checked. */
export function parseEditEntry(view: Submission, timeZone: string): Parsed<EditEntrySubmission> {
  const form = read(view, z.object({ time: text, text, remove: checkboxes.optional() }), editMetadata);
  if (!form) return outOfDate("text");
  const original = new Date(form.metadata.at);
  const at = parseClockInput(trimmed(form.values.time), original, timeZone);
  const entryText = trimmed(form.values.text);
  const remove = (form.values.remove?.value.selected_options ?? []).some((o) => o.value === "remove");
  const errors: Record<string, string> = {};
  if (!remove && !at) errors.time = TIME_ERROR;
  if (!remove && !entryText) errors.text = "Write what happened, or tick “Remove this entry”.";
  return result(errors, () => ({ entryId: form.metadata.entryId, at: at ?? original, text: entryText, remove }));
}

// Note --------------------------------------------------------------------------------------------

export function noteModal(incident: Pick<Incident, "id">): View {
  return modal(LIFECYCLE_CALLBACKS.note, `Note on ${humanId(incident)}`, "Add note", { incidentId: incident.id }, [
    textField("note", "Note", { multiline: true, placeholder: "What you saw, tried or decided" }),
  ]);
}

export function parseNote(view: Submission): Parsed<{ incidentId: number; text: string }> {
  const form = read(view, z.object({ note: text }), incidentRef);
  if (!form) return outOfDate("note");
  const note = trimmed(form.values.note);
  return result(note ? {} : { note: "Write the note." }, () => ({ incidentId: form.metadata.incidentId, text: note }));
}
