// Publishing a post-mortem whose Root Cause is still the template's prompt, or whose Impact says
// nothing, puts an unfinished document in front of every reader; so Publish first asks, privately,
// naming exactly what is missing.
import type { KnownBlock } from "@slack/types";
import type { PostmortemModel } from "../postmortem/draft.js";
import type { ChatMessage } from "../../ports/chat.js";

export const PUBLISH_CONFIRM_ACTIONS = { anyway: "postmortem_publish_anyway", cancel: "postmortem_publish_cancel" } as const;

/** What a reader would find unfinished; empty when the draft can go as it is. */
export function publishGaps(model: Pick<PostmortemModel, "rootCause" | "impact">): string[] {
  const gaps: string[] = [];
  if (!model.rootCause.trim()) gaps.push("Root Cause is still the template's placeholder");
  if (!model.impact.statement.trim()) gaps.push("Impact is empty");
  return gaps;
}

export function publishConfirmation(incidentId: number, gaps: string[]): ChatMessage {
  const value = JSON.stringify({ incidentId });
  const text = `${gaps.join("; ")}. Publish anyway?`;
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: `:warning: ${text}\nUse Edit on the draft, \`/incident rootcause <text>\` or \`/incident impact <text>\` to fill them in first.` } },
    {
      type: "actions",
      block_id: `postmortem_publish_confirm_${incidentId}`,
      elements: [
        { type: "button", action_id: PUBLISH_CONFIRM_ACTIONS.anyway, text: { type: "plain_text", text: "Publish anyway" }, value, style: "danger" },
        { type: "button", action_id: PUBLISH_CONFIRM_ACTIONS.cancel, text: { type: "plain_text", text: "Cancel" }, value },
      ],
    },
  ];
  return { text, blocks };
}
