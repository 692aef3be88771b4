// Firebreak's App Home tab for one person (https://docs.slack.dev/surfaces/app-home): open
// incidents, the ones they hold a role in, approvals waiting on them with the step message's own
// Approve and Deny buttons (same action ids and values, so the same handlers decide, once), and
// recent post-mortems awaiting review. Pure: a function of what the flow read.
import type { HomeView, KnownBlock } from "@slack/types";
import { formatDuration } from "../../domain/durations.js";
import { humanId, type Incident } from "../../domain/incident.js";
import { button } from "./buttons.js";
import { escapeMrkdwn, link, userMention } from "./mrkdwn.js";
import { STEP_ACTIONS, type StepButtonValue } from "./step-message.js";

export interface HomeApproval {
  incident: Pick<Incident, "id" | "title" | "channelId">;
  playbookTitle: string;
  stepTitle: string;
  position: number;
  button: StepButtonValue;
}

export interface HomeData {
  open: (Pick<Incident, "id" | "title" | "severity" | "status" | "commander" | "channelId" | "declaredAt"> & { roles: string[] })[];
  /** Incidents the person commands or holds a role in, with what they hold. */
  mine: { incident: Pick<Incident, "id" | "title" | "channelId">; roles: string[] }[];
  approvals: HomeApproval[];
  postmortems: { incident: Pick<Incident, "id" | "title">; prUrl: string; publishedAt: Date }[];
}

// A Home tab holds at most 100 blocks (https://docs.slack.dev/reference/block-kit/blocks); each
// list is cut so that the whole view stays well under it, saying how many more there are.
export const HOME_LIMITS = { open: 20, mine: 10, approvals: 10, postmortems: 10 } as const;

const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });
const context = (text: string): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text }] });
const name = (incident: Pick<Incident, "id" | "title" | "channelId">) =>
  `${incident.channelId ? `<#${incident.channelId}>` : `*${humanId(incident)}*`} ${escapeMrkdwn(incident.title)}`;
const more = (shown: number, total: number) => (total > shown ? [context(`…and ${total - shown} more.`)] : []);

export function homeView(data: HomeData, now: Date): HomeView {
  const blocks: KnownBlock[] = [{ type: "header", text: { type: "plain_text", text: "Firebreak" } }];

  blocks.push(section("*Open incidents*"));
  if (data.open.length === 0) blocks.push(context("No open incidents."));
  for (const incident of data.open.slice(0, HOME_LIMITS.open)) {
    const age = formatDuration(Math.max(0, now.getTime() - incident.declaredAt.getTime()));
    blocks.push(section(`${name(incident)} (${humanId(incident)})\n${incident.severity} · ${incident.status} · commander ${userMention(incident.commander)} · open ${age}`));
  }
  blocks.push(...more(HOME_LIMITS.open, data.open.length));

  blocks.push({ type: "divider" }, section("*Incidents where you hold a role*"));
  if (data.mine.length === 0) blocks.push(context("None right now."));
  for (const { incident, roles } of data.mine.slice(0, HOME_LIMITS.mine)) blocks.push(section(`${name(incident)}: ${roles.join(", ")}`));
  blocks.push(...more(HOME_LIMITS.mine, data.mine.length));

  blocks.push({ type: "divider" }, section("*Approvals waiting on you*"));
  if (data.approvals.length === 0) blocks.push(context("Nothing waits on you."));
  for (const approval of data.approvals.slice(0, HOME_LIMITS.approvals)) {
    const value = JSON.stringify(approval.button);
    const step = `step ${approval.position + 1}: ${escapeMrkdwn(approval.stepTitle)}`;
    blocks.push(section(`${name(approval.incident)}\n${escapeMrkdwn(approval.playbookTitle)}, ${step}`));
    blocks.push({
      type: "actions",
      block_id: `home_step_${approval.button.runId}_${approval.position}`,
      elements: [
        // The plan is on the step message in the channel; from here a confirm says what is approved.
        button("Approve", STEP_ACTIONS.approve, value, { style: "primary", confirm: { title: "Approve this step?", text: `Approve ${step} in ${humanId(approval.incident)}? Its plan is on the step's message in the incident channel.` } }),
        button("Deny", STEP_ACTIONS.deny, value, { style: "danger" }),
      ],
    } as KnownBlock);
  }
  blocks.push(...more(HOME_LIMITS.approvals, data.approvals.length));

  blocks.push({ type: "divider" }, section("*Post-mortems awaiting review*"));
  if (data.postmortems.length === 0) blocks.push(context("None."));
  for (const pm of data.postmortems.slice(0, HOME_LIMITS.postmortems)) blocks.push(section(`${link(pm.prUrl, `${humanId(pm.incident)} post-mortem`)}: ${escapeMrkdwn(pm.incident.title)}`));
  blocks.push(...more(HOME_LIMITS.postmortems, data.postmortems.length));

  return { type: "home", blocks };
}
