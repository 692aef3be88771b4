// `/incident escalate`: the modal opens before anything else (its trigger_id lasts 3 s), the
// target menu is filled by Slack's block_suggestion requests as the person types, and the
// submission is recorded and answered; PagerDuty is asked by a job (incidents/escalate.ts).
import type { App } from "@slack/bolt";
import { parseTargetValue, PAGERDUTY_OFF, recordEscalation, refuseEscalation, targetValue } from "../../incidents/escalate.js";
import { ESCALATE_CALLBACK, ESCALATE_TARGET_ACTION, escalateModal, readEscalateForm, targetOptions } from "../../views/slack/escalate-modal.js";
import type { Incident } from "../../domain/incident.js";
import { DATABASE_UNAVAILABLE, type AppDeps, type ListenerDeps } from "./slack-deps.js";

type Client = Parameters<Parameters<App["command"]>[1]>[0]["client"];

/** The answer to `/incident escalate` in `incident`'s channel: a sentence, or the modal opened. */
export async function escalateCommand(flows: AppDeps, incident: Incident, client: Client, triggerId: string, ack: (text?: string) => Promise<void>): Promise<void> {
  if (!flows.escalation) return ack(PAGERDUTY_OFF);
  await ack();
  await client.views.open({ trigger_id: triggerId, view: escalateModal(incident) });
}

export function registerEscalateListeners(app: App, deps: ListenerDeps): void {
  // block_suggestion: answered within Slack's 3 s with what PagerDuty finds for the typed text.
  app.options(ESCALATE_TARGET_ACTION, async ({ ack, body, options }) => {
    const escalation = deps()?.escalation;
    const query = (options as { value?: string } | undefined)?.value ?? (body as { value?: string }).value ?? "";
    if (!escalation || query.trim().length === 0) return ack({ options: [] });
    const found = await escalation.searchTargets(query.trim()).catch(() => []);
    await ack({ options: targetOptions(found, targetValue) });
  });

  app.view(ESCALATE_CALLBACK, async ({ ack, view, body }) => {
    const flows = deps();
    if (!flows) return ack({ response_action: "errors", errors: { message: DATABASE_UNAVAILABLE } });
    const form = readEscalateForm(view);
    if (!form.ok) return ack({ response_action: "errors", errors: form.errors });
    const incident = await flows.store.incidents.get(form.incidentId);
    if (!incident) return ack({ response_action: "errors", errors: { message: "This incident is gone; close the form." } });
    const target = parseTargetValue(form.targetValue);
    const refused = refuseEscalation(flows, incident, target);
    if (refused || !target) return ack({ response_action: "errors", errors: { target: refused ?? "Pick whom to page from the list." } });
    await recordEscalation(flows, incident, { requestId: view.id, requestedBy: body.user.id, target, label: form.targetLabel || `${target.kind} ${target.id}`, message: form.message });
    await ack();
  });
}
