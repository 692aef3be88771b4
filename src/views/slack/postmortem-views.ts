// The post-mortem preview posted in the channel, and the Edit modal.
import type { KnownBlock, View } from "@slack/types";
import { z } from "zod";
import { humanId, type Incident } from "../../domain/incident.js";
import type { PostmortemDraft } from "../postmortem/draft.js";
import type { PostmortemEdits } from "../../domain/postmortem.js";
import type { Rendered } from "./incident-header.js";
import { button } from "./buttons.js";
import { escapeMrkdwn, link } from "./mrkdwn.js";
import { clipPlain, escapeAndClip, HEADER_TEXT, SECTION_TEXT, slackLength } from "./text-limits.js";
import { tryParseJsonWith } from "../../kernel/parse-json.js";

export const POSTMORTEM_ACTIONS = { edit: "postmortem_edit", regenerate: "postmortem_regenerate", discard: "postmortem_regenerate_fresh", publish: "postmortem_publish" } as const;
export const POSTMORTEM_EDIT_CALLBACK = "postmortem_edit_submit";

// Said under a clipped section: the full text is in the Edit modal and in what gets published.
const CLIPPED = "\n_(shortened here; Edit shows the full text)_";

/**
 * A titled section of outside text. Slack refuses a section over 3,000 characters of escaped
 * text, so the text is escaped first and clipped by that measure (`&` counts as `&amp;`).
 */
function titledSection(title: string, text: string, placeholder: string): KnownBlock {
  const head = `*${title}*\n`;
  if (!text) return { type: "section", text: { type: "mrkdwn", text: `${head}_${placeholder}_` } };
  const whole = escapeMrkdwn(text);
  const body = slackLength(head) + slackLength(whole) <= SECTION_TEXT ? whole : `${escapeAndClip(text, SECTION_TEXT - slackLength(head) - slackLength(CLIPPED))}${CLIPPED}`;
  return { type: "section", text: { type: "mrkdwn", text: `${head}${body}` } };
}

/** Whole lines while they fit in a section, then how many more there are. */
function linesThatFit(head: string, lines: string[]): string {
  let text = head;
  for (const [i, line] of lines.entries()) {
    const more = `\n_…and ${lines.length - i} more (Edit shows them all)_`;
    const next = `${text}${i > 0 ? "\n" : ""}${line}`;
    const roomForMore = i === lines.length - 1 ? 0 : slackLength(more);
    if (slackLength(next) + roomForMore > SECTION_TEXT) return `${text}${more}`;
    text = next;
  }
  return text;
}

/** Post-mortem text for a plain_text_input's initial_value, which Slack caps with the input's max_length. */
const clip = clipPlain;

export function postmortemPreview(incident: Incident, draft: PostmortemDraft, prUrl: string | null): Rendered {
  const value = JSON.stringify({ incidentId: incident.id });
  const model = draft.model;
  const section = titledSection;
  // Each remediation on its own line, itself clipped so that one long one cannot crowd out the rest.
  const remediations = model.remediations.map((r) => `${r.done ? "☑" : "☐"} ${escapeAndClip(r.text, 500)}${r.details ? ` — ${escapeAndClip(r.details, 200)}` : ""}${r.issue ? ` (${link(r.issue.url, r.issue.text)})` : ""}`);
  const entries = model.timeline.reduce((n, day) => n + day.entries.length, 0);
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: clipPlain(`Post-mortem draft: ${humanId(incident)}`, HEADER_TEXT) } },
    { type: "context", elements: [{ type: "mrkdwn", text: `\`${draft.filename}\` · ${entries} timeline entries · durations: acknowledge ${model.durations.acknowledge}, mitigate ${model.durations.mitigate}, resolve ${model.durations.resolve}${prUrl ? ` · ${link(prUrl, "pull request")}` : ""}` }] },
    section("TL;DR", model.tldr, "not written yet"),
    section("Impact", model.impact.statement, "not written yet: `/incident impact <what users saw>`, or Edit"),
    section("Root cause", model.rootCause, "not written yet: use Edit, or `/incident rootcause <text>`"),
    { type: "section", text: { type: "mrkdwn", text: remediations.length > 0 ? linesThatFit("*Remediations*\n", remediations) : "*Remediations*\n_none yet: `/incident followup <text>` adds one_" } },
    {
      type: "actions",
      block_id: `postmortem_${incident.id}`,
      elements: [
        button("Edit", POSTMORTEM_ACTIONS.edit, value),
        button("Regenerate", POSTMORTEM_ACTIONS.regenerate, value),
        button("Redraft without edits", POSTMORTEM_ACTIONS.discard, value, {
          confirm: { title: "Discard edits?", text: "This forgets everything written in Edit and drafts again from the record.", confirmLabel: "Discard and redraft" },
        }),
        button(prUrl ? "Publish again" : "Publish", POSTMORTEM_ACTIONS.publish, value, { style: "primary" }),
      ],
    },
  ];
  return { text: `Post-mortem draft for ${humanId(incident)}`, blocks };
}

const fields: { key: keyof PostmortemEdits; block: string; label: string; required: boolean }[] = [
  { key: "tldr", block: "tldr", label: "TL;DR", required: true },
  { key: "impact", block: "impact", label: "Impact (what users saw, with a figure: “1,705 calls dropped”)", required: false },
  { key: "rootCause", block: "root_cause", label: "Root cause", required: true },
  { key: "resolution", block: "resolution", label: "Resolution (what was done to fix it)", required: false },
  { key: "remediations", block: "remediations", label: "More remediations (one per line; follow-ups from Slack are always included)", required: false },
  { key: "wentWell", block: "went_well", label: "What went well", required: false },
  { key: "wentPoorly", block: "went_poorly", label: "What went poorly", required: false },
];

/**
 * What the Edit button opens at once: Slack's trigger_id lasts 3 s, and drafting reads the record
 * and people's names from Slack first, so the form arrives by views.update when it is ready
 * (https://docs.slack.dev/surfaces/modals#updating_views). It has no Save, so nothing half-loaded
 * can be submitted.
 */
export function postmortemLoadingModal(incidentId: number, note = "Drafting from the incident's record…"): View {
  return {
    type: "modal",
    callback_id: POSTMORTEM_EDIT_CALLBACK,
    private_metadata: JSON.stringify({ incidentId }),
    title: { type: "plain_text", text: "Edit post-mortem" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [{ type: "section", text: { type: "mrkdwn", text: `:hourglass_flowing_sand: ${escapeMrkdwn(note)}` } }],
  };
}

export function postmortemEditModal(incident: Incident, sections: Required<PostmortemEdits>): View {
  return {
    type: "modal",
    callback_id: POSTMORTEM_EDIT_CALLBACK,
    private_metadata: JSON.stringify({ incidentId: incident.id }),
    title: { type: "plain_text", text: "Edit post-mortem" },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: fields.map((f) => ({
      type: "input" as const,
      block_id: f.block,
      optional: !f.required,
      label: { type: "plain_text" as const, text: f.label },
      element: { type: "plain_text_input" as const, action_id: "value", multiline: true, max_length: 3000, ...(sections[f.key] && { initial_value: clip(sections[f.key], 3000) }) },
    })),
  };
}

const state = z.object({ values: z.record(z.string(), z.object({ value: z.object({ value: z.string().nullish() }) })) });

/** The edited sections, or per-field errors: a required section may not be emptied. */
export function parsePostmortemEdit(view: { state?: unknown; private_metadata?: string }):
  | { ok: true; incidentId: number; sections: Required<PostmortemEdits> }
  | { ok: false; errors: Record<string, string> } {
  const parsed = state.safeParse(view.state);
  const meta = tryParseJsonWith(z.object({ incidentId: z.number().int() }), view.private_metadata, "the post-mortem modal's metadata");
  if (!parsed.success || !meta) return { ok: false, errors: { tldr: "This form is out of date; close it and press Edit again." } };
  const sections = {} as Required<PostmortemEdits>;
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const value = (parsed.data.values[f.block]?.value.value ?? "").trim();
    if (f.required && !value) errors[f.block] = `${f.label} can't be empty in a post-mortem: write what you know, or press Cancel to keep it as it was.`;
    sections[f.key] = value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, incidentId: meta.incidentId, sections };
}
