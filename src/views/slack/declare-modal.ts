// The "Declare incident" modal, and the parsing of what comes back from it.
import type { View } from "@slack/types";
import { z } from "zod";
import { severities, type Severity } from "../../domain/incident.js";
import { tryParseJsonWith } from "../../kernel/parse-json.js";

export const DECLARE_CALLBACK_ID = "declare_incident";
const MAX_TITLE = 150;

const severityHelp: Record<Severity, string> = {
  SEV1: "Critical: customers broadly affected",
  SEV2: "Major: a key feature degraded",
  SEV3: "Minor: limited impact",
  SEV4: "Low: no customer impact yet",
};

export interface DeclarePrefill {
  title?: string;
  description?: string;
  severity?: Severity;
  services?: string[];
  private?: boolean;
}

export interface DeclareMetadata {
  /** Where the modal was opened from, to answer there. */
  channelId?: string;
  /** The message a shortcut declared from. */
  sourceMessageUrl?: string;
}

const privateOption = {
  text: { type: "plain_text" as const, text: "Private" },
  description: { type: "plain_text" as const, text: "A private channel, not announced; only people invited see it" },
  value: "private",
};

export function declareModal(prefill: DeclarePrefill, metadata: DeclareMetadata): View {
  const option = (s: Severity) => ({ text: { type: "plain_text" as const, text: s }, description: { type: "plain_text" as const, text: severityHelp[s] }, value: s });
  const severity = prefill.severity ?? "SEV3";
  return {
    type: "modal",
    callback_id: DECLARE_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: { type: "plain_text", text: "Declare incident" },
    submit: { type: "plain_text", text: "Declare" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: "title",
        label: { type: "plain_text", text: "Title" },
        element: {
          type: "plain_text_input",
          action_id: "value",
          max_length: MAX_TITLE,
          placeholder: { type: "plain_text", text: "What is broken, for whom" },
          ...(prefill.title && { initial_value: prefill.title.slice(0, MAX_TITLE) }),
        },
      },
      {
        type: "input",
        block_id: "severity",
        label: { type: "plain_text", text: "Severity" },
        element: { type: "static_select", action_id: "value", options: severities.map(option), initial_option: option(severity) },
      },
      {
        type: "input",
        block_id: "services",
        optional: true,
        label: { type: "plain_text", text: "Affected services" },
        hint: { type: "plain_text", text: "Comma-separated, e.g. api, orders-db" },
        element: { type: "plain_text_input", action_id: "value", ...(prefill.services?.length && { initial_value: prefill.services.join(", ") }) },
      },
      {
        type: "input",
        block_id: "description",
        optional: true,
        label: { type: "plain_text", text: "Description" },
        element: {
          type: "plain_text_input",
          action_id: "value",
          multiline: true,
          max_length: 3000,
          ...(prefill.description && { initial_value: prefill.description.slice(0, 3000) }),
        },
      },
      {
        type: "input",
        block_id: "visibility",
        optional: true,
        label: { type: "plain_text", text: "Visibility" },
        element: { type: "checkboxes", action_id: "value", options: [privateOption], ...(prefill.private && { initial_options: [privateOption] }) },
      },
    ],
  };
}

const textValue = z.object({ value: z.string().nullish() });
const stateSchema = z.object({
  values: z.object({
    title: z.object({ value: textValue }),
    severity: z.object({ value: z.object({ selected_option: z.object({ value: z.enum(severities) }).nullish() }) }),
    services: z.object({ value: textValue }).optional(),
    description: z.object({ value: textValue }).optional(),
    visibility: z.object({ value: z.object({ selected_options: z.array(z.object({ value: z.string() })).nullish() }) }).optional(),
  }),
});

export interface DeclareSubmission {
  title: string;
  severity: Severity;
  services: string[];
  description: string;
  /** The "Private" box was ticked. */
  private: boolean;
  metadata: DeclareMetadata;
}

/** The submission, or Slack's per-field errors to show in the modal. */
export function parseDeclareSubmission(
  view: { state?: unknown; private_metadata?: string },
): { ok: true; value: DeclareSubmission } | { ok: false; errors: Record<string, string> } {
  const state = stateSchema.safeParse(view.state);
  if (!state.success) return { ok: false, errors: { title: "This form is out of date; close it and run /incident declare again." } };
  const values = state.data.values;
  const title = values.title.value.value?.trim() ?? "";
  const severity = values.severity.value.selected_option?.value;
  const errors: Record<string, string> = {};
  if (!title) errors.title = "Give the incident a title, e.g. “Checkout errors for EU customers”.";
  if (!severity) errors.severity = "Choose a severity.";
  const services = (values.services?.value.value ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  const badService = services.find((s) => !/^[a-z0-9][a-z0-9._-]{0,62}$/.test(s));
  if (badService) errors.services = `“${badService}” is not a service name: use letters, digits, dots, dashes or underscores.`;
  if (Object.keys(errors).length > 0 || !severity) return { ok: false, errors };
  return {
    ok: true,
    value: {
      title,
      severity,
      services,
      description: values.description?.value.value?.trim() ?? "",
      private: (values.visibility?.value.selected_options ?? []).some((o) => o.value === "private"),
      metadata: parseMetadata(view.private_metadata),
    },
  };
}

function parseMetadata(raw: string | undefined): DeclareMetadata {
  const schema = z.object({ channelId: z.string().optional(), sourceMessageUrl: z.string().optional() });
  return tryParseJsonWith(schema, raw || "{}", "the declare modal's metadata") ?? {};
}
