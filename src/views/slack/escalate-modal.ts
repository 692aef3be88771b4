// The `/incident escalate` form: whom to page (an external_select, so Slack asks Firebreak for
// options as the person types, https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select,
// and nothing is asked of PagerDuty before the modal opens) and a message for them.
import type { ModalView, Option } from "@slack/types";
import { z } from "zod";
import { humanId, type Incident } from "../../domain/incident.js";
import type { EscalationTarget, EscalationTargetKind } from "../../ports/paging.js";

export const ESCALATE_CALLBACK = "incident_escalate";
export const ESCALATE_TARGET_ACTION = "escalate_target";
/** Slack asks for options only once this many characters are typed. */
export const ESCALATE_MIN_QUERY = 2;

const MAX_MESSAGE = 2000;
// "Maximum number of options is 100" (select menu element reference); option text ≤ 75 characters.
const MAX_OPTIONS = 100;
const MAX_OPTION_TEXT = 75;

const kindNames: Record<EscalationTargetKind, string> = { escalation_policy: "Escalation policy", service: "Service", user: "User" };

export function escalateModal(incident: Pick<Incident, "id" | "title" | "pagerdutyIncidentId">): ModalView {
  const withoutPagerduty = !incident.pagerdutyIncidentId;
  return {
    type: "modal",
    callback_id: ESCALATE_CALLBACK,
    private_metadata: JSON.stringify({ incidentId: incident.id }),
    title: { type: "plain_text", text: "Escalate" },
    submit: { type: "plain_text", text: "Page" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: withoutPagerduty
            ? `*${humanId(incident)}* has no PagerDuty incident yet: pick a *service*, and Firebreak opens one on it with this message.`
            : `Ask PagerDuty to page another team or person on *${humanId(incident)}*. Whoever accepts is invited to this channel.`,
        },
      },
      {
        type: "input",
        block_id: "target",
        label: { type: "plain_text", text: "Whom to page" },
        element: {
          type: "external_select",
          action_id: ESCALATE_TARGET_ACTION,
          min_query_length: ESCALATE_MIN_QUERY,
          placeholder: { type: "plain_text", text: "Type an escalation policy, service or person" },
        },
      },
      {
        type: "input",
        block_id: "message",
        label: { type: "plain_text", text: "Message" },
        element: { type: "plain_text_input", action_id: "value", multiline: true, max_length: MAX_MESSAGE, placeholder: { type: "plain_text", text: "What you need from them" } },
      },
    ],
  };
}

/** The options Slack shows for what the person typed. */
export function targetOptions(targets: readonly EscalationTarget[], value: (t: EscalationTarget) => string): Option[] {
  return targets.slice(0, MAX_OPTIONS).map((t) => {
    const label = `${kindNames[t.kind]}: ${t.name}`;
    return { text: { type: "plain_text", text: label.length > MAX_OPTION_TEXT ? `${label.slice(0, MAX_OPTION_TEXT - 1)}…` : label }, value: value(t) };
  });
}

const submitted = z.object({
  target: z.object({ [ESCALATE_TARGET_ACTION]: z.object({ selected_option: z.object({ value: z.string(), text: z.object({ text: z.string() }) }).nullish() }) }),
  message: z.object({ value: z.object({ value: z.string().nullish() }) }),
});
const metadata = z.object({ incidentId: z.number().int() });

export type EscalateForm = { ok: true; incidentId: number; targetValue: string | undefined; targetLabel: string; message: string } | { ok: false; errors: Record<string, string> };

export function readEscalateForm(view: { state?: unknown; private_metadata?: string }): EscalateForm {
  const meta = metadata.safeParse(safeJson(view.private_metadata));
  const values = submitted.safeParse((view.state as { values?: unknown } | undefined)?.values);
  if (!meta.success || !values.success) return { ok: false, errors: { message: "This form is out of date; close it and run `/incident escalate` again." } };
  const message = values.data.message.value.value?.trim() ?? "";
  if (message.length < 3) return { ok: false, errors: { message: "Say what you need from them (PagerDuty shows this message when it pages)." } };
  const option = values.data.target[ESCALATE_TARGET_ACTION].selected_option;
  return { ok: true, incidentId: meta.data.incidentId, targetValue: option?.value, targetLabel: option?.text.text ?? "", message };
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return undefined;
  }
}
