// `/incident <subcommand>` inside an incident channel: parse the arguments, call the flow, and
// answer the person privately. Modals open after the ack, within Slack's 3 s trigger window.
import type { View } from "@slack/types";
import { humanId, type Incident } from "../../domain/incident.js";
import { incidentDurations } from "../../domain/durations.js";
import { rename, setCommander, setRole, setSeverity, setStatus } from "../../incidents/lifecycle/change-incident.js";
import type { Outcome } from "../../incidents/lifecycle/outcome.js";
import { checkPermission } from "../../incidents/lifecycle/permission-check.js";
import { setRootCause, showPreview } from "../../postmortem/postmortem-flows.js";
import { addNote } from "../../incidents/lifecycle/record-notes.js";
import { followupCommand, listFollowups } from "../../incidents/lifecycle/followups.js";
import { catchUp } from "../../incidents/lifecycle/catchup.js";
import { addImpact } from "../../incidents/lifecycle/record-impact.js";
import { publicFormFor } from "../../incidents/public-updates/public-update-flows.js";
import { splitAtTime } from "../../domain/at-time.js";
import { lifecycleHelp, parseSeverity, parseStatus, parseUserMention } from "../../views/slack/lifecycle-help.js";
import { resolveModal, statusUpdateModal } from "../../views/slack/lifecycle-modals.js";
import { slackTextToPlain } from "../../views/slack/mrkdwn.js";
import { timelineMessage } from "../../views/slack/timeline-view.js";
import { peopleInEntries, timelineEditPicker } from "../../views/slack/timeline-edit-picker.js";
import type { AppDeps } from "./slack-deps.js";

/** An ephemeral answer, or a form to open once Slack has been acked. */
export type Reply = { text: string; blocks?: unknown[] } | { modal: View };

export interface CommandContext {
  flows: AppDeps;
  incident: Incident;
  userId: string;
}

export const lifecycleSubcommands = new Set(["status", "severity", "sev", "commander", "ic", "role", "note", "followup", "follow-up", "followups", "rename", "update", "resolve", "timeline", "postmortem", "rootcause", "root-cause", "impact", "catchup", "catch-up"]);

/** These take a time first: `/incident note at 9:45am …`. */
const timedSubcommands = new Set(["status", "severity", "sev", "note", "followup", "follow-up", "impact"]);

/** Handles a lifecycle subcommand; undefined when `sub` is not one. */
export async function lifecycleCommand(sub: string, rawArgs: string, ctx: CommandContext): Promise<Reply | undefined> {
  const { flows, incident, userId } = ctx;
  const plainArgs = sub === "role" || sub === "commander" || sub === "ic" ? rawArgs : slackTextToPlain(rawArgs);
  const actor = { userId };
  const answer = (outcome: Outcome): Reply => ({ text: outcome.ok ? (outcome.reply ?? "Done.") : `:no_entry_sign: ${outcome.reason}` });
  // `/incident note trigger at 3:55pm …`: the note marks when the trouble started.
  const trigger = sub === "note" && /^trigger(?:\s|$)/i.test(plainArgs);
  const untagged = trigger ? plainArgs.replace(/^trigger\s*/i, "") : plainArgs;
  const timed = timedSubcommands.has(sub) ? splitAtTime(untagged, flows.now(), flows.timezone) : { ok: true as const, rest: untagged };
  if (!timed.ok) return { text: `:no_entry_sign: ${timed.reason}` };
  const { at, rest: args } = timed;
  const usage = (form: string, problem: string): Reply => ({ text: `:no_entry_sign: ${problem} Use \`/incident ${form}\`.` });
  switch (sub) {
    case "status": {
      const status = parseStatus(args);
      if (!status) return usage("status investigating|identified|monitoring|resolved", `“${args || "nothing"}” is not a status.`);
      if (status === "resolved") return { modal: resolveModal(incident, flows.timezone, at, await publicFormFor(flows, incident)) };
      return answer(await setStatus(flows, incident.id, status, actor, at));
    }
    case "severity":
    case "sev": {
      const severity = parseSeverity(args);
      if (!severity) return usage("severity SEV1|SEV2|SEV3|SEV4", `“${args || "nothing"}” is not a severity.`);
      return answer(await setSeverity(flows, incident.id, severity, actor, at));
    }
    case "commander":
    case "ic": {
      const user = parseUserMention(args);
      if (!user) return usage("commander @someone", "Mention the new commander.");
      return answer(await setCommander(flows, incident.id, user, actor));
    }
    case "role": {
      const [name = "", ...rest] = args.split(/\s+/);
      const user = parseUserMention(rest.join(" "));
      if (!/^[a-z][a-z0-9_-]{0,29}$/i.test(name) || !user) return usage("role <name> @someone", "Give a role name and mention who takes it, e.g. `/incident role comms @ana`.");
      return answer(await setRole(flows, incident.id, name.toLowerCase(), user, actor));
    }
    case "note":
      return answer(await addNote(flows, incident, args, actor, at, trigger));
    case "impact":
      return answer(await addImpact(flows, incident, args, actor, at));
    case "followup":
    case "follow-up":
      return answer(await followupCommand(flows, incident, args, actor, at));
    case "followups":
      return listFollowups(flows, incident);
    case "rename":
      if (!args) return usage("rename <new title>", "Give the new title.");
      return answer(await rename(flows, incident.id, args, actor));
    case "update":
      if (incident.status === "resolved") return { text: `:no_entry_sign: ${humanId(incident)} is resolved; there is nothing to update.` };
      return { modal: statusUpdateModal(incident, await publicFormFor(flows, incident)) };
    case "resolve":
      if (incident.status === "resolved") return { text: `:no_entry_sign: ${humanId(incident)} is already resolved.` };
      return { modal: resolveModal(incident, flows.timezone, undefined, await publicFormFor(flows, incident)) };
    case "timeline":
      return timelineReply(flows, incident, userId);
    case "postmortem":
      return answer(await showPreview(flows, incident));
    case "rootcause":
    case "root-cause":
      return answer(await setRootCause(flows, incident, args, userId));
    case "catchup":
    case "catch-up":
      return catchUp(flows, incident, userId);
    default:
      return undefined;
  }
}

export async function timelineReply(flows: AppDeps, incident: Incident, userId: string): Promise<{ text: string; blocks: unknown[] }> {
  const entries = await flows.store.timeline.list(incident.id);
  const rendered = timelineMessage(incident, entries, incidentDurations(incident, entries), flows.timezone);
  // Those who may correct the timeline (the commander and the scribe, by default) can pick an entry.
  const editor = !(await checkPermission(flows, incident, userId, "timeline"));
  const names = editor ? await flows.store.people.names(peopleInEntries(entries)) : {};
  const blocks = editor ? [...rendered.blocks, timelineEditPicker(incident, entries, flows.timezone, names)] : rendered.blocks;
  return { text: rendered.text, blocks };
}

export const helpFor = (problem?: string) => ({ text: lifecycleHelp(problem) });
