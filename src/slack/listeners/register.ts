import type { App } from "@slack/bolt";
import { registerDeclareShortcut } from "./declare-shortcut.js";
import { registerDeclareSubmission } from "./declare-submission.js";
import { registerEventDedupe } from "./dedupe-events.js";
import { registerIncidentCommand } from "./incident-command.js";
import { registerLifecycleInteractions } from "./lifecycle-interactions.js";
import { registerPlaybookListeners } from "./playbook-listeners.js";
import { registerPostmortemListeners } from "./postmortem-listeners.js";
import { registerStepListeners } from "./step-listeners.js";
import type { ListenerDeps } from "./slack-deps.js";

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerEventDedupe(app, deps);
  registerIncidentCommand(app, deps);
  registerDeclareShortcut(app, deps);
  registerDeclareSubmission(app, deps);
  registerPlaybookListeners(app, deps);
  registerStepListeners(app, deps);
  registerLifecycleInteractions(app, deps);
  registerPostmortemListeners(app, deps);
}
