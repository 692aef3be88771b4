// views.*: modals. Slack refuses open and push without a fresh trigger_id from an interaction,
// and checks the view against Block Kit's rules for modals.
import { z } from "zod";
import { invalidArguments } from "./block-kit/block-kit-errors.js";
import { validateView } from "./block-kit/validate-view.js";
import { fail, json, method, ok, type MethodContext, type MethodHandler, type SlackBody } from "./method-kit.js";
import type { SlackView, Workspace } from "./workspace-state.js";

// "Triggers expire in three seconds ... Triggers may only be used once"
// (https://api.slack.com/docs/triggers); for views.open and views.push a late trigger is
// `expired_trigger_id` and a reused one `exchanged_trigger_id`
// (https://docs.slack.dev/reference/methods/views.open#errors).
export const TRIGGER_LIFETIME_MS = 3_000;

/** Why Slack would refuse this trigger_id, if it would; a good trigger is spent by this check. */
function triggerError({ workspace, strict }: MethodContext, triggerId: string | undefined): SlackBody | undefined {
  if (!triggerId) return fail("invalid_trigger_id");
  if (!strict) return undefined;
  const trigger = workspace.triggers.get(triggerId);
  if (!trigger) return fail("invalid_trigger_id");
  if (trigger.exchanged) return fail("exchanged_trigger_id");
  if (workspace.nowMs() - trigger.issuedAtMs > TRIGGER_LIFETIME_MS) return fail("expired_trigger_id");
  trigger.exchanged = true;
  return undefined;
}

/** Block Kit problems with a view, as Slack reports them for views methods. */
function viewError({ strict }: MethodContext, raw: unknown): SlackBody | undefined {
  if (!strict) return undefined;
  const issues = validateView(raw);
  return issues.length > 0 ? invalidArguments(issues) : undefined;
}

const viewInput = json(
  z.looseObject({
    type: z.literal("modal"),
    blocks: z.array(z.record(z.string(), z.unknown())),
    external_id: z.string().optional(),
  }),
);

type ViewInput = z.output<typeof viewInput>;

// A modal stack holds at most three views.
const MAX_STACK = 3;

function buildView(workspace: Workspace, input: ViewInput, place: { id: string; root: string; previous: string | null }): SlackView {
  return {
    private_metadata: "",
    callback_id: "",
    clear_on_close: false,
    notify_on_close: false,
    close: null,
    submit: null,
    ...input,
    id: place.id,
    team_id: workspace.team.id,
    app_id: workspace.bot.appId,
    bot_id: workspace.bot.botId,
    app_installed_team_id: workspace.team.id,
    external_id: input.external_id ?? "",
    state: { values: {} },
    hash: `${Math.floor(workspace.nowMs() / 1000)}.${workspace.nextId("h")}`,
    root_view_id: place.root,
    previous_view_id: place.previous,
  };
}

const externalIdTaken = (workspace: Workspace, externalId: string | undefined, except?: string) =>
  externalId !== undefined && externalId !== "" && [...workspace.views.values()].some((v) => v.external_id === externalId && v.id !== except);

// views.publish (https://docs.slack.dev/reference/methods/views.publish): `user_id` and `view`
// are required, the view must be a `home` view (Block Kit's home surface: at most 100 blocks),
// a `hash` that is not the stored one is `hash_conflict`, a view over 250 kB `view_too_large`; an
// unknown or missing user is `invalid_arguments` with "invalid `user_id`", as Slack answered it
// (test/fixtures/slack/socket-mode/web-api.views.publish.200.error.invalid_arguments.json).
const MAX_VIEW_BYTES = 250_000;
const publishArgs = z.object({ user_id: z.string().optional(), hash: z.string().optional(), view: json(z.unknown()) });

function publishHome(context: MethodContext, args: z.output<typeof publishArgs>): SlackBody {
  const { workspace, emit } = context;
  if (!args.user_id || !workspace.users.has(args.user_id)) return fail("invalid_arguments", { response_metadata: { messages: ["invalid `user_id`"] } });
  if (args.view === undefined) return fail("invalid_arguments", { response_metadata: { messages: ["[ERROR] missing required field: view"] } });
  if ((args.view as { type?: unknown } | null)?.type !== "home") return invalidArguments([{ pointer: "/view/type", message: "must be home" }]);
  if (Buffer.byteLength(JSON.stringify(args.view)) > MAX_VIEW_BYTES) return fail("view_too_large");
  const refused = viewError({ ...context, strict: true }, args.view);
  if (refused) return refused;
  const current = workspace.homeViews.get(args.user_id);
  if (args.hash !== undefined && args.hash !== current?.hash) return fail("hash_conflict");
  const input = args.view as ViewInput;
  const id = current?.id ?? workspace.nextId("V");
  const view = { ...buildView(workspace, input, { id, root: id, previous: null }), type: "home" };
  workspace.homeViews.set(args.user_id, view);
  emit("view", { action: "publish", view });
  return ok({ view });
}

export const viewMethods: Record<string, MethodHandler> = {
  "views.publish": method(publishArgs, publishHome),

  "views.open": method(z.object({ trigger_id: z.string().optional(), view: viewInput }), (context, args) => {
    const { workspace, emit } = context;
    const refused = viewError(context, args.view) ?? triggerError(context, args.trigger_id);
    if (refused) return refused;
    if (externalIdTaken(workspace, args.view.external_id)) return fail("duplicate_external_id");
    const id = workspace.nextId("V");
    const view = buildView(workspace, args.view, { id, root: id, previous: null });
    workspace.views.set(id, view);
    emit("view", { action: "open", view });
    return ok({ view });
  }),

  "views.push": method(z.object({ trigger_id: z.string().optional(), view: viewInput }), (context, args) => {
    const { workspace, emit } = context;
    const refused = viewError(context, args.view) ?? triggerError(context, args.trigger_id);
    if (refused) return refused;
    // The emulator cannot tell which modal a trigger came from; it pushes onto the latest one.
    const top = [...workspace.views.values()].at(-1);
    if (!top) return fail("invalid_trigger_id");
    const depth = [...workspace.views.values()].filter((v) => v.root_view_id === top.root_view_id).length;
    if (depth >= MAX_STACK) return fail("push_limit_reached");
    if (externalIdTaken(workspace, args.view.external_id)) return fail("duplicate_external_id");
    const id = workspace.nextId("V");
    const view = buildView(workspace, args.view, { id, root: top.root_view_id, previous: top.id });
    workspace.views.set(id, view);
    emit("view", { action: "push", view });
    return ok({ view });
  }),

  "views.update": method(
    z.object({ view_id: z.string().optional(), external_id: z.string().optional(), hash: z.string().optional(), view: viewInput }),
    (context, args) => {
      const { workspace, emit } = context;
      const refused = viewError(context, args.view);
      if (refused) return refused;
      const current = args.view_id
        ? workspace.views.get(args.view_id)
        : [...workspace.views.values()].find((v) => args.external_id && v.external_id === args.external_id);
      if (!current) return fail("not_found");
      // The hash guards against overwriting a view someone else changed meanwhile.
      if (args.hash !== undefined && args.hash !== current.hash) return fail("hash_conflict");
      if (externalIdTaken(workspace, args.view.external_id, current.id)) return fail("duplicate_external_id");
      const view = buildView(workspace, { ...args.view, external_id: args.view.external_id ?? current.external_id }, {
        id: current.id,
        root: current.root_view_id,
        previous: current.previous_view_id,
      });
      view.state = current.state;
      workspace.views.set(current.id, view);
      emit("view", { action: "update", view });
      return ok({ view });
    },
  ),
};
