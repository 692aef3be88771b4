// Taking command from someone else is allowed (by default to anyone in the channel), but never
// quietly: it is announced in the channel with a Revert button for the commander it displaced,
// and recorded on the timeline. How the current commander got command is read back from that
// record (removed entries included, so correcting the timeline cannot hide a takeover).
import { z } from "zod";
import type { Repositories } from "../../ports/store.js";
import { humanId, type Incident } from "../../domain/incident.js";
import type { JobHandler } from "../../jobs/job-runner.js";
import { button } from "../../views/slack/buttons.js";
import type { IncidentDeps } from "../deps.js";
import { postOnce } from "../post-once.js";

export const COMMAND_NOTICE_JOB = "incident.command-notice";
export const REVERT_COMMAND_ACTION = "command_revert";

/** What a commander change records in its timeline entry's data. */
export const commandChange = z.object({
  role: z.literal("commander"),
  userId: z.string(),
  from: z.string().nullable().default(null),
  /** Someone other than the commander changed command (a self-handover or a handover for them). */
  takeover: z.boolean().default(false),
  /** The displaced commander took command back. */
  revert: z.boolean().default(false),
});
export type CommandChange = z.infer<typeof commandChange>;

/** The latest change of command on the incident's record, if any. */
export async function latestCommandChange(tx: Pick<Repositories, "timeline">, incidentId: number): Promise<CommandChange | undefined> {
  const entries = await tx.timeline.list(incidentId, { includeRemoved: true });
  for (const entry of entries.toReversed()) {
    if (entry.kind !== "role" || entry.data.role !== "commander") continue;
    const parsed = commandChange.safeParse(entry.data);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

/** Whether the incident's current commander got command by a takeover rather than being handed it. */
export async function commanderTookOver(tx: Pick<Repositories, "timeline">, incident: Incident): Promise<boolean> {
  const last = await latestCommandChange(tx, incident.id);
  return Boolean(last?.takeover && last.userId === incident.commander);
}

export const revertValue = z.object({ incidentId: z.number().int(), from: z.string(), to: z.string() });

/** The public announcement of a takeover (with Revert for the displaced commander) or of its revert. */
export function commandNotice(incident: Incident, change: { actor: string; to: string; from: string; revert: boolean }) {
  const name = humanId(incident);
  if (change.revert) {
    return { text: `:leftwards_arrow_with_hook: <@${change.actor}> reverted the change of command: <@${change.actor}> commands ${name} again (instead of <@${change.from}>).` };
  }
  const what = change.actor === change.to ? `<@${change.to}> took command of ${name} from <@${change.from}>` : `<@${change.actor}> made <@${change.to}> commander of ${name} instead of <@${change.from}>`;
  const text = `:rotating_light: ${what}. <@${change.from}>, if that was not agreed, press Revert to take command back.`;
  const value = JSON.stringify({ incidentId: incident.id, from: change.from, to: change.to } satisfies z.infer<typeof revertValue>);
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      { type: "actions", block_id: `command_${incident.id}`, elements: [button("Revert", REVERT_COMMAND_ACTION, value, { style: "danger" })] },
    ],
  };
}

const noticePayload = z.object({ incidentId: z.number().int(), actor: z.string(), to: z.string(), from: z.string(), revert: z.boolean() });

/** Posts the announcement in the incident channel (queued with the change, so it is not lost). */
export function commandNoticeJob(deps: Pick<IncidentDeps, "store" | "chat">): JobHandler {
  return async (payload, context) => {
    const change = noticePayload.parse(payload);
    const incident = await deps.store.incidents.get(change.incidentId);
    if (!incident?.channelId) return;
    // One job per change of command (its dedupe key holds the version), so the job names the notice.
    await postOnce(deps, context.writes, incident.channelId, { ...commandNotice(incident, change), tag: { incident: incident.id, part: `command:${context.job.id}` } });
  };
}

export const enqueueCommandNotice = (tx: Repositories, payload: z.infer<typeof noticePayload>, version: number, now: Date) =>
  tx.jobs.enqueue({ kind: COMMAND_NOTICE_JOB, payload, dedupeKey: `command-notice:${payload.incidentId}:${version}` }, now);
