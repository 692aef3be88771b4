// `/incident playbook [all]`, choosing a playbook, and submitting its params.
import type { App, BlockButtonAction } from "@slack/bolt";
import { humanId } from "../../domain/incident.js";
import { targetNames } from "../../domain/targets.js";
import { coerceParams, startRun } from "../../playbooks/engine/start-run.js";
import { matchesIncident } from "../../playbooks/suggest-playbooks.js";
import {
  paramsModal,
  PLAYBOOK_CHOOSE_ACTION,
  PLAYBOOK_PARAMS_CALLBACK,
  PLAYBOOK_SHOW_ALL_ACTION,
  playbookChoice,
  playbookList,
  readParams,
} from "../../views/slack/playbook-views.js";
import { answerTo, type AnswerDeps } from "../answer.js";
import { DATABASE_UNAVAILABLE, type AppDeps, type ListenerDeps } from "./slack-deps.js";
import { tryParseJsonWith } from "../../kernel/parse-json.js";

/** The answer to `/incident playbook [all]` in a channel: ephemeral blocks, or a sentence. */
export async function playbookCommand(deps: AppDeps, channelId: string, all: boolean): Promise<{ text: string; blocks?: unknown[] }> {
  const incident = await deps.store.incidents.byChannel(channelId);
  if (!incident) return { text: "Run `/incident playbook` in an incident's channel: playbooks run for one incident." };
  const playbooks = deps.engine.playbooks;
  const shown = all ? playbooks : playbooks.filter((p) => matchesIncident(p, incident));
  return { text: `Playbooks for ${humanId(incident)}`, blocks: playbookList(shown, incident.id, { hidden: playbooks.length - shown.length }, incident.services[0]) };
}

export function registerPlaybookListeners(app: App, deps: ListenerDeps, answers: AnswerDeps): void {
  app.action<BlockButtonAction>(PLAYBOOK_SHOW_ALL_ACTION, async ({ ack, body, respond }) => {
    await ack();
    const flows = deps();
    const channelId = body.channel?.id;
    if (!flows || !channelId) return void (await answerTo(answers, body, respond)(flows ? "Run `/incident playbook all` in the incident's channel." : DATABASE_UNAVAILABLE));
    const answer = await playbookCommand(flows, channelId, true);
    // Replaces the list it was clicked on, which only the response_url can do.
    await respond({ response_type: "ephemeral", replace_original: true, text: answer.text, ...(answer.blocks && { blocks: answer.blocks as never }) });
  });

  app.action<BlockButtonAction>(PLAYBOOK_CHOOSE_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const flows = deps();
    const choice = tryParseJsonWith(playbookChoice, action.value, "a playbook button's value");
    const playbook = choice ? flows?.engine.playbooks.find((p) => p.id === choice.playbookId) : undefined;
    if (!flows || !choice || !playbook) {
      return void (await answerTo(answers, body, respond)(flows ? "That playbook is no longer available; run `/incident playbook` again." : DATABASE_UNAVAILABLE));
    }
    const file = flows.engine.file;
    const service = choice.service === undefined ? undefined : file.services[choice.service]?.targets;
    await client.views.open({ trigger_id: body.trigger_id, view: paramsModal(playbook, choice.incidentId, { targets: flows.engine.targetNames ?? targetNames(file.targets), ...(service && { service }) }) });
  });

  app.view(PLAYBOOK_PARAMS_CALLBACK, async ({ ack, view, body }) => {
    const flows = deps();
    const choice = tryParseJsonWith(playbookChoice, view.private_metadata, "the playbook form's metadata");
    const playbook = choice ? flows?.engine.playbooks.find((p) => p.id === choice.playbookId) : undefined;
    const incident = choice && flows ? await flows.store.incidents.get(choice.incidentId) : undefined;
    if (!flows || !playbook || !incident) {
      return ack({ response_action: "errors", errors: { [firstBlock(view)]: flows ? "This playbook or incident is no longer available." : DATABASE_UNAVAILABLE } });
    }
    const params = coerceParams(playbook, readParams(view.state), flows.engine.targetNames ?? targetNames(flows.engine.file.targets));
    if (!params.ok) return ack({ response_action: "errors", errors: Object.fromEntries(Object.entries(params.errors).map(([k, v]) => [`param_${k}`, v])) });
    // Recorded before Slack is answered, so a crash cannot lose a submission Slack saw accepted.
    const started = await startRun(flows.engine, { incident, playbook, params: params.params, userId: body.user.id, dedupeKey: view.id });
    await ack();
    // A form's submission carries no channel and no response_url: the incident's channel, else a DM.
    if (!started.ok && !("duplicate" in started)) await answerTo(answers, body, undefined, incident.channelId)(started.reason);
  });
}

function firstBlock(view: { blocks: { block_id?: string }[] }): string {
  return view.blocks.find((b) => b.block_id?.startsWith("param_"))?.block_id ?? "param_";
}
