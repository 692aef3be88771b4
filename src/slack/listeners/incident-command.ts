// `/incident <subcommand>`: thin — parse, ack, hand to a flow or a view.
import type { App } from "@slack/bolt";
import { declareModal } from "../../views/slack/declare-modal.js";
import { playbookCommand } from "./playbook-listeners.js";
import { INCIDENT_COMMAND } from "../../views/slack/slack-surface.js";
import { helpFor, lifecycleCommand, lifecycleSubcommands } from "./lifecycle-commands.js";
import { DATABASE_UNAVAILABLE, type ListenerDeps } from "./slack-deps.js";
import { mentionedUserIds, rememberPeople } from "../../incidents/remember-people.js";
import { catchupById, catchupWhere, declareArgs } from "./private-commands.js";
import { escalateCommand } from "./escalate-listeners.js";
import { PAGERDUTY_OFF } from "../../incidents/escalate.js";

// A command's answer is its ack: Slack shows it to the person who typed it, member or not. What
// fails after the ack (a form Slack would not open) reaches them through the error boundary.
export function registerIncidentCommand(app: App, deps: ListenerDeps): void {
  app.command(INCIDENT_COMMAND.command, async ({ command, ack, client }) => {
    const [sub = "", ...rest] = command.text.trim().split(/\s+/);
    const args = command.text.trim().slice(sub.length).trim();
    switch (sub.toLowerCase()) {
      case "declare": {
        if (!deps()) return ack({ response_type: "ephemeral", text: DATABASE_UNAVAILABLE });
        await ack();
        const { title, private: isPrivate } = declareArgs(args);
        await client.views.open({ trigger_id: command.trigger_id, view: declareModal({ title, private: isPrivate }, { channelId: command.channel_id }) });
        return;
      }
      case "playbook":
      case "playbooks": {
        const flows = deps();
        if (!flows) return ack({ response_type: "ephemeral", text: DATABASE_UNAVAILABLE });
        const answer = await playbookCommand(flows, command.channel_id, args.toLowerCase() === "all");
        return ack({ response_type: "ephemeral", text: answer.text, ...(answer.blocks && { blocks: answer.blocks as never }) });
      }
      case "escalate": {
        const flows = deps();
        if (!flows) return ack({ response_type: "ephemeral", text: DATABASE_UNAVAILABLE });
        if (!flows.escalation) return ack({ response_type: "ephemeral", text: PAGERDUTY_OFF });
        const incident = await flows.store.incidents.byChannel(command.channel_id);
        if (!incident) return ack({ response_type: "ephemeral", text: `\`${INCIDENT_COMMAND.command} escalate\` works inside an incident's channel; this channel is not one.` });
        return escalateCommand(flows, incident, client, command.trigger_id, (text) => (text ? ack({ response_type: "ephemeral", text }) : ack()));
      }
      case "":
      case "help":
        return ack({ response_type: "ephemeral", text: helpFor().text });
    }
    if (!lifecycleSubcommands.has(sub.toLowerCase())) {
      return ack({ response_type: "ephemeral", text: helpFor(`\`${INCIDENT_COMMAND.command} ${[sub, ...rest].join(" ")}\` is not a Firebreak command.`).text });
    }
    const flows = deps();
    if (!flows) return ack({ response_type: "ephemeral", text: DATABASE_UNAVAILABLE });
    const isCatchup = sub.toLowerCase() === "catchup" || sub.toLowerCase() === "catch-up";
    // An id names the incident wherever the command is typed; a private one answers only its members.
    const byId = isCatchup ? await catchupById(flows, args, command.user_id) : undefined;
    if (byId && "text" in byId) return ack({ response_type: "ephemeral", text: byId.text, ...(byId.blocks && { blocks: byId.blocks as never }) });
    const incident = await flows.store.incidents.byChannel(command.channel_id);
    if (!incident && isCatchup) return ack({ response_type: "ephemeral", text: await catchupWhere(flows, command.user_id) });
    if (!incident) {
      return ack({ response_type: "ephemeral", text: helpFor(`\`${INCIDENT_COMMAND.command} ${sub}\` works inside an incident's channel; this channel is not one. To start one: \`${INCIDENT_COMMAND.command} declare\`.`).text });
    }
    const reply = await lifecycleCommand(sub.toLowerCase(), args, { flows, incident, userId: command.user_id });
    // Named now, while Slack is at hand, so an export later needs no Slack; not awaited: the answer
    // does not wait on users.info, and a name missed here is asked for again when drafting.
    void rememberPeople(flows, [command.user_id, ...mentionedUserIds(args)]).catch((error: unknown) => flows.log.warn({ err: error }, "could not look up names"));
    if (!reply) return ack({ response_type: "ephemeral", text: helpFor(`\`${INCIDENT_COMMAND.command} ${[sub, ...rest].join(" ")}\` is not a Firebreak command.`).text });
    if ("modal" in reply) {
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: reply.modal });
      return;
    }
    return ack({ response_type: "ephemeral", text: reply.text, ...(reply.blocks && { blocks: reply.blocks as never }) });
  });
}
