// Buttons on the pinned header, the lifecycle modals, the "Add to timeline" shortcut and the
// commander's timeline corrections. Thin: parse, call a flow, answer privately.
import type { App, BlockButtonAction, BlockStaticSelectAction, MessageShortcut } from "@slack/bolt";
import { z } from "zod";
import type { Incident } from "../../domain/incident.js";
import { resolve, revertTakeover } from "../../incidents/lifecycle/change-incident.js";
import { REVERT_COMMAND_ACTION, revertValue } from "../../incidents/lifecycle/command-handover.js";
import { checkPermission } from "../../incidents/lifecycle/permission-check.js";
import type { Outcome } from "../../incidents/lifecycle/outcome.js";
import { slackTsToDate } from "../../incidents/lifecycle/pin-events.js";
import { addMessage, addNote, editEntry, postUpdate } from "../../incidents/lifecycle/record-notes.js";
import { preparePublicUpdate, publicFormFor, requestPublicUpdate, type Prepared } from "../../incidents/public-updates/public-update-flows.js";
import { ADD_TO_TIMELINE_SHORTCUT } from "../../views/slack/slack-surface.js";
import { HEADER_ACTIONS } from "../../views/slack/header-actions.js";
import {
  addToTimelineModal,
  editEntryModal,
  noteModal,
  parseAddToTimeline,
  parseEditEntry,
  parseNote,
  parseResolve,
  parseStatusUpdate,
  type PublicSubmission,
  resolveModal,
  statusUpdateModal,
} from "../../views/slack/lifecycle-modals.js";
import { TIMELINE_EDIT_ACTION } from "../../views/slack/timeline-edit-picker.js";
import { timelineReply } from "./lifecycle-commands.js";
import { noticeModal, openThenFill } from "./open-modal.js";
import { answerTo, type AnswerDeps } from "../answer.js";
import { DATABASE_UNAVAILABLE, type AppDeps, type ListenerDeps } from "./slack-deps.js";
import { tryParseJsonWith } from "../../kernel/parse-json.js";

const incidentRef = z.object({ incidentId: z.number().int() });
const entryRef = z.object({ incidentId: z.number().int(), entryId: z.number().int() });

export function registerLifecycleInteractions(app: App, deps: ListenerDeps, answers: AnswerDeps): void {
  const incidentFrom = async (flows: AppDeps | undefined, raw: string | undefined): Promise<Incident | undefined> => {
    const ref = tryParseJsonWith(incidentRef, raw, "an incident button's value");
    return ref && flows ? flows.store.incidents.get(ref.incidentId) : undefined;
  };
  const say = (outcome: Outcome) => (outcome.ok ? (outcome.reply ?? "Done.") : `:no_entry_sign: ${outcome.reason}`);

  // Header buttons.
  app.action<BlockButtonAction>(new RegExp(`^(${Object.values(HEADER_ACTIONS).join("|")})$`), async ({ ack, body, action, client, respond }) => {
    await ack();
    // Modals open before anything is read: the trigger_id lasts 3 s. Note and Resolve need only
    // the incident's id, which the button carries; Update fills in once the incident is read.
    const ref = tryParseJsonWith(incidentRef, action.value, "a header button's value");
    if (ref && action.action_id === HEADER_ACTIONS.note) return void (await client.views.open({ trigger_id: body.trigger_id, view: noteModal({ id: ref.incidentId }) }));
    if (ref && action.action_id === HEADER_ACTIONS.resolve) {
      const statusPage = deps()?.statusPage;
      const publicForm = statusPage && { title: "", components: statusPage.components, suggested: "" };
      return void (await client.views.open({ trigger_id: body.trigger_id, view: resolveModal({ id: ref.incidentId }, deps()?.timezone, undefined, publicForm) }));
    }
    if (ref && action.action_id === HEADER_ACTIONS.update) {
      return openThenFill(client, body.trigger_id, noticeModal(`Update INC-${ref.incidentId}`, ":hourglass_flowing_sand: Reading the incident…"), async () => {
        const flows = deps();
        const incident = flows && (await flows.store.incidents.get(ref.incidentId));
        return incident ? statusUpdateModal(incident, await publicFormFor(flows, incident)) : flows ? "That incident no longer exists." : DATABASE_UNAVAILABLE;
      });
    }
    const flows = deps();
    const incident = await incidentFrom(flows, action.value);
    const answer = answerTo(answers, body, respond);
    if (!flows || !incident) return void (await answer(flows ? "That incident no longer exists." : DATABASE_UNAVAILABLE));
    const reply = await timelineReply(flows, incident, body.user.id);
    await answer({ text: reply.text, blocks: reply.blocks });
  });

  // Revert on a takeover announcement: the displaced commander takes command back.
  app.action<BlockButtonAction>(REVERT_COMMAND_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const flows = deps();
    const answer = answerTo(answers, body, respond);
    const change = tryParseJsonWith(revertValue, action.value, "a Revert button's value");
    if (!flows) return void (await answer(DATABASE_UNAVAILABLE));
    if (!change) return void (await answer(say({ ok: false, reason: "This button is not one Firebreak can read; use `/incident commander @someone` instead." })));
    await answer(say(await revertTakeover(flows, change, { userId: body.user.id })));
  });

  app.view("status_update", async ({ ack, view, body }) => {
    const flows = deps();
    const parsed = parseStatusUpdate(view);
    if (!parsed.ok) return ack({ response_action: "errors", errors: parsed.errors });
    if (!flows) return ack({ response_action: "errors", errors: { summary: DATABASE_UNAVAILABLE } });
    // The public part is checked before anything is recorded: an unknown component is refused in the form.
    const publicPart = await preparePublic(flows, parsed.value.incidentId, parsed.value.public);
    if (publicPart && !publicPart.ok) return ack({ response_action: "errors", errors: { [publicPart.field]: publicPart.reason } });
    const outcome = await postUpdate(flows, parsed.value.incidentId, parsed.value, { userId: body.user.id });
    if (!outcome.ok) return ack({ response_action: "errors", errors: { summary: outcome.reason } });
    await ack();
    if (publicPart) await askPublic(flows, parsed.value.incidentId, publicPart, body);
  });

  const preparePublic = async (flows: AppDeps, incidentId: number, submitted: PublicSubmission | undefined) => {
    const incident = submitted && (await flows.store.incidents.get(incidentId));
    return incident && submitted ? preparePublicUpdate(flows, incident, { kind: "update", ...submitted }) : undefined;
  };
  const askPublic = async (flows: AppDeps, incidentId: number, prepared: Prepared & { ok: true }, body: { user: { id: string } }) => {
    const incident = (await flows.store.incidents.get(incidentId))!;
    const outcome = await requestPublicUpdate(flows, incident, prepared.update, body.user.id);
    await answerTo(answers, body, undefined, incident.channelId)(say(outcome));
  };

  app.view("resolve_incident", async ({ ack, view, body }) => {
    const flows = deps();
    if (!flows) return ack({ response_action: "errors", errors: { resolution: DATABASE_UNAVAILABLE } });
    const parsed = parseResolve(view, flows.now(), flows.timezone);
    if (!parsed.ok) return ack({ response_action: "errors", errors: parsed.errors });
    const { incidentId, public: submitted, ...input } = parsed.value;
    const publicPart = await preparePublic(flows, incidentId, submitted);
    if (publicPart && !publicPart.ok) return ack({ response_action: "errors", errors: { [publicPart.field]: publicPart.reason } });
    const outcome = await resolve(flows, incidentId, input, { userId: body.user.id });
    if (!outcome.ok) return ack({ response_action: "errors", errors: { resolution: outcome.reason } });
    await ack();
    const incident = await flows.store.incidents.get(incidentId);
    await answerTo(answers, body, undefined, incident?.channelId)(say(outcome));
    if (publicPart) await askPublic(flows, incidentId, publicPart, body);
  });

  app.view("add_note", async ({ ack, view, body }) => {
    const flows = deps();
    const parsed = parseNote(view);
    if (!parsed.ok) return ack({ response_action: "errors", errors: parsed.errors });
    const incident = flows && (await flows.store.incidents.get(parsed.value.incidentId));
    if (!flows || !incident) return ack({ response_action: "errors", errors: { text: DATABASE_UNAVAILABLE } });
    await ack();
    await addNote(flows, incident, parsed.value.text, { userId: body.user.id });
  });

  app.shortcut<MessageShortcut>({ callback_id: ADD_TO_TIMELINE_SHORTCUT.callbackId, type: "message_action" }, async ({ ack, shortcut, client }) => {
    await ack();
    // Which incident the channel belongs to is in the database; the trigger_id lasts 3 s.
    await openThenFill(client, shortcut.trigger_id, noticeModal("Add to timeline", ":hourglass_flowing_sand: Finding the incident…"), async () => {
      const flows = deps();
      const incident = flows && (await flows.store.incidents.byChannel(shortcut.channel.id));
      if (!flows) return DATABASE_UNAVAILABLE;
      if (!incident) return "Add to timeline works on messages in an incident's channel.";
      const at = slackTsToDate(shortcut.message.ts);
      return addToTimelineModal({ incidentId: incident.id, text: shortcut.message.text ?? "", at, author: shortcut.message.user ?? null, permalink: null }, flows.timezone);
    });
  });

  app.view("add_to_timeline", async ({ ack, view, body }) => {
    const flows = deps();
    if (!flows) return ack({ response_action: "errors", errors: { text: DATABASE_UNAVAILABLE } });
    const parsed = parseAddToTimeline(view, flows.timezone);
    if (!parsed.ok) return ack({ response_action: "errors", errors: parsed.errors });
    const incident = await flows.store.incidents.get(parsed.value.incidentId);
    if (!incident) return ack({ response_action: "errors", errors: { text: "That incident no longer exists." } });
    await ack();
    const { at, text, author, trigger } = parsed.value;
    const outcome = await addMessage(flows, incident, { at, text, author, kind: "custom", addedBy: body.user.id, sourceKey: `added:${view.id}`, trigger });
    await answerTo(answers, body, undefined, incident.channelId)(say(outcome));
  });

  app.action<BlockStaticSelectAction>(TIMELINE_EDIT_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const flows = deps();
    const ref = tryParseJsonWith(entryRef, action.selected_option?.value, "a timeline entry choice");
    const incident = ref && flows ? await flows.store.incidents.get(ref.incidentId) : undefined;
    const entry = ref && flows ? await flows.store.timeline.get(ref.entryId) : undefined;
    if (!flows || !incident || !entry) return;
    const denied = await checkPermission(flows, incident, body.user.id, "timeline");
    if (denied) return void (await answerTo(answers, body, respond, body.channel?.id ?? incident.channelId)(say(denied)));
    await client.views.open({ trigger_id: body.trigger_id, view: editEntryModal(entry, flows.timezone) });
  });

  app.view("edit_timeline_entry", async ({ ack, view, body }) => {
    const flows = deps();
    if (!flows) return ack({ response_action: "errors", errors: { text: DATABASE_UNAVAILABLE } });
    const parsed = parseEditEntry(view, flows.timezone);
    if (!parsed.ok) return ack({ response_action: "errors", errors: parsed.errors });
    const entry = await flows.store.timeline.get(parsed.value.entryId);
    const incident = entry && (await flows.store.incidents.get(entry.incidentId));
    if (!incident) return ack({ response_action: "errors", errors: { text: "That entry no longer exists." } });
    const outcome = await editEntry(flows, incident, parsed.value, { userId: body.user.id });
    if (!outcome.ok) return ack({ response_action: "errors", errors: { text: outcome.reason } });
    await ack();
  });
}
