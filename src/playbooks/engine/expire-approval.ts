import { z } from "zod";
import type { JobContext } from "../../jobs/job-runner.js";
import { applyEvent } from "./apply-event.js";
import type { EngineDeps } from "./engine-deps.js";

const payloadSchema = z.object({ runId: z.number().int(), position: z.number().int(), round: z.number().int() });

/** An approval request nobody answered in time is asked again (and says so on the timeline). */
export function expireApprovalJob(deps: EngineDeps) {
  return async (payload: unknown, _context: JobContext): Promise<void> => {
    const { runId, position, round } = payloadSchema.parse(payload);
    await applyEvent(deps, runId, { type: "approval_expired", position, round });
  };
}
