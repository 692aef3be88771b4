// Choosing a playbook and giving it its params; explaining a denial.
import type { KnownBlock, View } from "@slack/types";
import { z } from "zod";
import type { Playbook } from "../../domain/playbook-schema.js";
import { initialTarget, type ServiceTargets, type TargetNames } from "../../domain/targets.js";
import { escapeMrkdwn } from "./mrkdwn.js";
import { clipMrkdwn, clipPlain, escapeAndClip, HEADER_TEXT, SECTION_TEXT } from "./text-limits.js";

// A message holds at most 50 blocks (https://docs.slack.dev/reference/block-kit/blocks); the list
// keeps room for the "show all" and "more" lines.
const MAX_LISTED = 45;

export const PLAYBOOK_CHOOSE_ACTION = "playbook_choose";
export const PLAYBOOK_SHOW_ALL_ACTION = "playbook_show_all";
export const PLAYBOOK_PARAMS_CALLBACK = "playbook_params";
export const DENY_REASON_CALLBACK = "step_deny_reason";

/** `service`: the incident's first service, so the params form can start from its targets. */
export function playbookList(playbooks: readonly Playbook[], incidentId: number, filtered: { hidden: number }, service?: string): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (playbooks.length === 0) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: "No playbook matches this incident." } });
  }
  for (const playbook of playbooks.slice(0, MAX_LISTED)) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: `*${escapeAndClip(playbook.title, 200)}* (${playbook.steps.length} step${playbook.steps.length === 1 ? "" : "s"})\n${escapeAndClip(playbook.description, 500)}` },
      accessory: { type: "button", text: { type: "plain_text", text: "Run…" }, action_id: PLAYBOOK_CHOOSE_ACTION, value: JSON.stringify({ incidentId, playbookId: playbook.id, ...(service && { service }) } satisfies PlaybookChoice) },
    });
  }
  if (playbooks.length > MAX_LISTED) {
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `…and ${playbooks.length - MAX_LISTED} more not shown: a Slack message holds only ${MAX_LISTED + 5} blocks.` }] });
  }
  if (filtered.hidden > 0) {
    blocks.push({
      type: "actions",
      elements: [{ type: "button", text: { type: "plain_text", text: `Show all playbooks (${filtered.hidden} more)` }, action_id: PLAYBOOK_SHOW_ALL_ACTION, value: JSON.stringify({ incidentId }) }],
    });
  }
  return blocks;
}

export const playbookChoice = z.object({ incidentId: z.number().int(), playbookId: z.string(), service: z.string().optional() });
type PlaybookChoice = z.infer<typeof playbookChoice>;

/** What the form offers for target params: the configured targets, and the incident's service's own. */
export interface ParamChoices {
  targets: TargetNames;
  service?: ServiceTargets;
}

const NO_TARGETS: ParamChoices = { targets: { postgres: [], kubernetes: [], traffic: [] } };

export function paramsModal(playbook: Playbook, incidentId: number, choices: ParamChoices = NO_TARGETS): View {
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: clipMrkdwn(`${escapeMrkdwn(playbook.description)}\n\n*Steps:* ${playbook.steps.map((s, i) => `${i + 1}. ${escapeMrkdwn(s.title)}${s.approval ? " :raised_hand:" : ""}`).join("  ")}`, SECTION_TEXT) } },
  ];
  for (const [name, spec] of Object.entries(playbook.params)) {
    // Chosen later, from what an earlier step finds: there is nothing to type here.
    if (spec.type === "choice") continue;
    const label = { type: "plain_text" as const, text: name };
    const described = spec.type === "target" && choices.targets[spec.kind].length === 0 ? `${spec.description ?? ""} (no ${spec.kind} target is configured in firebreak.yaml)`.trim() : spec.description;
    const hint = described ? { hint: { type: "plain_text" as const, text: described.slice(0, 150) } } : {};
    const targets = spec.type === "target" ? choices.targets[spec.kind] : undefined;
    const initial = spec.type === "target" ? initialTarget(spec.kind, spec.default, choices.targets, choices.service) : spec.default === undefined ? undefined : String(spec.default);
    const optional = spec.required === false || initial !== undefined;
    // A select holds at most 100 options (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element).
    const options = spec.type === "enum" ? spec.values : spec.type === "boolean" ? ["true", "false"] : targets && targets.length > 0 ? targets.slice(0, 100) : undefined;
    const element = options
      ? {
          type: "static_select" as const,
          action_id: "value",
          options: options.map((v) => ({ text: { type: "plain_text" as const, text: v }, value: v })),
          ...(initial && { initial_option: { text: { type: "plain_text" as const, text: initial }, value: initial } }),
        }
      : { type: "plain_text_input" as const, action_id: "value", ...(initial && { initial_value: initial }) };
    blocks.push({ type: "input", block_id: `param_${name}`, optional, label, element, ...hint });
  }
  return {
    type: "modal",
    callback_id: PLAYBOOK_PARAMS_CALLBACK,
    private_metadata: JSON.stringify({ incidentId, playbookId: playbook.id }),
    title: { type: "plain_text", text: "Run playbook" },
    submit: { type: "plain_text", text: "Start" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [{ type: "header", text: { type: "plain_text", text: clipPlain(playbook.title, HEADER_TEXT) } }, ...blocks],
  };
}

const fieldValue = z.object({ value: z.string().nullish(), selected_option: z.object({ value: z.string() }).nullish() });
const paramsState = z.object({ values: z.record(z.string(), z.object({ value: fieldValue })) });

/** The raw values typed into the params modal, by param name. */
export function readParams(state: unknown): Record<string, string | undefined> {
  const parsed = paramsState.safeParse(state);
  if (!parsed.success) return {};
  return Object.fromEntries(
    Object.entries(parsed.data.values)
      .filter(([block]) => block.startsWith("param_"))
      .map(([block, { value }]) => [block.slice("param_".length), value.selected_option?.value ?? value.value ?? undefined]),
  );
}

export function denyModal(buttonValue: string, stepTitle: string): View {
  return {
    type: "modal",
    callback_id: DENY_REASON_CALLBACK,
    private_metadata: buttonValue,
    title: { type: "plain_text", text: "Deny step" },
    submit: { type: "plain_text", text: "Deny" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: "reason",
        label: { type: "plain_text", text: clipPlain(`Why deny “${stepTitle}”?`, 150) },
        element: { type: "plain_text_input", action_id: "value", multiline: true, min_length: 3, max_length: 1000 },
      },
    ],
  };
}

export function readDenyReason(state: unknown): string {
  const parsed = z.object({ values: z.object({ reason: z.object({ value: z.object({ value: z.string().nullish() }) }) }) }).safeParse(state);
  return parsed.success ? (parsed.data.values.reason.value.value ?? "").trim() : "";
}
