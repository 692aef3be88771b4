// Publish, when the status page is on: the post-mortem goes to GitHub as before, and the public
// summary written here (never the internal document) is asked for approval like any public update.
import type { View } from "@slack/types";
import { z } from "zod";
import { humanId, type Incident } from "../../domain/incident.js";
import { tryParseJsonWith } from "../../kernel/parse-json.js";

export const PUBLISH_POSTMORTEM_CALLBACK = "publish_postmortem";

const plain = (text: string) => ({ type: "plain_text" as const, text });

export function publishPostmortemModal(incident: Pick<Incident, "id">): View {
  return {
    type: "modal",
    callback_id: PUBLISH_POSTMORTEM_CALLBACK,
    private_metadata: JSON.stringify({ incidentId: incident.id }),
    title: plain(`Publish ${humanId(incident)}`),
    submit: plain("Publish"),
    close: plain("Cancel"),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: "The post-mortem is published to GitHub as a pull request. A public summary, if you write one, is shown in the channel and goes on the status page once approved." } },
      {
        type: "input",
        block_id: "public_summary",
        optional: true,
        label: plain("Public summary"),
        hint: plain("What customers read under this incident on the status page: what happened, the impact, what changes. Not the internal document."),
        element: { type: "plain_text_input", action_id: "value", multiline: true, max_length: 3000 },
      },
    ],
  };
}

const state = z.object({ values: z.object({ public_summary: z.object({ value: z.object({ value: z.string().nullish() }) }) }) });

export function parsePublishPostmortem(view: { state?: unknown; private_metadata?: string }): { incidentId: number; summary: string } | undefined {
  const values = state.safeParse(view.state);
  const meta = tryParseJsonWith(z.object({ incidentId: z.number().int().positive() }), view.private_metadata, "the publish modal's metadata");
  if (!values.success || !meta) return undefined;
  return { incidentId: meta.incidentId, summary: values.data.values.public_summary.value.value?.trim() ?? "" };
}
