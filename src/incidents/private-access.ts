// Private incidents, as the commands see them: who may name one, which appear in lists, and the
// joins and departures recorded on a private incident's timeline (who saw what is part of the
// record for a security or HR incident).
import { z } from "zod";
import { humanId, parseHumanId, type Incident } from "../domain/incident.js";
import { privateIncidentRefusal, visibleTo } from "../domain/visibility.js";
import { MEMBER_JOINED_KIND } from "./lifecycle/catchup.js";
import type { IncidentDeps } from "./deps.js";
import { slackTsToDate } from "../ports/chat-text.js";

export const MEMBER_LEFT_KIND = "member-left";

/** The members of a private incident's channel; none before it exists or when Slack cannot say (closed by default). */
async function membersOf(deps: Pick<IncidentDeps, "chat" | "log">, incident: Incident): Promise<string[]> {
  if (!incident.private || !incident.channelId) return [];
  return deps.chat.channelMembers(incident.channelId).catch((error: unknown) => {
    deps.log.warn({ err: error, incidentId: incident.id }, "could not list a private incident's members; treating the person as outside it");
    return [];
  });
}

export async function mayView(deps: Pick<IncidentDeps, "chat" | "log">, incident: Incident, userId: string): Promise<boolean> {
  return visibleTo(incident, userId, await membersOf(deps, incident));
}

/**
 * The incident a person named by id (`INC-7`, `7`), or the sentence to answer them with: that it
 * does not exist, or, for a private incident they are not in, that it is private and nothing else.
 */
export async function incidentNamedBy(
  deps: Pick<IncidentDeps, "store" | "chat" | "log">,
  idText: string,
  userId: string,
): Promise<{ incident: Incident } | { refusal: string } | undefined> {
  const id = parseHumanId(idText);
  if (id === undefined) return undefined;
  const incident = await deps.store.incidents.get(id);
  if (!incident) return { refusal: `INC-${id} does not exist. \`/incident catchup\` in a channel that is not an incident's lists the open ones.` };
  if (!(await mayView(deps, incident, userId))) return { refusal: privateIncidentRefusal(incident) };
  return { incident };
}

/** `incidents` without the private ones `userId` is not in. */
export async function visibleIncidents<T extends Incident>(deps: Pick<IncidentDeps, "chat" | "log">, incidents: T[], userId: string): Promise<T[]> {
  const seen = await Promise.all(incidents.map((i) => mayView(deps, i, userId)));
  return incidents.filter((_, n) => seen[n]);
}

const membershipEvent = z.object({
  type: z.enum(["member_joined_channel", "member_left_channel"]),
  user: z.string(),
  channel: z.string(),
  inviter: z.string().optional(),
  event_ts: z.string().optional(),
});

/**
 * Records someone joining or leaving a private incident's channel
 * (https://docs.slack.dev/reference/events/member_joined_channel, .../member_left_channel), once per
 * event. False when the event is not one, or not about a private incident.
 */
export async function recordMembershipChange(deps: Pick<IncidentDeps, "store" | "chat" | "now">, eventId: string, event: unknown): Promise<boolean> {
  const parsed = membershipEvent.safeParse(event);
  if (!parsed.success) return false;
  const change = parsed.data;
  const incident = await deps.store.incidents.byChannel(change.channel);
  if (!incident?.private) return false;
  // Creating the channel makes the bot its first member, which tells nobody anything.
  if (change.user === (await deps.chat.botUserId())) return true;
  const joined = change.type === "member_joined_channel";
  const by = joined && change.inviter && change.inviter !== change.user ? ` (invited by <@${change.inviter}>)` : "";
  await deps.store.timeline.append({
    incidentId: incident.id,
    eventAt: change.event_ts ? slackTsToDate(change.event_ts) : deps.now(),
    kind: joined ? MEMBER_JOINED_KIND : MEMBER_LEFT_KIND,
    actor: change.user,
    text: `<@${change.user}> ${joined ? "joined" : "left"} ${humanId(incident)}'s private channel${by}`,
    data: { channel: change.channel, ...(change.inviter && { inviter: change.inviter }) },
    sourceKey: `slack-event:${eventId}`,
  });
  return true;
}
