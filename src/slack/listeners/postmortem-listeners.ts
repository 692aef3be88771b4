// Edit / Regenerate / Publish on the post-mortem preview, and the Edit modal. Thin: parse, call
// a flow, answer privately.
import type { App, BlockButtonAction } from "@slack/bolt";
import { z } from "zod";
import type { Outcome } from "../../incidents/lifecycle/outcome.js";
import { draftFor, publishGapsFor, regenerate, requestPublish, saveEdits, showPreview } from "../../postmortem/postmortem-flows.js";
import { PUBLISH_CONFIRM_ACTIONS, publishConfirmation } from "../../views/slack/publish-confirmation.js";
import { parsePostmortemEdit, POSTMORTEM_ACTIONS, POSTMORTEM_EDIT_CALLBACK, postmortemEditModal, postmortemLoadingModal } from "../../views/slack/postmortem-views.js";
import { answerTo, type AnswerDeps } from "../answer.js";
import { DATABASE_UNAVAILABLE, type ListenerDeps } from "./slack-deps.js";
import { tryParseJsonWith } from "../../kernel/parse-json.js";
import { preparePublicUpdate, requestPublicUpdate } from "../../incidents/public-updates/public-update-flows.js";
import { parsePublishPostmortem, PUBLISH_POSTMORTEM_CALLBACK, publishPostmortemModal } from "../../views/slack/postmortem-summary-modal.js";

const ref = z.object({ incidentId: z.number().int() });

export function registerPostmortemListeners(app: App, deps: ListenerDeps, answers: AnswerDeps): void {
  // Edit opens its modal before anything else: the trigger_id expires 3 s after the click, and
  // drafting waits on the database and on Slack (users.info, which may be rate limited).
  app.action<BlockButtonAction>(POSTMORTEM_ACTIONS.edit, async ({ ack, body, action, client }) => {
    await ack();
    const parsed = tryParseJsonWith(ref, action.value, "a post-mortem button's value");
    if (!parsed) return;
    const opened = await client.views.open({ trigger_id: body.trigger_id, view: postmortemLoadingModal(parsed.incidentId) });
    const viewId = opened.view?.id;
    if (!viewId) return;
    const flows = deps();
    const incident = flows ? await flows.store.incidents.get(parsed.incidentId) : undefined;
    if (!flows || !incident) {
      await client.views.update({ view_id: viewId, view: postmortemLoadingModal(parsed.incidentId, flows ? "That incident no longer exists." : DATABASE_UNAVAILABLE) });
      return;
    }
    const { draft } = await draftFor(flows, incident);
    await client.views.update({ view_id: viewId, ...(opened.view?.hash && { hash: opened.view.hash }), view: postmortemEditModal(incident, draft.sections) });
  });

  const others = [...Object.values(POSTMORTEM_ACTIONS).filter((a) => a !== POSTMORTEM_ACTIONS.edit), ...Object.values(PUBLISH_CONFIRM_ACTIONS)];
  app.action<BlockButtonAction>(new RegExp(`^(${others.join("|")})$`), async ({ ack, body, action, respond, client }) => {
    await ack();
    // With a status page, Publish first asks for the public summary (the trigger_id lasts 3 s).
    const publishRef = action.action_id === POSTMORTEM_ACTIONS.publish && deps()?.statusPage ? tryParseJsonWith(ref, action.value, "a post-mortem button's value") : undefined;
    if (publishRef) return void (await client.views.open({ trigger_id: body.trigger_id, view: publishPostmortemModal({ id: publishRef.incidentId }) }));
    const flows = deps();
    const parsed = tryParseJsonWith(ref, action.value, "a post-mortem button's value");
    const incident = parsed && flows ? await flows.store.incidents.get(parsed.incidentId) : undefined;
    const answer = answerTo(answers, body, respond);
    const tell = async (outcome: Outcome) => void (await answer(outcome.ok ? (outcome.reply ?? "Done.") : `:no_entry_sign: ${outcome.reason}`));
    if (!flows || !incident) return tell({ ok: false, reason: flows ? "That incident no longer exists." : DATABASE_UNAVAILABLE });
    switch (action.action_id) {
      case POSTMORTEM_ACTIONS.regenerate:
      case POSTMORTEM_ACTIONS.discard:
        await regenerate(flows, incident, action.action_id === POSTMORTEM_ACTIONS.discard);
        return tell(await showPreview(flows, incident));
      case POSTMORTEM_ACTIONS.publish: {
        // An unfinished document asks first, naming what is missing (only the person who clicked sees it).
        const gaps = await publishGapsFor(flows, incident);
        if (gaps.length > 0) return void (await answer(publishConfirmation(incident.id, gaps)));
        return tell(await requestPublish(flows, incident, body.user.id));
      }
      case PUBLISH_CONFIRM_ACTIONS.anyway:
        return tell(await requestPublish(flows, incident, body.user.id));
      case PUBLISH_CONFIRM_ACTIONS.cancel:
        return tell({ ok: true, reply: "Not published; the draft is as it was." });
    }
  });

  app.view(PUBLISH_POSTMORTEM_CALLBACK, async ({ ack, view, body }) => {
    const flows = deps();
    const parsed = parsePublishPostmortem(view);
    const incident = parsed && flows ? await flows.store.incidents.get(parsed.incidentId) : undefined;
    if (!flows || !parsed || !incident) return ack({ response_action: "errors", errors: { public_summary: flows ? "That incident no longer exists." : DATABASE_UNAVAILABLE } });
    const prepared = parsed.summary ? await preparePublicUpdate(flows, incident, { kind: "postmortem_summary", status: null, title: "", body: parsed.summary, components: "" }) : undefined;
    if (prepared && !prepared.ok) return ack({ response_action: "errors", errors: { public_summary: prepared.reason } });
    await ack();
    const answer = answerTo(answers, body, undefined, incident.channelId);
    const published = await requestPublish(flows, incident, body.user.id);
    await answer(published.ok ? (published.reply ?? "Done.") : `:no_entry_sign: ${published.reason}`);
    if (!prepared) return;
    const asked = await requestPublicUpdate(flows, incident, prepared.update, body.user.id);
    await answer(asked.ok ? (asked.reply ?? "Done.") : `:no_entry_sign: ${asked.reason}`);
  });

  app.view(POSTMORTEM_EDIT_CALLBACK, async ({ ack, view }) => {
    const flows = deps();
    const parsed = parsePostmortemEdit(view);
    if (!parsed.ok) return ack({ response_action: "errors", errors: parsed.errors });
    const incident = flows && (await flows.store.incidents.get(parsed.incidentId));
    if (!flows || !incident) return ack({ response_action: "errors", errors: { tldr: flows ? "That incident no longer exists." : DATABASE_UNAVAILABLE } });
    await ack();
    const { draft } = await draftFor(flows, incident);
    await saveEdits(flows, incident, parsed.sections, draft.sections);
    await showPreview(flows, incident);
  });
}
