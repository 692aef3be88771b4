import type { App } from "@slack/bolt";
import type { AnswerDeps } from "../answer.js";
import { withErrorBoundary } from "../error-boundary.js";
import { registerDeclareShortcut } from "./declare-shortcut.js";
import { registerDeclareSubmission } from "./declare-submission.js";
import { registerEscalateListeners } from "./escalate-listeners.js";
import { registerIncidentCommand } from "./incident-command.js";
import { registerLifecycleInteractions } from "./lifecycle-interactions.js";
import { registerPlaybookListeners } from "./playbook-listeners.js";
import { registerPostmortemListeners } from "./postmortem-listeners.js";
import { registerPublicUpdateListeners } from "./public-update-listeners.js";
import { registerStepListeners } from "./step-listeners.js";
import type { ListenerDeps } from "./slack-deps.js";

/** Registers every listener; each answers the person through `answers` and fails into a sentence for them. */
export function registerListeners(app: App, deps: ListenerDeps, answers: AnswerDeps): void {
  // Events never reach Bolt: both receivers record them (once per event_id) before acknowledging.
  const guarded = withErrorBoundary(app, answers);
  registerIncidentCommand(guarded, deps);
  registerDeclareShortcut(guarded, deps, answers);
  registerDeclareSubmission(guarded, deps);
  registerPlaybookListeners(guarded, deps, answers);
  registerStepListeners(guarded, deps, answers);
  registerLifecycleInteractions(guarded, deps, answers);
  registerPostmortemListeners(guarded, deps, answers);
  registerEscalateListeners(guarded, deps);
  registerPublicUpdateListeners(guarded, deps, answers);
}
