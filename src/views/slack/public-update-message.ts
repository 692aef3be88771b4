// The plan of a public update, in the incident channel: the exact words and component changes the
// status page will show, and who may approve them. Buttons only while it waits.
import type { KnownBlock } from "@slack/types";
import { describeEligible } from "../../domain/approval-policy.js";
import { humanId, type Incident } from "../../domain/incident.js";
import { componentStatusLabel, statusLabel, type PublicUpdate } from "../../domain/public-update.js";
import { formatClock } from "../../domain/time-format.js";
import { button } from "./buttons.js";
import { escapeMrkdwn, userMention } from "./mrkdwn.js";
import { clipMrkdwn, SECTION_TEXT } from "./text-limits.js";

export const PUBLIC_UPDATE_ACTIONS = { approve: "public_update_approve", deny: "public_update_deny" } as const;

const quote = (text: string) => text.split("\n").map((line) => `> ${escapeMrkdwn(line)}`).join("\n");

export function publicUpdateMessage(update: PublicUpdate, incident: Pick<Incident, "id" | "commander">, componentNames: Readonly<Record<string, string>>, timeZone: string): { text: string; blocks: KnownBlock[] } {
  const what = update.kind === "postmortem_summary" ? "post-mortem summary" : `${statusLabel(update.status!)} update`;
  const header =
    update.state === "pending" ? `:loudspeaker: Public ${what} for ${humanId(incident)}: waiting for approval`
    : update.state === "published" ? `:white_check_mark: Public ${what} for ${humanId(incident)}: published on the status page`
    : update.state === "denied" ? `:no_entry_sign: Public ${what} for ${humanId(incident)}: denied, not published`
    : `:hourglass: Public ${what} for ${humanId(incident)}: expired unapproved, not published`;
  const components = update.components.map((c) => `• ${escapeMrkdwn(componentNames[c.key] ?? c.key)} (\`${c.key}\`) → *${componentStatusLabel[c.status]}*`).join("\n");
  const decided =
    update.state === "published" ? `Approved and published by ${userMention(update.decidedBy)} at ${formatClock(update.decidedAt!, timeZone)}.`
    : update.state === "denied" ? `Denied by ${userMention(update.decidedBy)} at ${formatClock(update.decidedAt!, timeZone)}${update.denyReason ? `: ${escapeMrkdwn(update.denyReason)}` : "."}`
    : update.state === "expired" ? `Nobody approved it by ${formatClock(update.expiresAt, timeZone)}; ask again with \`/incident update\` if it is still wanted.`
    : `Asked by ${userMention(update.requestedBy)}. Approval from ${describeEligible(update.eligible, incident.commander)} before ${formatClock(update.expiresAt, timeZone)}.`;
  const value = JSON.stringify({ id: update.id });
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: `*${header}*` } },
    { type: "section", text: { type: "mrkdwn", text: clipMrkdwn(`*${escapeMrkdwn(update.title)}*${update.status ? ` · ${statusLabel(update.status)}` : ""}\n${quote(update.body)}`, SECTION_TEXT) } },
    ...(components ? [{ type: "section" as const, text: { type: "mrkdwn" as const, text: clipMrkdwn(`*Components*\n${components}`, SECTION_TEXT) } }] : []),
    { type: "context", elements: [{ type: "mrkdwn", text: decided }] },
    ...(update.state === "pending"
      ? [
          {
            type: "actions" as const,
            elements: [
              button("Approve and publish", PUBLIC_UPDATE_ACTIONS.approve, value, { style: "primary", confirm: { title: "Publish?", text: "These exact words go on the public status page.", confirmLabel: "Publish" } }),
              button("Deny", PUBLIC_UPDATE_ACTIONS.deny, value, { style: "danger" }),
            ],
          },
        ]
      : []),
  ];
  return { text: header, blocks };
}
