// The durable side of public updates: the plan message in the channel (posted once, then updated
// in place as it is decided) and the expiry of a request nobody answered.
import { z } from "zod";
import { DeferJob, type JobContext, type JobHandler } from "../../jobs/job-runner.js";
import { validateWith } from "../../kernel/parse-json.js";
import { publicUpdateMessage } from "../../views/slack/public-update-message.js";
import type { IncidentDeps } from "../deps.js";
import { postOnce, postOnceKey } from "../post-once.js";
import { EXPIRE_PUBLIC_UPDATE_JOB, expirePublicUpdate, RENDER_PUBLIC_UPDATE_JOB } from "./public-update-flows.js";

const renderPayload = z.object({ id: z.number().int(), post: z.boolean() });
const expirePayload = z.object({ id: z.number().int() });

export function publicUpdateJobs(deps: IncidentDeps): Record<string, JobHandler> {
  const names = () => Object.fromEntries((deps.statusPage?.components ?? []).map((c) => [c.id, c.name]));
  return {
    [RENDER_PUBLIC_UPDATE_JOB]: async (payload: unknown, context: JobContext) => {
      const { id, post } = validateWith(renderPayload, payload, "a public update render job's payload");
      const update = await deps.store.publicUpdates.get(id);
      const incident = update && (await deps.store.incidents.get(update.incidentId));
      if (!update || !incident) return;
      if (!incident.channelId) throw new Error(`INC-${incident.id} has no channel yet`);
      const message = publicUpdateMessage(update, incident, names(), deps.timezone);
      if (update.messageTs) return deps.chat.updateMessage(incident.channelId, update.messageTs, message);
      // Only the request's own job posts; a decision's render that finds no message yet leaves it
      // to that job, which shows the update as it is once its message is known (below).
      if (!post) return;
      const tag = { incident: incident.id, part: `public-update:${id}` };
      const ts = await postOnce(deps, context.writes, incident.channelId, { ...message, tag });
      await deps.store.publicUpdates.setMessageTs(id, ts);
      const now = (await deps.store.publicUpdates.get(id))!;
      // Decided meanwhile, or a message found from an earlier try: show it as it is now.
      if (now.state !== update.state || context.writes.unconfirmed(postOnceKey(incident.channelId, tag))) {
        await deps.chat.updateMessage(incident.channelId, ts, publicUpdateMessage(now, incident, names(), deps.timezone));
      }
    },
    [EXPIRE_PUBLIC_UPDATE_JOB]: async (payload: unknown, context: JobContext) => {
      const { id } = validateWith(expirePayload, payload, "a public update expiry job's payload");
      const update = await deps.store.publicUpdates.get(id);
      if (!update || update.state !== "pending") return;
      if (context.now < update.expiresAt) throw new DeferJob(update.expiresAt, "the request has not expired yet");
      await expirePublicUpdate(deps, id);
    },
  };
}
