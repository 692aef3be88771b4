import type { Logger } from "../../kernel/log.js";
import type { ActionContext } from "../action-registry.js";

export function actionContext(log: Logger, now: () => Date, signal: AbortSignal, progress: (text: string) => void = () => undefined, incidentId?: number): ActionContext {
  return { log, signal, now, progress, ...(incidentId !== undefined && { incidentId }) };
}
