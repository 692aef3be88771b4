// A person declared in Slack: they command it until they hand it over.
import { answerPerson } from "./answer-person.js";
import { humanId, type Incident } from "../domain/incident.js";
import type { DeclareSubmission } from "../views/slack/declare-modal.js";
import { declareIncident } from "./declare-incident.js";
import type { IncidentDeps } from "./deps.js";

export async function declareFromSlack(deps: IncidentDeps, input: DeclareSubmission & { userId: string; viewId: string }): Promise<Incident | undefined> {
  const now = deps.now();
  const incident = await deps.store.transaction(async (tx) => {
    // A double-submitted modal arrives twice with the same view id.
    if (!(await tx.deliveries.record("slack-view", input.viewId, { user: input.userId }))) return undefined;
    return declareIncident(tx, now, {
      title: input.title,
      severity: input.severity,
      services: input.services,
      description: input.description,
      private: input.private,
      source: "slack",
      detectedAt: now,
      declaredBy: input.userId,
      commander: input.userId,
      origin: `Declared in Slack by <@${input.userId}>${input.metadata.sourceMessageUrl ? ` from ${input.metadata.sourceMessageUrl}` : ""}`,
    }, deps);
  });
  if (!incident) return undefined;
  deps.nudge();
  deps.log.info({ incidentId: incident.id }, `${humanId(incident)} declared in Slack`);
  // A courtesy, not part of the record: it must not hold up the answer to Slack.
  if (input.metadata.channelId) void answerPerson(deps, { userId: input.userId, channelId: input.metadata.channelId }, `${humanId(incident)} declared. Opening its channel now; you'll be invited as commander.`);
  return incident;
}
